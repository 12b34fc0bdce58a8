"""Stroke skeletons of the ten digits: several handwriting styles each, compiled once into arrays.

A style is a string of strokes in a unit box (x to the right, y downwards): strokes are separated
by "|", points by spaces, and a stroke is a Catmull-Rom curve through its points (closed when it
ends where it began). Strokes sharing a point stay joined there when the key points are jittered.
Each style has a weight: how often a writer draws the digit that way (the default weight is 1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

N_POINTS = 96  #: points sampled along every skeleton
CLASS_NAMES = tuple(str(d) for d in range(10))

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
        "long flag": "0.1,0.4 0.6,0 | 0.6,0 0.55,1",
        "flag and foot": "0.3,0.2 0.55,0 | 0.55,0 0.55,1 | 0.2,1 0.9,1",
        "heavy bar": "0.42,0 0.42,1 | 0.58,0 0.58,1 | 0.42,0 0.58,0",
        "hollow bar": "0.5,0 0.65,0.1 0.62,0.9 0.5,1 0.38,0.9 0.35,0.1 0.5,0",
        "bowed": "0.6,0 0.45,0.3 0.42,0.7 0.55,1",
        "low flag and spur": "0.05,0.5 0.6,0 | 0.6,0 0.55,1 | 0.55,1 0.3,0.9",
        "short flag": "0.35,0.12 0.55,0 | 0.55,0 0.55,1",
        "short right foot": "0.3,0.2 0.55,0 | 0.55,0 0.55,1 | 0.5,1 0.85,1",
    },
    2: {
        "classic": "0.05,0.25 0.4,0 0.75,0.2 0.65,0.5 0.1,1 | 0.1,1 0.95,1",
        "long base": "0.15,0.2 0.5,0 0.9,0.25 0.6,0.65 0.15,0.98 | 0.15,0.98 0.55,0.92 1,1",
        "looped": "0.1,0.25 0.45,0 0.85,0.2 0.7,0.55 0.2,0.95 0.1,0.85 0.3,0.8 0.5,0.95 0.95,1",
        "narrow": "0.3,0.2 0.55,0 0.78,0.18 0.72,0.5 0.4,1 | 0.4,1 0.9,1",
        "upright": "0.2,0.15 0.5,0 0.8,0.15 0.75,0.45 0.5,0.75 0.3,1 | 0.3,1 0.95,0.95",
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
        "y-like": "0.15,0 0.25,0.35 0.5,0.45 0.85,0.35 | 0.85,0 0.8,0.5 0.7,1",
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
        "crossed upright": "0.05,0 0.95,0 | 0.95,0 0.5,1 | 0.25,0.5 0.85,0.5",
        "crossed serif": "0.05,0.2 0.1,0 | 0.1,0 0.95,0 | 0.95,0 0.5,1 | 0.3,0.5 0.85,0.5",
        "long cross": "0.3,0 0.9,0 | 0.9,0 0.55,1 | 0.05,0.5 0.95,0.48",
    },
    8: {
        "one stroke": ("0.75,0.1 0.5,0 0.22,0.12 0.25,0.35 0.5,0.52 0.75,0.7 0.78,0.9 0.5,1 0.22,0.9 "
                       "0.25,0.7 0.5,0.52 0.75,0.32 0.75,0.1"),
        "two loops": "0.5,0 0.82,0.25 0.5,0.5 0.18,0.25 0.5,0 | 0.5,0.5 0.8,0.75 0.5,1 0.2,0.75 0.5,0.5",
        "slanted": ("0.85,0.1 0.6,0 0.35,0.1 0.4,0.35 0.5,0.5 0.65,0.7 0.6,0.92 0.35,1 0.15,0.88 "
                    "0.25,0.65 0.5,0.5 0.8,0.3 0.85,0.1"),
        "narrow": ("0.65,0.08 0.5,0 0.35,0.1 0.38,0.32 0.5,0.5 0.65,0.7 0.62,0.92 0.5,1 0.36,0.92 "
                   "0.35,0.7 0.5,0.5 0.63,0.3 0.65,0.08"),
        "big bottom": ("0.7,0.1 0.5,0 0.3,0.1 0.35,0.28 0.5,0.4 0.8,0.62 0.8,0.88 0.5,1 0.2,0.88 "
                       "0.2,0.62 0.5,0.4 0.68,0.28 0.7,0.1"),
    },
    9: {
        "straight stem": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.7,1",
        "high loop": "0.8,0.18 0.5,0 0.15,0.12 0.25,0.35 0.8,0.2 | 0.8,0.18 0.7,1",
        "curved stem": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.8,0.7 0.45,1",
        "open loop": "0.85,0.15 0.5,0 0.15,0.2 0.3,0.45 0.75,0.4 | 0.85,0.1 0.8,1",
        "hooked": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.82,0.75 0.6,1 0.3,0.95 0.15,0.8",
        "small loop": "0.8,0.2 0.5,0 0.25,0.18 0.45,0.4 0.8,0.2 | 0.8,0.2 0.75,0.7 0.5,1 0.25,0.9",
        "tail": "0.85,0.25 0.5,0 0.15,0.22 0.45,0.5 0.85,0.25 | 0.85,0.25 0.8,0.75 0.55,1 0.2,0.95",
        "long tail": "0.7,0.2 0.45,0 0.2,0.15 0.35,0.35 0.7,0.2 | 0.7,0.2 0.8,0.5 0.7,0.85 0.45,1 0.15,0.9",
        "pointed loop": "0.8,0.05 0.3,0.05 0.1,0.4 0.8,0.35 | 0.8,0.05 0.8,0.35 | 0.8,0.35 0.75,1",
        "round tail": ("0.75,0.25 0.5,0.02 0.2,0.15 0.3,0.4 0.7,0.3 | 0.7,0.3 0.85,0.55 0.8,0.85 0.55,1 "
                       "0.15,0.95"),
    },
}

#: How often each style is drawn, relative to the others of its digit (missing: 1). Fitted to the ten real
#: per-class mean images (``python -m cubenet.digits_study --weights``: non-negative least squares, every
#: style kept at 5-10%), then 1s, 4s, 8s and 9s adjusted by hand (the 1 "short right foot" added in round 3) (docs/digits.md tells what each change bought).
WEIGHTS: dict[int, dict[str, float]] = {
    0: {"oval": 0.091, "narrow": 0.526, "overlap": 0.383},
    1: {"plain": 0.2, "slanted": 0.059, "flag": 0.059, "long flag": 0.25, "flag and foot": 0.059, "heavy bar": 0.059,
        "hollow bar": 0.059, "low flag and spur": 0.151, "short flag": 0.059, "bowed": 0.1,
        "short right foot": 0.06},
    2: {"classic": 0.368, "long base": 0.077, "looped": 0.077, "narrow": 0.401, "upright": 0.077},
    3: {"round": 0.091, "flat top": 0.359, "smooth": 0.55},
    4: {"open": 0.55, "closed": 0.077, "square": 0.077, "long stem": 0.22, "y-like": 0.077},
    5: {"classic": 0.091, "round belly": 0.909},
    6: {"classic": 0.091, "straight": 0.432, "small loop": 0.478},
    7: {"plain": 0.063, "crossed": 0.485, "curved": 0.12, "serif": 0.15, "crossed curved": 0.063,
        "crossed upright": 0.063, "crossed serif": 0.063, "long cross": 0.134},
    8: {"one stroke": 0.077, "two loops": 0.242, "slanted": 0.077, "narrow": 0.25, "big bottom": 0.077},
    9: {"straight stem": 0.093, "high loop": 0.15, "curved stem": 0.067, "open loop": 0.067, "hooked": 0.274,
        "small loop": 0.067, "tail": 0.067, "long tail": 0.067, "pointed loop": 0.067, "round tail": 0.231},
}


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
    cumulative: np.ndarray  # (n_styles,) cumulative style probability within its digit (last = 1)


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


def compile_style(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Key points (n_keys, 2), point weights (N_POINTS, n_keys) and stroke joins (N_POINTS - 1,) of a style.

    Points are spread over the strokes in proportion to their lengths, evenly along each stroke.
    """
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
    """Compile :data:`STYLES` and :data:`WEIGHTS` once into arrays."""
    names, compiled, cumulative = [], [], []
    for digit in range(10):
        w = np.array([WEIGHTS.get(digit, {}).get(name, 1.0) for name in STYLES[digit]], dtype=float)
        cumulative.append(np.cumsum(w) / w.sum())
        cumulative[-1][-1] = 1.0
        for name, text in STYLES[digit].items():
            names.append((digit, name))
            compiled.append(compile_style(text))
    max_keys = max(len(K) for K, _, _ in compiled)
    keys = np.zeros((len(names), max_keys, 2))
    weights = np.zeros((len(names), N_POINTS, max_keys))
    for s, (K, W, _) in enumerate(compiled):
        keys[s, : len(K)] = K
        weights[s, :, : len(K)] = W
    count = np.array([len(STYLES[d]) for d in range(10)])
    return Skeletons(tuple(names), keys, np.array([len(K) for K, _, _ in compiled]), weights,
                     np.stack([j for _, _, j in compiled]), np.r_[0, np.cumsum(count)[:-1]], count,
                     np.concatenate(cumulative))


def pick_styles(labels: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Style index per image from its digit and a uniform draw ``u`` in [0, 1), by the style weights."""
    sk = skeletons()
    out = np.empty(len(labels), dtype=np.int64)
    for digit in range(10):
        rows = labels == digit
        first, count = sk.first[digit], sk.count[digit]
        cum = sk.cumulative[first: first + count]
        out[rows] = first + np.minimum(np.searchsorted(cum, u[rows], side="right"), count - 1)
    return out
