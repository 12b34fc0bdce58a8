"""Rendering like optdigits: normalise the glyph in a 32×32 bitmap, fix the ink, count 4×4 blocks.

:func:`place` scales a block of skeletons the way the NIST preprocessing that made optdigits
normalised its characters: the ink fills the bitmap's height, the width follows the writer's
aspect up to a cap, the box is centred (kept a block clear of the left edge at 8×8), and the stroke width is set so that every digit has about
the same number of ink pixels. :func:`ink_bitmap` marks those pixels; :func:`render` counts them
in 4×4 blocks (8×8, integers 0..16) or pools and blurs them into greyscale (16×16, 28×28).
"""

from __future__ import annotations

import numpy as np

from cubenet.data.digits import moves as M
from cubenet.data.digits.frames import FRAMES, Frame  # noqa: F401  (re-exported)
from cubenet.data.digits.styles import skeletons

INK_FRACTION = 312 / 1024  #: ink pixels per squared glyph height (optdigits)
CAP = 0.5  #: stroke ends may reach past the box by half the stroke width: flat, clipped ends as in optdigits
SKELETON_WIDTH = 18 / 32  #: skeleton width per glyph height before the width move (optdigits: 16-20 of 32)
FIELD_DTYPE = np.float32  #: precision of the nearness field
#: Gaussian weights below this are set to 0 before the field's products: their products would be subnormal
#: floats, which x86 CPUs compute about 50× slower; they are 1e-15 of an ink pixel's field or less
TINY = 1e-15
#: Work-grid pixels the ink keeps clear of the frame's left edge, per output size: a glyph whose ink would start
#: further left is moved right. Real optdigits almost never ink block column 0 (1.2 % of images against 13.7 %
#: before this margin) but often ink column 7 (12 %); the margin gives both that shape (docs/digits.md, round 3)
LEFT_MARGIN = {8: 4.0}




def _stroke_length(P: np.ndarray, joined: np.ndarray) -> np.ndarray:
    seg = np.sqrt(((P[:, 1:] - P[:, :-1]) ** 2).sum(-1))
    return (seg * joined).sum(1)


def place(P: np.ndarray, moves: dict, frame: Frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalise like optdigits: ink fills the box height, width capped, fixed ink.

    Returns points in work-grid pixels (n, N_POINTS, 2), the stroke half-width (n,) and the
    number of ink pixels (n,) on the work grid.
    """
    joined = skeletons().joined[moves["style"]]
    lo, hi = P.min(1), P.max(1)
    mid, extent = (lo + hi) / 2, np.maximum(hi - lo, 1e-6)
    box = frame.box
    ink = INK_FRACTION * box**2 * moves["ink"]
    length = _stroke_length(P, joined) / extent[:, 1] * box
    r = np.zeros(len(P))
    for _ in range(3):  # ink ≈ 2·r·length + π·r² with length measured at the current scale
        r = (np.sqrt(length**2 + np.pi * ink) - length) / np.pi
        r = np.minimum(r, box / 5)
        scale_y = (box - 2 * CAP * r) / extent[:, 1]
        length = _stroke_length(P, joined) * scale_y
    width = np.minimum(extent[:, 0] * scale_y, SKELETON_WIDTH * box * moves["width"])
    scale_x = width / extent[:, 0]
    c = frame.work / 2 + moves["shift"] * frame.work
    px = c[:, :1] + (P[..., 0] - mid[:, :1]) * scale_x[:, None]
    py = c[:, 1:] + (P[..., 1] - mid[:, 1:]) * scale_y[:, None]
    if frame.size in LEFT_MARGIN:
        px = px + np.maximum(0.0, LEFT_MARGIN[frame.size] - (px.min(1) - r))[:, None]
    return np.stack([px, py], axis=-1), r, ink


def ink_bitmap(points: np.ndarray, r: np.ndarray, ink: np.ndarray, edge: np.ndarray, work: int,
               pressure: np.ndarray | None = None) -> np.ndarray:
    """Binary work-grid images (n, work, work): the ``ink`` pixels nearest to the stroke.

    Nearness is read from a sum of Gaussians centred on the curve points (separable, so two small
    matrix products per image), whose level sets are parallel to the stroke: near the curve its log
    falls like ``-distance² / 2σ²``. ``pressure`` (n, points) weighs the points: a heavier point
    widens the stroke around it. ``edge`` (pixels) makes the rim ragged: at the rim, distance
    ``r``, a shift of one pixel changes the log by ``r / σ²``.
    """
    f = FIELD_DTYPE
    points = points.astype(f)
    sigma2 = (np.clip(0.6 * r, 1.0, 3.0) ** 2).astype(f)[:, None, None]
    grid = np.arange(work, dtype=f) + 0.5
    gy = np.exp(-((grid[None, :, None] - points[:, None, :, 1]) ** 2) / (2 * sigma2))  # (n, rows, points)
    gx = np.exp(-((points[:, :, None, 0] - grid[None, None, :]) ** 2) / (2 * sigma2))  # (n, points, cols)
    if pressure is not None:
        gx *= pressure.astype(f)[:, :, None]
    np.putmask(gy, gy < TINY, f(0))
    np.putmask(gx, gx < TINY, f(0))
    # products of at most 32 rows: contiguous (BLAS proper) and small enough that OpenBLAS stays on one
    # thread — a second thread made 28×28 rendering 20× slower on a busy 2-core machine
    field = np.concatenate([gy[:, i: i + 32] @ gx for i in range(0, work, 32)], axis=1).reshape(len(points), -1)
    score = np.log(field + f(1e-30))
    score -= edge.astype(f) * (r[:, None] / sigma2[:, :, 0]).astype(f)
    k = np.clip(np.round(ink).astype(int), 1, work * work)
    threshold = np.sort(score, axis=1)[np.arange(len(points)), work * work - k]
    return (score >= threshold[:, None]).reshape(-1, work, work)


def _blur(images: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Separable Gaussian blur with one sigma per image (n, s, s)."""
    s = images.shape[1]
    d = np.arange(s)[:, None] - np.arange(s)[None, :]
    K = np.exp(-(d[None] ** 2) / (2 * np.maximum(sigma, 1e-3)[:, None, None] ** 2))
    K /= K.sum(2, keepdims=True)
    return K @ images @ K.transpose(0, 2, 1)


def bitmaps(moves: dict, size: int) -> np.ndarray:
    """The binary work-grid images (n, work, work) of a block of drawn moves, before block counting."""
    frame = FRAMES[size]
    P = M.skeleton_points(moves)
    points, r, ink = place(P, moves, frame)
    pressure = M.pen_pressure(moves, P.shape[1]) if M.PEN else None
    return ink_bitmap(points, r, ink, moves["edge"], frame.work, pressure)


def render(moves: dict, size: int) -> np.ndarray:
    """Images (n, size*size) for a block of drawn moves: optdigits counts (8) or greyscale (16, 28)."""
    bitmap = bitmaps(moves, size)
    n, f = len(bitmap), FRAMES[size].pool
    pooled = bitmap.reshape(n, size, f, size, f).sum((2, 4)).astype(float)
    if size == 8:
        return pooled.reshape(n, -1)  # integer counts 0..16, as in optdigits
    grey = _blur(pooled / f**2, moves["blur"]).reshape(n, -1)
    grey = grey + moves["noise"][:, None] * moves["pixel_noise"]
    return np.clip(grey, 0.0, 1.0)
