"""Warnings about where a run's data came from: continuing a model on other data, a data file changed since training.

Both are legitimate things to do, so they warn (one line, naming both files) rather than refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def _same_data(a, b) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("X_train", "y_train", "X_test", "y_test")) \
        and tuple(a.class_names) == tuple(b.class_names)


def _trained_from(info: dict) -> str:
    dataset = info.get("dataset") if isinstance(info.get("dataset"), dict) else {}
    path = dataset.get("path")
    return f"from {path!r}" if isinstance(path, str) else "generated, not from a file"


def model_data_warning(model_path: Path, dataset, data: Path | None) -> str | None:
    """When ``--model`` comes from a run folder whose data differ from ``dataset``: one line naming both files."""
    from cubenet.data.io import load
    from cubenet.errors import CubenetError

    run_dir = Path(model_path).parent
    if not (run_dir / "data.npz").is_file():
        return None  # a model file on its own: nothing to compare with
    try:
        trained_on = load(run_dir / "data.npz")
        info = json.loads((run_dir / "run.json").read_text(encoding="utf-8")) if (run_dir / "run.json").is_file() else {}
    except (CubenetError, OSError, ValueError):
        return None
    if _same_data(trained_on, dataset):
        return None
    given = repr(str(data)) if data is not None else "the default cube (no DATA given)"
    return (f"{str(model_path)!r} was trained on other data ({str(run_dir / 'data.npz')!r}, "
            f"{_trained_from(info if isinstance(info, dict) else {})}) than {given}: training continues on {given}, "
            "so this is a new experiment, not more of the same run")


def source_changed_warning(run_dir: Path) -> str | None:
    """When the data file named in the run's command now differs from what the run recorded (its sha256)."""
    from cubenet.run.folder import file_sha256

    try:
        info = json.loads((Path(run_dir) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # load_run names a missing or broken run.json
    dataset = info.get("dataset") if isinstance(info, dict) and isinstance(info.get("dataset"), dict) else {}
    path, recorded = dataset.get("path"), dataset.get("sha256")
    if not (isinstance(path, str) and isinstance(recorded, str) and Path(path).is_file()):
        return None
    try:
        if file_sha256(path) == recorded:
            return None
    except OSError:
        return None
    return (f"{path!r} changed since this run was trained (its sha256 differs from run.json), so the recorded "
            "command would now train on other data; the figures use the run's own copy, data.npz")


def warn(line: str | None) -> None:
    """Print a warning line on stderr (nothing for None)."""
    if line:
        from cubenet.cli.common import console

        console(stderr=True).print(f"[bold]Warning:[/bold] {line}")


def warn_if_source_changed(run_dir: Path) -> None:
    warn(source_changed_warning(run_dir))
