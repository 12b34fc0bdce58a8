"""The solved 2-D arrangements: linearly separable pictures of labelled points, and the signature moves that
scramble them into the familiar sets (see :mod:`cubenet.data.planar` for how each set is made)."""

from __future__ import annotations

import numpy as np

from cubenet.data.moves import Move
from cubenet.data.planar_moves import move


def balanced_labels(n_samples: int, n_classes: int, *, rng=None) -> np.ndarray:
    """Labels 0..n_classes-1 in random order, class sizes differing by at most one."""
    return np.random.default_rng(rng).permutation(np.arange(n_samples) % n_classes)


def solved_wedges(y: np.ndarray, arms: int, *, width: float = 0.4, r_min: float = 0.08, rng=None) -> np.ndarray:
    """Points in k thick rays (wedges) from the origin: arm j at angle 2πj/k, radius uniform in [r_min, 1].

    ``width`` is the wedge's share of the angle between arms (< 1 keeps them apart).
    """
    rng = np.random.default_rng(rng)
    r = rng.uniform(r_min, 1.0, len(y))
    theta = 2 * np.pi * y / arms + rng.uniform(-0.5, 0.5, len(y)) * width * 2 * np.pi / arms
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def moons_picture(y: np.ndarray, *, width: float = 0.2, rng=None) -> np.ndarray:
    """The familiar two moons (scikit-learn's, centred on the origin) as bands of ``width``."""
    rng = np.random.default_rng(rng)
    t = rng.uniform(0.0, np.pi, len(y))
    r = 1.0 + rng.uniform(-0.5, 0.5, len(y)) * width
    upper = np.column_stack([r * np.cos(t) - 0.5, r * np.sin(t) - 0.25])
    return np.where((y == 0)[:, None], upper, -upper)  # the lower moon is the upper one turned 180°


def rings_picture(y: np.ndarray, rings: int, *, width: float = 0.2, rng=None) -> np.ndarray:
    """Concentric rings: ring j (class j) at radius (j+1)/rings, band ``width`` × the spacing."""
    rng = np.random.default_rng(rng)
    r = (y + 1 + rng.uniform(-0.5, 0.5, len(y)) * width) / rings
    theta = rng.uniform(0.0, 2 * np.pi, len(y))
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def checker_cells(y: np.ndarray, cells: int, *, margin: float = 0.05, rng=None) -> np.ndarray:
    """The solved board on [-1, 1]²: class 0 cells fill the top half, class 1 cells the bottom half.

    Each point lands uniformly in a random cell of its half, ``margin`` × the cell size away
    from the cell's edges.
    """
    rng = np.random.default_rng(rng)
    size = 2.0 / cells
    half = cells // 2
    col = rng.integers(0, cells, len(y))
    row = rng.integers(0, half, len(y)) + np.where(y == 0, half, 0)
    inner = rng.uniform(margin, 1 - margin, (len(y), 2))
    return -1.0 + size * (np.column_stack([col, row]) + inner)


def checker_flips(cells: int) -> tuple[Move, ...]:
    """The flips that turn the solved board into a checkerboard (see the module docstring)."""
    size = 2.0 / cells
    edges = [round(-1.0 + i * size, 6) for i in range(cells + 1)]  # short tokens; cells keep a 5 % margin
    half = cells // 2
    cols = [move("flip", edges[i], edges[i + 1], 0.0) for i in range(1, cells, 2)]
    rows = [move("flip", edges[j], edges[j + 1], 90.0) for j in range(cells)
            if (j >= half and (j - half) % 2 == 1) or (j < half and (half - 1 - j) % 2 == 1)]
    return tuple(cols + rows)


def blob_points(y: np.ndarray, classes: int, *, rng=None) -> np.ndarray:
    """k round blobs on the unit circle, Gaussian but cut off before they could touch."""
    rng = np.random.default_rng(rng)
    offset = rng.uniform(0, 2 * np.pi / classes)
    centers = np.column_stack([np.cos(offset + 2 * np.pi * np.arange(classes) / classes),
                               np.sin(offset + 2 * np.pi * np.arange(classes) / classes)])
    cutoff = 0.9 * np.sin(np.pi / classes) * (0.6 if classes == 2 else 1.0)
    sigma = cutoff / 2.0
    # radius from the Rayleigh distribution truncated at the cutoff (inverse CDF), angle uniform
    u = rng.uniform(0, 1, len(y))
    rho = sigma * np.sqrt(-2 * np.log1p(-u * (1 - np.exp(-cutoff ** 2 / (2 * sigma ** 2)))))
    phi = rng.uniform(0, 2 * np.pi, len(y))
    return centers[y] + np.column_stack([rho * np.cos(phi), rho * np.sin(phi)])


#: circles: distance between the two stacks of flattened half-rings, and the disc that turns one
CIRCLES_PERIOD = 3.5
CIRCLES_SIGNATURE = (("cup", 0.0, 0.0, CIRCLES_PERIOD, 1.0), ("disc", CIRCLES_PERIOD, 0.0, 1.3, 180.0),
                     ("slide", 0.0, -CIRCLES_PERIOD, 0.0))
MOONS_SIGNATURE = (("wave", -0.5, 2.0, 0.0, 0.0),)


def signature_moves(spec) -> tuple[Move, ...]:
    """The moves of a signature: ``(name, *params)`` rows as Moves."""
    return tuple(move(name, *params) for name, *params in spec)
