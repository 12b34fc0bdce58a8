"""The dataset file: one ``.npz`` (never pickled), validated on load; CSV files go through ``csvio``.

Arrays: ``X_train, y_train, X_test, y_test`` (float / integer), ``class_names``, ``class_colors``
(unicode string arrays) and ``meta`` (a JSON string: generator, kind, params, seed, scramble,
inverse, cubenet version, and for the cube the facelet string).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from cubenet.data.dataset import Dataset
from cubenet.errors import CubenetError

ARRAYS = ("X_train", "y_train", "X_test", "y_test", "class_names", "class_colors", "meta")


def save(dataset: Dataset, path: str | os.PathLike) -> Path:
    """Write ``dataset`` to ``path`` (.npz) atomically."""
    from cubenet.files import save_npz

    path = Path(path)
    if path.suffix != ".npz":
        raise CubenetError(f"dataset files end in .npz, got {str(path)!r}")
    validate(dataset, str(path))
    return save_npz(path, {
        "X_train": np.asarray(dataset.X_train), "y_train": np.asarray(dataset.y_train, dtype=np.int64),
        "X_test": np.asarray(dataset.X_test), "y_test": np.asarray(dataset.y_test, dtype=np.int64),
        "class_names": np.array(dataset.class_names, dtype=str),
        "class_colors": np.array(dataset.class_colors, dtype=str),
        "meta": np.array(json.dumps(dataset.meta, sort_keys=True)),
    })


def load(path: str | os.PathLike, **csv_options) -> Dataset:
    """Load a dataset file: a cubenet ``.npz`` or a CSV (``x1,…,xd,label``); validated.

    Raises CubenetError naming the file and the problem (missing, corrupt, foreign, NaN, …).
    """
    path = Path(path)
    if not path.exists():
        raise CubenetError(f"{str(path)!r}: no such file")
    if path.is_dir():
        raise CubenetError(f"{str(path)!r} is a folder, not a dataset file")
    if path.suffix.lower() == ".csv":
        from cubenet.data.csvio import read_csv

        return read_csv(path, **csv_options)
    if csv_options:
        raise CubenetError(f"{', '.join(csv_options)} only apply to CSV files, not {str(path)!r}")
    return _load_npz(path)


def _load_npz(path: Path) -> Dataset:
    where = str(path)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
    except OSError as exc:
        raise CubenetError(f"{where!r} cannot be read: {exc.strerror or exc}") from None
    if magic.startswith(b"\x93NUMPY"):
        raise CubenetError(f"{where!r} is a single .npy array, not a cubenet dataset (.npz); make one with 'cubenet scramble'")
    if not magic.startswith(b"PK"):
        raise CubenetError(f"{where!r} is not a .npz file (not a zip archive); make one with 'cubenet scramble' "
                           "or import a CSV")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ARRAYS if k not in data.files]
            if missing:
                raise CubenetError(f"{where!r} is not a cubenet dataset: missing {', '.join(missing)}"
                                   " (make one with 'cubenet scramble' or import a CSV)")
            arrays = {k: data[k] for k in ARRAYS}
    except CubenetError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise CubenetError(f"{where!r} holds Python objects (pickled data); cubenet never unpickles files") from None
        raise CubenetError(f"{where!r} is not a readable .npz file: {exc}") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise CubenetError(f"{where!r} is not a readable .npz file ({exc}); is it corrupt or truncated?") from None
    try:
        meta = json.loads(str(arrays["meta"]))
    except json.JSONDecodeError as exc:
        raise CubenetError(f"{where!r}: metadata is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise CubenetError(f"{where!r}: metadata must be a JSON object")
    ds = Dataset(
        X_train=arrays["X_train"], y_train=arrays["y_train"], X_test=arrays["X_test"], y_test=arrays["y_test"],
        class_names=tuple(str(c) for c in np.atleast_1d(arrays["class_names"])),
        class_colors=tuple(str(c) for c in np.atleast_1d(arrays["class_colors"])), meta=meta,
    )
    validate(ds, where)
    return Dataset(
        X_train=ds.X_train.astype(float, copy=False), y_train=ds.y_train.astype(np.int64, copy=False),
        X_test=ds.X_test.astype(float, copy=False), y_test=ds.y_test.astype(np.int64, copy=False),
        class_names=ds.class_names, class_colors=ds.class_colors, meta=meta,
    )


def validate(ds: Dataset, where: str = "dataset", *, quote: bool = True) -> None:
    """Check shapes, dtypes, finiteness and label range; raise CubenetError naming the problem.

    where : the file (quoted in messages) or, with ``quote=False``, a description such as "the dataset"
    """
    def fail(msg):
        raise CubenetError(f"{where!r}: {msg}" if quote else f"{where}: {msg}")

    for part in ("train", "test"):
        X, y = getattr(ds, f"X_{part}"), getattr(ds, f"y_{part}")
        for name, value in ((f"X_{part}", X), (f"y_{part}", y)):
            if not isinstance(value, np.ndarray):
                fail(f"{name} must be a numpy array, got {type(value).__name__} (wrap it in np.asarray)")
        if not isinstance(X, np.ndarray) or X.ndim != 2:
            fail(f"X_{part} must be a 2-D array (n_samples, n_features), got shape {np.shape(X)}")
        if X.dtype.kind not in "fiu":
            fail(f"X_{part} must be numeric, got dtype {X.dtype}")
        if not isinstance(y, np.ndarray) or y.ndim != 1:
            fail(f"y_{part} must be a 1-D array of labels, got shape {np.shape(y)}")
        if y.dtype.kind not in "iu":
            fail(f"y_{part} must hold integer labels, got dtype {y.dtype}")
        if len(X) != len(y):
            fail(f"X_{part} has {len(X)} rows but y_{part} has {len(y)} labels")
        if len(X) == 0:
            fail(f"X_{part} is empty")
        if not np.all(np.isfinite(X)):
            bad = np.argwhere(~np.isfinite(X))[0]
            fail(f"X_{part} has a non-finite value (NaN or inf) at row {bad[0]}, column {bad[1]}")
        n_classes = len(ds.class_names)
        if y.min() < 0 or y.max() >= n_classes:
            fail(f"y_{part} has label {int(y.min() if y.min() < 0 else y.max())} outside 0..{n_classes - 1}"
                 f" ({n_classes} class names)")
    if ds.X_train.shape[1] != ds.X_test.shape[1]:
        fail(f"X_train has {ds.X_train.shape[1]} features but X_test has {ds.X_test.shape[1]}")
    if len(ds.class_colors) != len(ds.class_names):
        fail(f"{len(ds.class_names)} class names but {len(ds.class_colors)} class colours")
    if len(ds.class_names) < 2:
        fail("a classification dataset needs at least 2 classes")
