"""The workshop's puzzle data: the sets the "by hand" and golf puzzles are checked on and their pictures show.

It sits below both the checks (:mod:`cubenet.workshop.checks`) and the pictures
(:mod:`cubenet.workshop.figures`), so neither needs the other to make a set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cubenet.data.cube import make_color_cube
from cubenet.data.planar import make_spirals

# ---------------------------------------------------------------- rotate it back

ANGLE_DEG = 120.0
SHIFT = np.array([2.0, -1.0])


def rotation2d(degrees: float) -> np.ndarray:
    t = np.deg2rad(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def solved_band(n: int, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """The solved set: class 1 in a band above the x-axis, class 0 in a band below it."""
    rng = np.random.default_rng(rng)
    y = rng.permutation(np.arange(n) % 2)
    X = np.column_stack([rng.uniform(-2.5, 2.5, n), rng.uniform(0.2, 1.2, n) * np.where(y == 1, 1, -1)])
    return X, y


def rotated_band(n: int, *, rng=None):
    """(scrambled X, solved X, y): the band rotated by ANGLE_DEG counter-clockwise, then shifted by SHIFT."""
    solved, y = solved_band(n, rng=rng)
    return solved @ rotation2d(ANGLE_DEG).T + SHIFT, solved, y


# ---------------------------------------------------------------- fold the V flat

V_TIP = np.array([0.3, 0.5])
V_SLOPE = 0.8
V_MARGIN = 0.1


def v_set(n: int, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Points in [-2, 2]²: class 1 above the V  y = 0.5 + 0.8·|x − 0.3|, class 0 below, a margin in between."""
    rng = np.random.default_rng(rng)
    X = np.empty((0, 2))
    while len(X) < n:
        P = rng.uniform(-2, 2, size=(2 * n, 2))
        f = (P[:, 1] - V_TIP[1]) - V_SLOPE * np.abs(P[:, 0] - V_TIP[0])
        X = np.concatenate([X, P[np.abs(f) > V_MARGIN]])
    X = X[:n]
    f = (X[:, 1] - V_TIP[1]) - V_SLOPE * np.abs(X[:, 0] - V_TIP[0])
    return X, (f > 0).astype(np.int64)


# ---------------------------------------------------------------- the smallest XOR network

def xor_set(n: int, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Four clouds around (±1, ±1) (radius < 0.45); class 1 where the signs differ (XOR)."""
    rng = np.random.default_rng(rng)
    corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], float)
    k = rng.integers(4, size=n)
    offsets = rng.normal(scale=0.15, size=(n, 2))
    norms = np.linalg.norm(offsets, axis=1, keepdims=True)
    offsets *= np.minimum(1.0, 0.45 / np.maximum(norms, 1e-12))
    return corners[k] + offsets, (k >= 2).astype(np.int64)


# ---------------------------------------------------------------- golf

@dataclass(frozen=True)
class Course:
    """One golf course: how the data is made, the accuracy floor and par."""

    name: str
    make: object  # (n_samples, rng) -> Dataset
    n_train: int
    n_hidden: int
    train_seed: int
    hidden_seed: int
    floor: float
    par: int


CUBE_SCRAMBLE = "R U F'"


def _cube(n, rng):
    return make_color_cube(n, moves=CUBE_SCRAMBLE, rng=rng)


def _spirals(n, rng):
    return make_spirals(n, arms=2, turns=1.5, rng=rng)


CUBE = Course("a 3-twist colour cube", _cube, n_train=3000, n_hidden=4000, train_seed=7, hidden_seed=2024,
              floor=0.92, par=126)
SPIRALS = Course("two spirals", _spirals, n_train=1200, n_hidden=3000, train_seed=7, hidden_seed=2024,
                 floor=0.95, par=114)


def training_data(course: Course):
    """The Dataset handed to the learner's make_model (the same every time)."""
    return course.make(course.n_train, course.train_seed)


def hidden_data(course: Course):
    """Fresh points from the same scrambled arrangement, never shown to the learner."""
    ds = course.make(course.n_hidden, course.hidden_seed)
    return ds.X, ds.y
