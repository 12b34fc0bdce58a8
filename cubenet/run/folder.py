"""The run directory written by ``cubenet learn``: dataset copy, model, snapshots, history, metrics, provenance.

A run folder holds ``data.npz``, ``model.npz``, ``snapshots.npz``, ``history.csv``, ``metrics.json`` and
``run.json`` (and, once rendered, the figures). :func:`save_run` writes it into a temporary folder beside
the target and renames it into place at the end, so a failed run never leaves a half-written folder;
:func:`load_run` reads it back for ``cubenet render`` / ``cubenet report`` and notebooks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy

from cubenet import __version__
from cubenet.data.io import load as load_dataset
from cubenet.data.io import save as save_dataset
from cubenet.data.npz import read_npz
from cubenet.errors import CubenetError
from cubenet.files import check_writable_dir, save_npz, write_text
from cubenet.nn.history import History
from cubenet.nn.model_io import load_model, save_model
from cubenet.nn.network import Model
from cubenet.run.checks import check_data_file, check_history, check_info, check_metrics
from cubenet.run.numbers import measure
from cubenet.run.replace import check_replaceable, record_files, recover, replace_dir, temp_dir
from cubenet.run.seeds import Seeds

FILES = ("data.npz", "model.npz", "snapshots.npz", "history.csv", "metrics.json", "run.json")
HISTORY_COLUMNS = ("epoch", "loss", "train_accuracy", "test_accuracy")
#: 0.1 run folders also had the wall-clock seconds in history.csv (now in run.json: history.csv is reproducible)
LEGACY_HISTORY_COLUMNS = HISTORY_COLUMNS + ("seconds",)


@dataclass(frozen=True)
class Run:
    """A saved run: the dataset trained on, the model, its history, metrics (metrics.json) and info (run.json)."""

    dataset: object
    model: Model
    history: History
    metrics: dict
    info: dict
    path: Path


def compute_metrics(model: Model, dataset, history: History, seed=0) -> dict:
    """Every number of a run, as metrics.json holds it (see :func:`cubenet.run.numbers.measure`)."""
    return measure(model, dataset, history, seed if isinstance(seed, Seeds) else Seeds(int(seed or 0)))


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict:
    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "cubenet": __version__}


def check_run_target(run_dir: str | os.PathLike) -> Path:
    """Make sure ``run_dir`` can become a run folder, before any work is done.

    It may not exist yet, or be an empty folder, or an earlier cubenet run holding only files cubenet
    wrote (which will be replaced; see :mod:`cubenet.run.replace`); its nearest existing parent must be
    a writable folder. A replacement that a killed process left half done is finished first.
    """
    run_dir = Path(run_dir)
    where = str(run_dir)
    recover(run_dir)
    check_replaceable(run_dir)
    parent = run_dir.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise CubenetError(f"cannot create {where!r}: {str(parent)!r} is a file, not a folder; choose another -o")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".cubenet-check-", dir=parent))
    except OSError as exc:
        raise CubenetError(f"cannot write into {str(parent)!r} ({exc.strerror or exc}); choose another -o") from None
    return run_dir


def save_run(run_dir: str | os.PathLike, dataset, model: Model, history: History, *, command: str,
             seed=None, config: dict | None = None, source: str | os.PathLike | None = None,
             metrics: dict | None = None) -> Path:
    """Write a complete run folder; replace an earlier run at ``run_dir`` only once everything is written.

    Parameters
    ----------
    run_dir : the folder to create
    dataset, model, history : what was trained on, the result, and how it went
    command : the exact command line that reproduces the run
    seed : the seed used: an int or a :class:`cubenet.run.seeds.Seeds` (its streams are recorded)
    config : the training settings (JSON-serialisable)
    source : the data file the user gave (its path and sha256 are recorded); None when generated
    metrics : the run's numbers from :func:`cubenet.run.numbers.measure`; measured here when None
    """
    run_dir = check_run_target(run_dir)
    check_writable_dir(run_dir.absolute().parent)
    tmp = temp_dir(run_dir.absolute(), "new")
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a run folder is an ordinary folder
        save_dataset(dataset, tmp / "data.npz")
        save_model(model, tmp / "model.npz")
        save_npz(tmp / "snapshots.npz", snapshot_arrays(history))
        write_text(tmp / "history.csv", history_csv(history))
        seeds = seed if isinstance(seed, Seeds) else Seeds(int(seed or 0))
        if metrics is None:
            metrics = compute_metrics(model, dataset, history, seeds)
        write_text(tmp / "metrics.json", json.dumps(metrics, indent=2) + "\n")
        info = run_info(dataset, tmp / "data.npz", command=command, seed=seeds, config=config, source=source)
        info["timing"] = {"train_seconds": float(history.seconds[-1]),
                          "epoch_seconds": [round(float(v), 4) for v in history.seconds]}
        write_text(tmp / "run.json", json.dumps(info, indent=2) + "\n")
        record_files(tmp, FILES)
        replace_dir(tmp, run_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return run_dir


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def run_info(dataset, data_file: Path, *, command: str, seed, config: dict | None, source) -> dict:
    """The provenance record ``run.json`` (``seed`` is a :class:`cubenet.run.seeds.Seeds`)."""
    meta = dataset.meta
    return {
        "command": command, "seed": seed.seed, "seeds": seed.record(), "versions": versions(),
        "dataset": {
            "path": str(source) if source is not None else None,
            "sha256": file_sha256(source if source is not None else data_file),
            "data_sha256": file_sha256(data_file),  # data.npz itself, so a swapped copy is noticed
            "generator": meta.get("generator"), "scramble": meta.get("scramble"),
            "n_train": int(len(dataset.y_train)), "n_test": int(len(dataset.y_test)),
        },
        "config": config or {},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def history_csv(history: History) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    for row in zip(history.epochs, history.loss, history.train_accuracy, history.test_accuracy):
        writer.writerow([int(row[0])] + [repr(float(v)) for v in row[1:]])
    return out.getvalue()


def snapshot_arrays(history: History) -> dict:
    arrays = {"epochs": np.array([e for e, _ in history.snapshots], dtype=np.int64)}
    for k, (_, params) in enumerate(history.snapshots):
        for i, (W, b) in enumerate(params):
            arrays[f"s{k}_W{i}"], arrays[f"s{k}_b{i}"] = np.asarray(W), np.asarray(b)
    return arrays


def load_run(run_dir: str | os.PathLike) -> Run:
    """Read a run folder written by :func:`save_run`; raise CubenetError naming what is missing or broken."""
    run_dir = Path(run_dir)
    where = str(run_dir)
    recover(run_dir)
    if not run_dir.is_dir():
        raise CubenetError(f"{where!r} is not a folder; give a run folder written by 'cubenet learn'")
    missing = [f for f in FILES if not (run_dir / f).is_file()]
    if missing:
        raise CubenetError(f"{where!r} is not a complete cubenet run: missing {', '.join(missing)} "
                           "(make one with 'cubenet learn')")
    dataset = load_dataset(run_dir / "data.npz")
    model = load_model(run_dir / "model.npz")
    metrics, info = (_read_json(run_dir / name) for name in ("metrics.json", "run.json"))

    check_metrics(metrics, str(run_dir / "metrics.json"), dataset.n_classes)  # before any figure is started
    check_info(info, str(run_dir / "run.json"))
    check_data_file(run_dir, info, file_sha256)
    history = _read_history(run_dir, metrics.get("stop_reason", ""), (info.get("timing") or {}).get("epoch_seconds"))
    check_history(history, str(run_dir / "history.csv"))
    return Run(dataset=dataset, model=model, history=history, metrics=metrics, info=info, path=run_dir)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CubenetError(f"{str(path)!r} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CubenetError(f"{str(path)!r} must hold a JSON object")
    return data


def _read_history(run_dir: Path, stop_reason: str, epoch_seconds=None) -> History:
    path = run_dir / "history.csv"
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        if tuple(rows[0]) not in (HISTORY_COLUMNS, LEGACY_HISTORY_COLUMNS):
            raise ValueError(f"columns must be {','.join(HISTORY_COLUMNS)}")
        width = len(rows[0])
        cols = np.array([[float(v) for v in row] for row in rows[1:]], dtype=float).reshape(-1, width).T
        if width == len(HISTORY_COLUMNS):
            seconds = np.zeros(cols.shape[1]) if epoch_seconds is None else np.asarray(epoch_seconds, dtype=float)
            if seconds.shape != (cols.shape[1],):
                raise ValueError("run.json's epoch_seconds do not match its rows")
            cols = np.vstack([cols, seconds])
    except (OSError, IndexError, ValueError, TypeError) as exc:
        raise CubenetError(f"{str(path)!r} is not a readable history ({exc})") from None
    spath = run_dir / "snapshots.npz"
    snapshots = []

    f = read_npz(spath, what="snapshot file")  # sizes checked before reading, never a pickle
    try:
        for k, epoch in enumerate(f["epochs"]):
            params, i = [], 0
            while f"s{k}_W{i}" in f:
                params.append((f[f"s{k}_W{i}"], f[f"s{k}_b{i}"]))
                i += 1
            snapshots.append((int(epoch), params))
    except (ValueError, KeyError, TypeError) as exc:
        raise CubenetError(f"{str(spath)!r} is not a readable snapshot file ({exc})") from None
    return History(epochs=cols[0].astype(int), loss=cols[1], train_accuracy=cols[2], test_accuracy=cols[3],
                   seconds=cols[4], snapshots=tuple(snapshots), stop_reason=stop_reason)
