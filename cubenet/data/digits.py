"""Synthetic handwritten digits: stroke skeletons bent by recorded random moves, rendered like optdigits.

Every image starts from a hand-designed *stroke skeleton* (several handwriting styles per digit: open
and closed 4, crossed and plain 7, flagged 1 with and without a foot, …). The *moves* then act on it
in image space, all vectorised over a block of images: key-point jitter, rotation, shear (slant),
a smooth coarse elastic warp, a shift, a width change, the stroke thickness (amount of ink), edge
noise and, for the greyscale sizes, blur and pixel noise. ``twists`` sets how strong they are.

Sizes: ``8`` is exactly the UCI optdigits format — the glyph is normalised to fill a 32×32 bitmap
32 px high with a fixed amount of ink, and 4×4 blocks are counted, giving integers 0..16;
``16`` and ``28`` are greyscale in [0, 1] (USPS-like filling the frame, MNIST-like in a 20 px box).

The moves of image ``i`` are regenerated from ``meta["moves_seed"]`` by :func:`sample_moves`;
:func:`real_digit_accuracy` measures a model on the 1,797 real optdigits images bundled with
scikit-learn (an optional extra, imported only there).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from cubenet.data.dataset import DEFAULT_COLORS, Dataset, make_meta
from cubenet.errors import CubenetError

CLASS_NAMES = tuple(str(d) for d in range(10))
SIZES = (8, 16, 28)
MAX_TWISTS = 10
BLOCK = 512  #: images drawn per block; block b's randomness is ``default_rng([moves_seed, b])``
N_POINTS = 96  #: points sampled along every skeleton

# Skeletons in a unit box, x to the right, y downwards. Strokes are separated by "|", points by
# spaces; a stroke is a Catmull-Rom curve through its points (closed when it ends where it began).
# Strokes sharing a point stay joined there when the key points are jittered.
STYLES: dict[int, dict[str, str]] = {
    0: {
        "oval": "0.5,0 0.8,0.12 0.95,0.5 0.8,0.88 0.5,1 0.2,0.88 0.05,0.5 0.2,0.12 0.5,0",
        "narrow": "0.55,0 0.8,0.15 0.8,0.55 0.6,0.95 0.4,1 0.2,0.85 0.2,0.45 0.35,0.08 0.55,0",
        "overlap": "0.6,0.05 0.9,0.35 0.8,0.85 0.45,1 0.1,0.75 0.15,0.25 0.5,0 0.75,0.1",
    },
    1: {
        "plain": "0.5,0 0.5,1",
        "slanted": "0.65,0 0.35,1",
        "flag": "0.25,0.25 0.55,0 | 0.55,0 0.5,1",
        "flag and foot": "0.25,0.25 0.55,0 | 0.55,0 0.55,1 | 0.25,1 0.85,1",
        "long flag": "0.1,0.4 0.6,0 | 0.6,0 0.55,1",
        "long flag and foot": "0.1,0.35 0.6,0 | 0.6,0 0.6,1 | 0.3,1 0.9,1",
    },
    2: {
        "classic": "0.05,0.25 0.4,0 0.75,0.2 0.65,0.5 0.1,1 | 0.1,1 0.95,1",
        "long base": "0.15,0.2 0.5,0 0.9,0.25 0.6,0.65 0.15,0.98 | 0.15,0.98 0.55,0.92 1,1",
        "looped": "0.1,0.25 0.45,0 0.85,0.2 0.7,0.55 0.2,0.95 0.1,0.85 0.3,0.8 0.5,0.95 0.95,1",
    },
    3: {
        "round": "0.1,0.15 0.5,0 0.85,0.2 0.75,0.4 0.4,0.48 | 0.4,0.48 0.8,0.58 0.9,0.8 0.55,1 0.1,0.88",
        "flat top": "0.1,0 0.9,0 | 0.9,0 0.4,0.42 | 0.4,0.42 0.85,0.6 0.85,0.85 0.5,1 0.1,0.9",
        "smooth": "0.15,0.12 0.5,0 0.85,0.22 0.5,0.48 0.9,0.72 0.55,1 0.1,0.85",
    },
    4: {
        "open": "0.4,0 0.05,0.65 | 0.05,0.65 0.95,0.65 | 0.8,0.25 0.65,1",
        "closed": "0.7,0 0.05,0.68 | 0.05,0.68 0.95,0.68 | 0.7,0 0.6,1",
        "square": "0.15,0 0.1,0.55 | 0.1,0.55 0.95,0.55 | 0.7,0 0.7,1",
        "long stem": "0.6,0 0.05,0.6 | 0.05,0.6 0.9,0.6 | 0.6,0 0.55,1",
    },
    5: {
        "classic": "0.85,0 0.2,0 | 0.2,0 0.15,0.45 | 0.15,0.45 0.55,0.35 0.9,0.62 0.7,0.95 0.35,1 0.05,0.85",
        "round belly": "0.25,0 0.15,0.5 | 0.15,0.5 0.6,0.4 0.85,0.7 0.6,0.98 0.15,0.9 | 0.25,0 0.95,0.05",
    },
    6: {
        "classic": "0.55,0 0.3,0.25 0.1,0.65 0.3,0.98 0.7,0.95 0.85,0.7 0.5,0.5 0.15,0.65",
        "straight": "0.45,0 0.2,0.5 0.15,0.8 0.45,1 0.8,0.85 0.75,0.6 0.45,0.52 0.2,0.7",
        "small loop": "0.6,0 0.3,0.3 0.15,0.7 0.35,1 0.65,0.95 0.75,0.75 0.45,0.62 0.2,0.8",
    },
    7: {
        "plain": "0.05,0 0.95,0 | 0.95,0 0.3,1",
        "crossed": "0.05,0 0.95,0 | 0.95,0 0.3,1 | 0.3,0.5 0.85,0.5",
        "curved": "0.05,0.05 0.95,0 | 0.95,0 0.65,0.45 0.45,1",
        "serif": "0.05,0.2 0.1,0 | 0.1,0 0.95,0 | 0.95,0 0.5,1",
        "crossed curved": "0.05,0.05 0.95,0 | 0.95,0 0.6,0.5 0.4,1 | 0.3,0.5 0.85,0.45",
    },
    8: {
        "one stroke": ("0.75,0.1 0.5,0 0.22,0.12 0.25,0.35 0.5,0.52 0.75,0.7 0.78,0.9 0.5,1 0.22,0.9 "
                       "0.25,0.7 0.5,0.52 0.75,0.32 0.75,0.1"),
        "two loops": "0.5,0 0.82,0.25 0.5,0.5 0.18,0.25 0.5,0 | 0.5,0.5 0.8,0.75 0.5,1 0.2,0.75 0.5,0.5",
        "slanted": ("0.85,0.1 0.6,0 0.35,0.1 0.4,0.35 0.5,0.5 0.65,0.7 0.6,0.92 0.35,1 0.15,0.88 "
                    "0.25,0.65 0.5,0.5 0.8,0.3 0.85,0.1"),
    },
    9: {
        "straight stem": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.7,1",
        "curved stem": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.8,0.7 0.45,1",
        "open loop": "0.85,0.15 0.5,0 0.15,0.2 0.3,0.45 0.75,0.4 | 0.85,0.1 0.8,1",
        "hooked": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.82,0.75 0.6,1 0.3,0.95 0.15,0.8",
        "small loop": "0.8,0.2 0.5,0 0.25,0.18 0.45,0.4 0.8,0.2 | 0.8,0.2 0.75,0.7 0.5,1 0.25,0.9",
        "tail": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.8,0.75 0.55,1 0.2,0.95",
    },
}

# Strength of each move at twists = 2 (the default); :func:`strength` scales them for other twists.
JITTER = 0.04  #: sd of each key point's coordinates, fraction of the glyph height (mean shift 5%)
ROTATE = 6.0  #: sd of the rotation, degrees
SHEAR = 0.12  #: sd of the horizontal shear (slant)
WARP = 0.22  #: sd of the elastic field's node displacements (mean shift ≈ 10% of the height)
WARP_NODES = 6  #: elastic field nodes per side (coarse: a bend spans about a fifth of the height)
WIDTH = 0.15  #: sd of log(skeleton width)
SHIFT = 0.02  #: sd of the shift of the glyph in the frame, fraction of the frame
INK_SD = 0.11  #: sd of log(amount of ink)  (optdigits: 312 ± 34 pixels of 1,024)
EDGE = 0.5  #: amplitude of the ragged-edge noise, work-grid pixels
BLUR = 0.5  #: largest blur sigma, output pixels (16 and 28 only)
NOISE = 0.04  #: largest pixel noise sd (16 and 28 only)

INK_FRACTION = 312 / 1024  #: ink pixels per squared glyph height (optdigits)
CAP = 0.5  #: stroke ends may reach past the box by half the stroke width: flat, clipped ends as in optdigits
SKELETON_WIDTH = 18 / 32  #: skeleton width per glyph height before the width move (optdigits: 16-20 of 32)


@dataclass(frozen=True)
class Frame:
    """How one output size is rendered: work grid, glyph box height and pooling factor."""

    size: int
    work: int  # side of the binary work grid
    box: float  # glyph (ink) height on the work grid

    @property
    def pool(self) -> int:
        return self.work // self.size


FRAMES = {8: Frame(8, 32, 32.0), 16: Frame(16, 64, 62.0), 28: Frame(28, 84, 60.0)}


@dataclass(frozen=True)
class Skeletons:
    """All styles compiled: ``points = weights[s] @ keys[s]`` gives style s's N_POINTS curve points."""

    names: tuple  # (digit, style name) per style
    keys: np.ndarray  # (n_styles, max_keys, 2) key points
    n_keys: np.ndarray  # (n_styles,)
    weights: np.ndarray  # (n_styles, N_POINTS, max_keys) Catmull-Rom weights
    joined: np.ndarray  # (n_styles, N_POINTS - 1) bool: point i and i+1 on the same stroke
    first: np.ndarray  # (10,) index of each digit's first style
    count: np.ndarray  # (10,) number of styles per digit


@dataclass(frozen=True)
class DigitMove:
    """One recorded move of one image: its kind and parameters."""

    kind: str
    params: dict

    def __str__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self.params.items())
        return f"{self.kind}({args})"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, np.ndarray):
        return f"<{value.size} values, rms {float(np.sqrt(np.mean(value ** 2))):.3g}>"
    return repr(value)


def _catmull_rom_rows(n_keys: int, closed: bool, t: np.ndarray) -> np.ndarray:
    """Weights (len(t), n_keys) of a uniform Catmull-Rom curve through n_keys points at parameters t.

    ``t`` runs over [0, n_segments]; segment j joins key j and j+1 (wrapping when closed).
    """
    n_seg = n_keys if closed else n_keys - 1
    seg = np.minimum(np.floor(t).astype(int), n_seg - 1)
    u = (t - seg)[:, None]
    basis = 0.5 * np.hstack([-u + 2 * u**2 - u**3, 2 - 5 * u**2 + 3 * u**3,
                             u + 4 * u**2 - 3 * u**3, -u**2 + u**3])
    rows = np.zeros((len(t), n_keys))
    for k, offset in enumerate((-1, 0, 1, 2)):
        idx = seg + offset
        idx = idx % n_keys if closed else np.clip(idx, 0, n_keys - 1)
        np.add.at(rows, (np.arange(len(t)), idx), basis[:, k])
    return rows


def _compile_style(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Key points, point weights (N_POINTS, n_keys) and stroke joins of one style string."""
    strokes = [[tuple(float(v) for v in p.split(",")) for p in s.split()] for s in text.split("|")]
    keys = list(dict.fromkeys(p for s in strokes for p in s))
    K = np.array(keys)
    dense = []
    for s in strokes:
        closed = len(s) > 2 and s[0] == s[-1]
        pts = s[:-1] if closed else s
        n_seg = len(pts) if closed else len(pts) - 1
        t = np.linspace(0, n_seg, 64 * n_seg + 1)
        local = _catmull_rom_rows(len(pts), closed, t)
        rows = np.zeros((len(t), len(keys)))
        for j, p in enumerate(pts):
            rows[:, keys.index(p)] += local[:, j]
        arc = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(rows @ K, axis=0), axis=1))])
        dense.append((rows, arc))
    lengths = np.array([arc[-1] for _, arc in dense])
    counts = np.maximum(2, np.round(N_POINTS * lengths / lengths.sum()).astype(int))
    counts[np.argmax(counts)] += N_POINTS - counts.sum()
    weights, joined = [], []
    for (rows, arc), n in zip(dense, counts):
        at = np.linspace(0, arc[-1], n)
        weights.append(np.stack([np.interp(at, arc, rows[:, k]) for k in range(len(keys))], axis=1))
        joined.append(np.r_[np.ones(n - 1, bool), False])
    return K, np.vstack(weights), np.concatenate(joined)[:-1]


@functools.lru_cache(maxsize=1)
def skeletons() -> Skeletons:
    """Compile :data:`STYLES` once into arrays."""
    names, compiled = [], []
    for digit in range(10):
        for name, text in STYLES[digit].items():
            names.append((digit, name))
            compiled.append(_compile_style(text))
    max_keys = max(len(K) for K, _, _ in compiled)
    keys = np.zeros((len(names), max_keys, 2))
    weights = np.zeros((len(names), N_POINTS, max_keys))
    for s, (K, W, _) in enumerate(compiled):
        keys[s, : len(K)] = K
        weights[s, :, : len(K)] = W
    count = np.array([len(STYLES[d]) for d in range(10)])
    return Skeletons(tuple(names), keys, np.array([len(K) for K, _, _ in compiled]), weights,
                     np.stack([j for _, _, j in compiled]), np.r_[0, np.cumsum(count)[:-1]], count)


def strength(twists: int) -> float:
    """How strong the moves are: 0 at twists 0, 1 at the default 2 (realistic), then gentler growth (3 at 10)."""
    return twists / 2 if twists <= 2 else 1 + (twists - 2) / 4


def draw_moves(labels: np.ndarray, twists: int, size: int, *, rng) -> dict:
    """Random parameters of every move for a block of images (arrays with one row per image).

    All draws have fixed shapes whatever the labels, so a block regenerates exactly from its seed.
    """
    n, s = len(labels), strength(twists)
    sk = skeletons()
    nodes = WARP_NODES**2
    return {
        "style": sk.first[labels] + np.minimum((rng.random(n) * sk.count[labels]).astype(int), sk.count[labels] - 1),
        "jitter": rng.normal(0, JITTER * s, (n, sk.keys.shape[1], 2)),
        "rotate": rng.normal(0, ROTATE * s, n),
        "shear": rng.normal(0, SHEAR * s, n),
        "warp": rng.normal(0, WARP * s, (n, nodes, 2)),
        "width": np.exp(rng.normal(0, WIDTH * s, n)),
        "shift": rng.normal(0, SHIFT * s, (n, 2)),
        "ink": np.exp(np.clip(rng.normal(0, INK_SD * s, n), -0.5, 0.5)),
        "edge": rng.uniform(0, 1, (n, FRAMES[size].work ** 2)) * min(s, 2.0) * EDGE,
        "blur": rng.uniform(0, BLUR * min(s, 2.0), n),
        "noise": rng.uniform(0, NOISE * min(s, 2.0), n),
        "pixel_noise": rng.standard_normal((n, size * size)),
    }


def _warp_field(P: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Smooth displacement at points P (n, p, 2) from node displacements (n, WARP_NODES², 2).

    The nodes sit on a square grid over the glyph; a point moves by the Gaussian-weighted mean of
    the node displacements (the weights factor into x and y, so this is a few small products).
    """
    g = np.linspace(-0.1, 1.1, WARP_NODES)
    width = 0.8 * (g[1] - g[0])
    wx = np.exp(-((P[..., 0, None] - g) ** 2) / (2 * width**2))
    wy = np.exp(-((P[..., 1, None] - g) ** 2) / (2 * width**2))
    wx /= wx.sum(-1, keepdims=True)
    wy /= wy.sum(-1, keepdims=True)
    w = (wy[..., :, None] * wx[..., None, :]).reshape(*P.shape[:2], -1)  # node (row, col) order
    return w @ nodes


def skeleton_points(moves: dict) -> np.ndarray:
    """Curve points (n, N_POINTS, 2) of a block after jitter, rotation, shear and the elastic warp."""
    sk = skeletons()
    style = moves["style"]
    keys = sk.keys[style] + moves["jitter"]
    P = sk.weights[style] @ keys
    center = 0.5
    a = np.radians(moves["rotate"])[:, None]
    x, y = P[..., 0] - center, P[..., 1] - center
    x, y = np.cos(a) * x - np.sin(a) * y, np.sin(a) * x + np.cos(a) * y
    x = x - moves["shear"][:, None] * y
    P = np.stack([x + center, y + center], axis=-1)
    return P + _warp_field(P, moves["warp"])


def _stroke_length(P: np.ndarray, joined: np.ndarray) -> np.ndarray:
    seg = np.linalg.norm(np.diff(P, axis=1), axis=-1)
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
    return np.stack([px, py], axis=-1), r, ink


def ink_bitmap(points: np.ndarray, r: np.ndarray, ink: np.ndarray, edge: np.ndarray, work: int) -> np.ndarray:
    """Binary work-grid images (n, work, work): the ``ink`` pixels nearest to the stroke.

    Nearness is read from a sum of Gaussians centred on the curve points (separable, so two small
    matrix products per image), whose level sets are parallel to the stroke: near the curve its log
    falls like ``-distance² / 2σ²``. ``edge`` (pixels) makes the rim ragged: at the rim, distance
    ``r``, a shift of one pixel changes the log by ``r / σ²``.
    """
    points = points.astype(np.float32)
    sigma2 = (np.clip(0.6 * r, 1.0, 3.0) ** 2).astype(np.float32)[:, None, None]
    grid = np.arange(work, dtype=np.float32) + 0.5
    gy = np.exp(-((grid[None, :, None] - points[:, None, :, 1]) ** 2) / (2 * sigma2))  # (n, rows, points)
    gx = np.exp(-((points[:, :, None, 0] - grid[None, None, :]) ** 2) / (2 * sigma2))  # (n, points, cols)
    # products of at most 32 rows: contiguous (BLAS proper) and small enough that OpenBLAS stays on one
    # thread — a second thread made 28×28 rendering 20× slower on a busy 2-core machine
    field = np.concatenate([gy[:, i: i + 32] @ gx for i in range(0, work, 32)], axis=1).reshape(len(points), -1)
    score = np.log(field + np.float32(1e-30))
    score -= edge.astype(np.float32) * (r[:, None] / sigma2[:, :, 0]).astype(np.float32)
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


def render(moves: dict, size: int) -> np.ndarray:
    """Images (n, size*size) for a block of drawn moves: optdigits counts (8) or greyscale (16, 28)."""
    frame = FRAMES[size]
    points, r, ink = place(skeleton_points(moves), moves, frame)
    bitmap = ink_bitmap(points, r, ink, moves["edge"], frame.work)
    n, f = len(bitmap), frame.pool
    pooled = bitmap.reshape(n, size, f, size, f).sum((2, 4)).astype(float)
    if size == 8:
        return pooled.reshape(n, -1)  # integer counts 0..16, as in optdigits
    grey = _blur(pooled / f**2, moves["blur"]).reshape(n, -1)
    grey = grey + moves["noise"][:, None] * moves["pixel_noise"]
    return np.clip(grey, 0.0, 1.0)


def check_params(n_samples, size, twists, test_fraction) -> None:
    from cubenet.data.cube import check_count

    check_count("n_samples", n_samples, minimum=20, maximum=1_000_000)
    check_count("twists", twists, maximum=MAX_TWISTS)
    if isinstance(size, bool) or size not in SIZES:
        raise CubenetError(f"size must be one of {', '.join(map(str, SIZES))} (pixels per side), got {size!r}")
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise CubenetError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    n_test = round(n_samples * test_fraction)
    if min(n_test, n_samples - n_test) < 10:
        raise CubenetError(f"n_samples={n_samples} with test_fraction={test_fraction} leaves {n_test} test and "
                           f"{n_samples - n_test} training images; each part needs at least 10 (one per digit)")


def balanced_labels(n: int, *, rng) -> np.ndarray:
    """Labels 0..9 in random order, each class n//10 or n//10 + 1 times."""
    return rng.permutation(np.arange(n) % 10)


def block_rng(moves_seed: int, block: int) -> np.random.Generator:
    return np.random.default_rng([moves_seed, block])


def make_digits(
    n_samples: int = 6000,
    *,
    size: int = 8,
    twists: int = 2,
    test_fraction: float = 0.25,
    rng=None,
) -> Dataset:
    """Synthetic handwritten digits 0-9 drawn from stroke skeletons and scrambled by image moves.

    Parameters
    ----------
    n_samples : int
        Total number of images (train + test); both parts are class-balanced.
    size : {8, 16, 28}
        Side of the images. 8 is the optdigits format (integer counts 0..16 stored as float);
        16 and 28 are greyscale in [0, 1].
    twists : int, 0..10
        Strength of the moves (jitter, rotation, slant, elastic warp, width, shift, thickness, edge
        noise, blur and pixel noise): 0 draws the clean styles, 2 (the default) is calibrated so that
        a network trained on it reads real handwriting, 4 is sloppy, 10 barely legible.
    test_fraction : float
        Fraction of the images held out for testing.
    rng : None, int or numpy Generator

    Returns
    -------
    Dataset
        ``X_*`` of shape (n, size*size) (row-major images), ``y_*`` in 0..9, class names "0".."9".
        Rows of ``ds.X`` (train then test) are generated in order; :func:`sample_moves` gives the
        moves of any row. ``meta["image_shape"] == [size, size]``.
    """
    check_params(n_samples, size, twists, test_fraction)
    seed = rng if isinstance(rng, (int, np.integer)) else None
    rng = np.random.default_rng(rng)
    n_test = round(n_samples * test_fraction)
    n_train = n_samples - n_test
    moves_seed = int(rng.integers(2**53))
    labels = np.concatenate([balanced_labels(n_train, rng=rng), balanced_labels(n_test, rng=rng)])
    X = np.empty((n_samples, size * size))
    for b, start in enumerate(range(0, n_samples, BLOCK)):
        part = labels[start: start + BLOCK]
        X[start: start + BLOCK] = render(draw_moves(part, twists, size, rng=block_rng(moves_seed, b)), size)
    kinds = ["jitter", "rotate", "shear", "warp", "width", "shift", "ink", "edge"] + (["blur", "noise"] if size != 8 else [])
    meta = make_meta(
        "digits", kind="digits", seed=seed,
        params={"n_samples": n_samples, "size": size, "twists": twists, "test_fraction": test_fraction},
        scramble="", inverse="", image_shape=[size, size], moves_seed=moves_seed, moves_block=BLOCK,
        moves=["style"] + (kinds if twists else []),
        value_range=[0, 16] if size == 8 else [0, 1],
    )
    return Dataset(X[:n_train], labels[:n_train].astype(np.int64), X[n_train:], labels[n_train:].astype(np.int64),
                   CLASS_NAMES, DEFAULT_COLORS[:10], meta)


def _block_of(ds: Dataset, index: int) -> tuple[dict, int]:
    """The regenerated moves of the block holding image ``index``, and the image's row in that block."""
    meta = ds.meta
    if meta.get("generator") != "digits" or "moves_seed" not in meta:
        raise CubenetError("this dataset was not made by make_digits, so it records no digit moves")
    n = len(ds.y_train) + len(ds.y_test)
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n:
        raise CubenetError(f"index must be an image number between 0 and {n - 1}, got {index!r}")
    block = meta.get("moves_block", BLOCK)
    b, start = index // block, (index // block) * block
    labels = ds.y[start: start + block]
    params = meta["params"]
    moves = draw_moves(labels, params["twists"], params["size"], rng=block_rng(meta["moves_seed"], b))
    return moves, index - start


def regenerate(ds: Dataset, index: int) -> np.ndarray:
    """Image ``index`` of ``ds.X`` rebuilt from its recorded seed (shape (size*size,)); equals ds.X[index]."""
    moves, row = _block_of(ds, index)
    return render(moves, ds.meta["params"]["size"])[row]


def sample_moves(ds: Dataset, index: int) -> tuple[DigitMove, ...]:
    """The moves that made image ``index`` of ``ds.X`` (train then test), regenerated from the seed.

    The first entry is the skeleton drawn (digit and style); then one entry per kind in ``meta["moves"]``.
    """
    moves, row = _block_of(ds, index)
    digit, style = skeletons().names[moves["style"][row]]
    s = strength(ds.meta["params"]["twists"])
    out = [
        DigitMove("style", {"digit": digit, "style": style}),
        DigitMove("jitter", {"key_points": moves["jitter"][row][: skeletons().n_keys[moves["style"][row]]]}),
        DigitMove("rotate", {"degrees": float(moves["rotate"][row])}),
        DigitMove("shear", {"slant": float(moves["shear"][row])}),
        DigitMove("warp", {"node_shifts": moves["warp"][row]}),
        DigitMove("width", {"factor": float(moves["width"][row])}),
        DigitMove("shift", {"dx": float(moves["shift"][row, 0]), "dy": float(moves["shift"][row, 1])}),
        DigitMove("ink", {"factor": float(moves["ink"][row])}),
        DigitMove("edge", {"amplitude": min(s, 2.0) * EDGE}),
    ]
    out += [DigitMove("blur", {"sigma": float(moves["blur"][row])}),
            DigitMove("noise", {"sd": float(moves["noise"][row])})]
    return tuple(m for m in out if m.kind in ds.meta["moves"])


def load_real_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 real handwritten UCI optdigits images bundled with scikit-learn (no download).

    Returns
    -------
    X : ndarray of shape (1797, 64), float, integer values 0..16
    y : ndarray of shape (1797,), int in 0..9
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise CubenetError("the real-digit check needs scikit-learn (it holds the real images): pip install "
                           "scikit-learn (or, in a checkout: pip install -e \".[bench]\")") from None
    real = load_digits()
    return real.data.astype(float), real.target.astype(np.int64)


def real_digit_accuracy(predict) -> dict:
    """Accuracy on the 1,797 real optdigits images of a classifier trained on synthetic 8×8 digits.

    Parameters
    ----------
    predict : callable
        ``X (1797, 64) -> labels (1797,)`` in 0..9, e.g. ``lambda X: cubenet.nn.network.predict(model, X)``
        (a function, so that the data layer needs nothing from the network layer).

    Returns
    -------
    dict
        ``accuracy``, ``n``, ``per_class_accuracy`` {"0": …}, ``confusion_matrix`` (rows true,
        columns predicted) and ``worst_confusions``: [{"true", "predicted", "count"}, …] (top 5).
    """
    if not callable(predict):
        raise CubenetError("real_digit_accuracy takes a function X -> labels, e.g. lambda X: predict(model, X)")
    X, y = load_real_digits()
    pred = np.asarray(predict(X))
    if pred.shape != y.shape or pred.dtype.kind not in "iu" or pred.min() < 0 or pred.max() > 9:
        raise CubenetError(f"predict must return {len(y)} integer labels in 0..9, got an array of shape {pred.shape} "
                           f"and dtype {pred.dtype}")
    pred = np.asarray(pred, dtype=np.int64)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (y, pred), 1)
    off = confusion * (1 - np.eye(10, dtype=np.int64))
    worst = np.argsort(off, axis=None)[::-1][:5]
    return {
        "accuracy": float(np.trace(confusion) / len(y)),
        "n": int(len(y)),
        "per_class_accuracy": {CLASS_NAMES[c]: float(confusion[c, c] / confusion[c].sum()) for c in range(10)},
        "confusion_matrix": confusion.tolist(),
        "worst_confusions": [{"true": CLASS_NAMES[i // 10], "predicted": CLASS_NAMES[i % 10], "count": int(off.flat[i])}
                             for i in worst if off.flat[i] > 0],
    }
