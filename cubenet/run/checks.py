"""Checks of a run folder's records before anything is drawn from them: types of metrics.json and run.json, the history,
and that data.npz is the data the run was trained on.

A run folder is plain files that anyone can edit. A tampered value gets one line naming the file and
the key, before any figure is started, instead of a TypeError half-way through rendering. Keys that are
absent are left to the readers (older runs lack some); keys this module does not know are allowed,
so the records can grow.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from cubenet.errors import CubenetError


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _fraction(v) -> bool:
    return _number(v) and 0 <= v <= 1


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _text(v) -> bool:
    return isinstance(v, str)


def _optional(rule):
    return lambda v: v is None or rule(v)


def _dict_of(rule):
    return lambda v: isinstance(v, dict) and all(isinstance(k, str) and rule(x) for k, x in v.items())


def _list_of(rule):
    return lambda v: isinstance(v, list) and all(rule(x) for x in v)


METRICS = {
    "train_accuracy": (_fraction, "a fraction in [0, 1]"),
    "test_accuracy": (_fraction, "a fraction in [0, 1]"),
    "per_class_accuracy": (_dict_of(_optional(_fraction)), "an object of class name -> fraction or null"),
    "confusion_matrix": (_list_of(_list_of(_count)), "a list of rows of counts"),
    "class_names": (_list_of(_text), "a list of names"),
    "stop_reason": (_text, "text"),
    "epochs_run": (_count, "a whole number >= 0"),
    "train_seconds": (lambda v: _number(v) and v >= 0, "a number of seconds >= 0"),
    "warnings": (_list_of(_text), "a list of text"),
    "layers": (_list_of(lambda v: isinstance(v, dict)), "a list of objects, one per layer"),
    "layer_epochs": (lambda v: isinstance(v, dict), "an object"),
    "probe": (lambda v: isinstance(v, dict), "an object"),
}

INFO = {
    "command": (_text, "text"),
    "seed": (_optional(_count), "a whole number or null"),
    "versions": (_dict_of(_text), "an object of text"),
    "dataset": (lambda v: isinstance(v, dict), "an object"),
    "config": (lambda v: isinstance(v, dict), "an object"),
    "created": (_text, "text"),
    "seeds": (lambda v: isinstance(v, dict), "an object"),
    "timing": (lambda v: isinstance(v, dict), "an object"),
}

TIMING = {
    "train_seconds": (lambda v: _number(v) and v >= 0, "a number of seconds >= 0"),
    "epoch_seconds": (_list_of(lambda v: _number(v) and v >= 0), "a list of seconds"),
}

DATASET = {
    "path": (_optional(_text), "text or null"),
    "sha256": (_optional(_text), "text"),
    "data_sha256": (_optional(_text), "text"),
    "generator": (_optional(_text), "text or null"),
    "scramble": (_optional(_text), "text or null"),
    "n_train": (_count, "a whole number"),
    "n_test": (_count, "a whole number"),
}


def _check(record: dict, rules: dict, where: str, prefix: str = "") -> None:
    for key, (rule, what) in rules.items():
        if key in record and not rule(record[key]):
            raise CubenetError(f"{where!r}: {prefix}{key!r} must be {what}, got {record[key]!r:.60}; the file was "
                               "edited or damaged: restore it, or train the run again")


def check_metrics(metrics: dict, where: str, n_classes: int) -> None:
    """The values of ``metrics.json`` have the types the figures and the report read."""
    _check(metrics, METRICS, where)
    confusion = metrics.get("confusion_matrix")
    if confusion is not None and (len(confusion) != n_classes or any(len(row) != n_classes for row in confusion)):
        raise CubenetError(f"{where!r}: 'confusion_matrix' must be {n_classes} × {n_classes} (one row and column per "
                           "class); the file was edited or damaged: restore it, or train the run again")


def check_info(info: dict, where: str) -> None:
    """The values of ``run.json`` have the types the report reads."""
    _check(info, INFO, where)
    if isinstance(info.get("dataset"), dict):
        _check(info["dataset"], DATASET, where, prefix="dataset ")
    if isinstance(info.get("timing"), dict):
        _check(info["timing"], TIMING, where, prefix="timing ")


def check_history(history, where: str) -> None:
    """``history.csv`` has at least one row and whole, increasing epoch numbers."""
    epochs = np.asarray(history.epochs)
    if len(epochs) == 0:
        raise CubenetError(f"{where!r} has no rows; restore it, or train the run again")
    if np.any(np.diff(epochs) <= 0) or epochs[0] < 0:
        raise CubenetError(f"{where!r}: the epochs must be whole numbers that increase; restore it, or train again")


def recorded_data_sha256(info: dict) -> str | None:
    """The sha256 of data.npz as recorded in run.json, when it was (generated data, or runs of this version)."""
    dataset = info.get("dataset") if isinstance(info.get("dataset"), dict) else {}
    if isinstance(dataset.get("data_sha256"), str):
        return dataset["data_sha256"]
    if dataset.get("path") is None and isinstance(dataset.get("sha256"), str):
        return dataset["sha256"]  # generated data: the recorded sha256 is data.npz's own
    return None


def check_data_file(run_dir: Path, info: dict, sha256) -> None:
    """``data.npz`` is the file the run was trained on (a swapped data file would be drawn as if it were).

    sha256 : a function path -> hex digest (the run folder's own, :func:`cubenet.run.folder.file_sha256`)
    """
    expected = recorded_data_sha256(info)
    if expected is not None and sha256(Path(run_dir) / "data.npz") != expected:
        raise CubenetError(f"{str(Path(run_dir) / 'data.npz')!r} is not the data this run was trained on (its sha256 "
                           "differs from run.json); put the original back, or train the run again")
