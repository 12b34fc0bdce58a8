"""Compact encodings for the explorer's embedded data: typed arrays in base64, quantised where it does not show."""

from __future__ import annotations

import base64

import numpy as np

DTYPES = {"f64": np.float64, "f32": np.float32, "u16": np.uint16, "u8": np.uint8, "i8": np.int8}


def array(a, dtype: str) -> dict:
    """``{"dtype", "shape", "b64"}`` of ``a`` cast to ``dtype`` (little-endian, C order), as the page decodes it."""
    a = np.ascontiguousarray(np.asarray(a), dtype=np.dtype(DTYPES[dtype]).newbyteorder("<"))
    return {"dtype": dtype, "shape": list(a.shape), "b64": base64.b64encode(a.tobytes()).decode("ascii")}


def decode(entry: dict) -> np.ndarray:
    """The array back from :func:`array` (for tests and checks)."""
    raw = base64.b64decode(entry["b64"])
    return np.frombuffer(raw, dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")).reshape(entry["shape"])


def quantise_box(A, lo, hi) -> dict:
    """Coordinates (..., k) as uint16 within the fixed box [lo, hi] per axis: error at most (hi - lo) / 131070."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    span = np.where(hi - lo > 1e-12, hi - lo, 1.0)
    q = np.rint((np.asarray(A, float) - lo) / span * 65535)
    return {"q": array(np.clip(q, 0, 65535), "u16"), "lo": lo.tolist(), "hi": (lo + span).tolist()}


def dequantise_box(entry: dict) -> np.ndarray:
    lo, hi = np.asarray(entry["lo"]), np.asarray(entry["hi"])
    return lo + decode(entry["q"]).astype(float) / 65535 * (hi - lo)


def inputs(X, value_range=None) -> tuple[dict, np.ndarray]:
    """The input points as the page stores them, and the values it will compute with.

    Up to 3 features (cube, planes) and tables: float32. Images (``value_range`` given): uint8 pixels,
    exact for integer pixels (8×8 digits hold 0..16), else 256 grey levels over the range — a step
    no one can see, which keeps a thousand 28×28 digits under a megabyte.
    """
    X = np.asarray(X, float)
    if value_range is None:
        entry = {"x": array(X, "f32"), "lo": 0.0, "step": 1.0}
        return entry, X.astype(np.float32).astype(float)
    lo, hi = float(value_range[0]), float(value_range[1])
    if np.allclose(X, np.rint(X)) and X.min() >= 0 and X.max() <= 255:
        step, lo = 1.0, 0.0
    else:
        step = (hi - lo) / 255 if hi > lo else 1.0
    q = np.clip(np.rint((X - lo) / step), 0, 255)
    return {"x": array(q, "u8"), "lo": lo, "step": step}, lo + q * step
