"""The dataset file: one ``.npz`` (never pickled), validated on load; CSV files go through ``csvio``.

Arrays: ``X_train, y_train, X_test, y_test`` (float / integer), ``class_names``, ``class_colors``
(unicode string arrays) and ``meta`` (a JSON string: generator, kind, params, seed, scramble,
inverse, cubenet version, and for the cube the facelet string).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from cubenet.data.csvio import read_csv
from cubenet.data.dataset import MAX_CLASSES, Dataset
from cubenet.data.npz import check_regular_file, read_npz
from cubenet.errors import CubenetError
from cubenet.files import save_npz

ARRAYS = ("X_train", "y_train", "X_test", "y_test", "class_names", "class_colors", "meta")


def save(dataset: Dataset, path: str | os.PathLike) -> Path:
    """Write ``dataset`` to ``path`` (.npz) atomically."""
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
    path = check_regular_file(path, "dataset file")
    if path.suffix.lower() == ".csv":
        return read_csv(path, **csv_options)
    if csv_options:
        raise CubenetError(f"{', '.join(csv_options)} only apply to CSV files, not {str(path)!r}")
    return _load_npz(path)


#: what the other .npz files cubenet writes hold, to name them when one is given as a dataset
FOREIGN = ((("W0", "config"), "a model file (model.npz), not a dataset; give the data file, e.g. RUN/data.npz, "
            "and continue the model with --model"),
           (("epochs", "s0_W0"), "a run's snapshots file (snapshots.npz), not a dataset; give RUN/data.npz"))


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
    arrays = read_npz(path, ARRAYS + tuple(k for keys, _ in FOREIGN for k in keys), what="dataset file")
    missing = [k for k in ARRAYS if k not in arrays]
    if missing:
        for keys, what in FOREIGN:
            if all(k in arrays for k in keys):
                raise CubenetError(f"{where!r} is {what}")
        raise CubenetError(f"{where!r} is not a cubenet dataset: missing {', '.join(missing)}"
                           " (make one with 'cubenet scramble' or import a CSV)")
    for name in ("class_names", "class_colors", "meta"):
        if arrays[name].dtype.kind != "U":
            raise CubenetError(f"{where!r}: {name} must be text, got an array of {arrays[name].dtype}")
    if arrays["meta"].shape != ():
        raise CubenetError(f"{where!r}: meta must be one JSON string, got an array of shape {arrays['meta'].shape}")
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
    if len(ds.class_names) > MAX_CLASSES:
        fail(f"{len(ds.class_names):,} classes; cubenet handles at most {MAX_CLASSES} "
             "(figures, reports and metrics list every class)")
    bad = next((c for c in ds.class_colors if not _is_color(c)), None)
    if bad is not None:
        fail(f"class colour {bad!r} is not a colour; use '#rrggbb' or a matplotlib colour name")
    _check_meta(ds, fail)


#: the kinds of dataset cubenet draws (meta ``kind``); other data is drawn as a table
KINDS = ("cube", "planar", "digits", "table")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _is_color(value) -> bool:
    if not isinstance(value, str):
        return False
    if _HEX.match(value):
        return True
    from matplotlib.colors import is_color_like  # (matplotlib only for a colour given by name)

    return is_color_like(value)


def _check_meta(ds: Dataset, fail) -> None:
    """The metadata the figures read has the types and sizes they expect (checked before any work)."""
    meta = ds.meta
    if not isinstance(meta, dict):
        fail(f"meta must be a dict, got {type(meta).__name__}")
    kind = meta.get("kind")
    if kind is not None and kind not in KINDS:
        fail(f"meta kind must be one of {', '.join(KINDS)}, got {kind!r}")
    for key in ("generator", "scramble", "inverse", "facelets"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            fail(f"meta {key!r} must be text, got {type(meta[key]).__name__}")
    if kind == "cube" and (ds.n_features != 3 or len(ds.class_names) != 6):
        fail(f"meta kind 'cube' needs 3 features and 6 classes, got {ds.n_features} and {len(ds.class_names)}")
    facelets = meta.get("facelets")
    if facelets is not None and not (len(facelets) == 54 and set(facelets) <= set("URFDLB")):
        fail("meta 'facelets' must be 54 letters of URFDLB")
    shape = meta.get("image_shape")
    if kind == "digits" and shape is not None and not (
            isinstance(shape, list) and len(shape) == 2 and all(isinstance(v, int) and v > 0 for v in shape)
            and shape[0] * shape[1] == ds.n_features):
        fail(f"meta 'image_shape' must be [height, width] with height × width = {ds.n_features} features, got {shape!r}")
