"""The 2-D datasets: linearly separable arrangements scrambled by recorded, invertible moves of the plane.

Every dataset here is built like the colour cube: sample a *solved* arrangement whose classes a
linear classifier separates, then apply a scramble (a list of moves). ``meta["inverse"]`` undoes
it exactly, so ``apply_moves(X, meta["inverse"])`` on noise-free data gives back the solved
arrangement (the "answer key" in the preview picture).

The datasets (solved arrangement → signature scramble, then ``twists`` random extra moves)
---------------------------------------------------------------------------------------
- **spirals** (``arms`` = k): k wedges (thick rays) around the origin, at angles 2πj/k — a linear
  classifier without bias separates them (the score ``u_j·p`` is largest on wedge j). ``swirl``
  turns each ray into an Archimedean spiral arm of constant thickness.
- **moons**: the two moons of scikit-learn, centred, as bands of width 0.2. The wave
  ``y += -0.5·sin(πx)`` runs between the moons everywhere (margin ≥ 0.15), so the solved
  arrangement is the moons pulled back through ``wave(-0.5,2.0,0.0,0.0)``: two gently curved
  bands, one above the x axis, one below.
- **circles** (``classes`` = number of rings): closed rings cannot be unscrambled by any
  continuous bijection of the plane (a ring that surrounds another stays around it), so the
  scramble contains one cut. Solved: every ring's two halves as flat horizontal bands, stacked by
  radius (inner ring on top), one stack at x = 0 and one at x = 3.5. ``cup(0,0,3.5,1)`` bends
  both stacks into nested lower half-rings; ``disc(3.5,0,1.3,180)`` turns the right-hand stack
  upside down (upper half-rings); ``slide(0,-3.5,0)`` slides the upper half-plane onto the lower
  one, closing the rings.
- **checker** (``cells`` per side, even) and **xor** (2×2): solved, every "even" cell
  sits in the top half of the board and every "odd" cell in the bottom half (a horizontal line
  separates them). Flipping every odd column (``flip``, a 180° turn of that column) makes the
  rows alternate, and flipping every other row of each half then gives the checkerboard; for xor
  a single column flip is enough. Cells keep a 5 % margin, so the board shows thin grid lines.
  Classes are named by the parity of column + row counted from the bottom-left cell ("even
  cells", "odd cells"; for xor "x·y < 0", "x·y > 0").
- **blobs** (``classes`` = k): k round blobs (Gaussians truncated at a radius that keeps them
  apart) on a circle — separable as they are; only ``twists`` scramble them.

Noise: ``noise`` adds Gaussian jitter of that standard deviation to every coordinate *after* the
moves (so the inverse no longer restores a perfect arrangement); ``label_noise`` reassigns
exactly ``round(label_noise·n_samples)`` points, chosen at random, to a different class chosen
uniformly among the others (recorded as ``meta["labels_flipped"]``).

The moves are :mod:`cubenet.data.planar_moves` (a new 2-D move is one entry of ``PLANAR_MOVES`` there), the
solved pictures :mod:`cubenet.data.planar_arrangements`; their public names are importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from cubenet.data.dataset import Dataset, make_meta, train_test_split, twists_or_moves
from cubenet.data.moves import Move, apply_moves, format_scramble, invert
from cubenet.data.planar_arrangements import (  # noqa: F401  (re-exported)
    CIRCLES_PERIOD,
    CIRCLES_SIGNATURE,
    MOONS_SIGNATURE,
    balanced_labels,
    blob_points,
    checker_cells,
    checker_flips,
    moons_picture,
    rings_picture,
    signature_moves,
    solved_wedges,
)
from cubenet.data.planar_moves import FALLOFF, PLANAR_MOVES, move, random_moves  # noqa: F401  (re-exported)
from cubenet.errors import CubenetError
from cubenet.validate import check_int, check_number, is_integer

#: random extra moves of a 2-D set made without them (every generator's default, read by the registry)
DEFAULT_TWISTS = 0


@dataclass(frozen=True)
class Arrangement:
    """What makes one 2-D set itself: its name, solved picture, own moves and classes.

    sample : (y, rng) -> X, the points for labels y: the solved arrangement, or (``pullback``) the familiar
        final picture, pulled back through the own moves so that the solved arrangement is what their
        inverse makes of it.
    own : the set's own (signature) moves; params : its own parameters, recorded in the metadata.
    """

    name: str
    sample: Callable[[np.ndarray, np.random.Generator], np.ndarray]
    own: tuple[Move, ...]
    class_names: tuple[str, ...]
    solved: str
    params: dict = field(default_factory=dict)
    pullback: bool = False


@dataclass(frozen=True)
class PlanarOptions:
    """What every 2-D set takes besides its arrangement: the size, the scramble (twists or moves), the noise and
    the split, as its generator was called (the defaults are the generators')."""

    n_samples: int
    twists: int | None
    moves: object
    noise: float
    label_noise: float
    test_fraction: float


def flip_labels(y: np.ndarray, fraction: float, n_classes: int, *, rng=None) -> tuple[np.ndarray, int]:
    """Give ``round(fraction·n)`` random points a different class (uniform among the others)."""
    rng = np.random.default_rng(rng)
    count = int(round(fraction * len(y)))
    y = y.copy()
    idx = rng.choice(len(y), size=count, replace=False)
    y[idx] = (y[idx] + rng.integers(1, n_classes, size=count)) % n_classes
    return y, count


def build(arrangement: Arrangement, options: PlanarOptions, *, rng=None) -> Dataset:
    """The common recipe of every 2-D generator: labels, points, own moves and twists (or moves), noise, split."""
    a, o = arrangement, options
    k = len(a.class_names)
    seed = rng if is_integer(rng) else None
    n_samples = check_int("n_samples", o.n_samples, minimum=4 * k, maximum=10_000_000)
    noise = check_number("noise", o.noise, minimum=0, maximum=1,
                         advice="the pictures span about 2, and 0.1 already blurs them")
    label_noise = check_number("label_noise", o.label_noise, minimum=0, maximum=0.5)
    rng = np.random.default_rng(rng)
    scramble_rng, label_rng, points_rng, noise_rng, flip_rng, split_rng = rng.spawn(6)
    scramble = twists_or_moves(o.twists, o.moves, default=DEFAULT_TWISTS, own=a.own,
                               random=lambda n: random_moves(n, rng=scramble_rng), dim=2,
                               wrong=f"move {{move}} is not a 2-D move; use {', '.join(PLANAR_MOVES)}")
    y = balanced_labels(n_samples, k, rng=label_rng)
    X = a.sample(y, points_rng)
    if a.pullback:
        X = apply_moves(X, invert(a.own))
    X = apply_moves(X, scramble.moves)
    if noise > 0:
        X = X + noise_rng.normal(scale=noise, size=X.shape)
    noisy, flipped = flip_labels(y, label_noise, k, rng=flip_rng)
    replaced = o.moves is not None and bool(a.own) and scramble.fixed[:len(a.own)] != a.own
    meta = make_meta(
        a.name, kind="planar", seed=seed,
        params={"n_samples": n_samples, **a.params, "twists": scramble.twists, "noise": noise,
                "label_noise": label_noise, "test_fraction": o.test_fraction},
        **scramble.meta(), solved=a.solved, labels_flipped=flipped,
        **({"replaced_moves": format_scramble(a.own)} if replaced else {}),
    )
    # stratify on the true labels, so that label noise changes labels and nothing else; the noisy
    # labels travel through the split as an extra column
    ds = train_test_split(np.column_stack([X, noisy]), y, test_fraction=o.test_fraction, class_names=a.class_names,
                          meta=meta, rng=split_rng)
    return replace(ds, X_train=ds.X_train[:, :2], y_train=ds.X_train[:, 2].astype(np.int64),
                   X_test=ds.X_test[:, :2], y_test=ds.X_test[:, 2].astype(np.int64))


def make_spirals(n_samples: int = 2000, *, arms: int = 2, turns: float = 1.5, twists: int = DEFAULT_TWISTS, moves=None,
                 noise: float = 0.0, label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """Interleaved spiral arms, one class per arm: straight wedges swirled.

    Parameters
    ----------
    n_samples : int
        Total number of points (train + test), shared equally among the arms.
    arms : int, default 2
        Number of arms (classes), 2 to 12.
    turns : float, default 1.5
        How far each arm winds round: the signature move is ``swirl(2π·turns)``.
    twists : int, default 0
        Random extra moves after the swirl (harder).
    moves : str or sequence of Move, optional
        An explicit scramble replacing the swirl and the twists (``""`` gives the solved wedges).
    noise : float
        Standard deviation of Gaussian jitter added after the moves.
    label_noise : float
        Fraction of points (0 to 0.5) given a different, random class.
    test_fraction : float
        Fraction of points held out for testing.
    rng : None, int or numpy Generator

    Returns
    -------
    Dataset
        ``X_*`` of shape (n, 2), ``y_*`` in 0..arms-1; ``meta["inverse"]`` restores the wedges and
        ``meta["random"]`` is the twists' part of ``meta["scramble"]``.
    """
    arms = check_int("arms", arms, minimum=2, maximum=12)
    check_number("turns", turns, minimum=0, maximum=10)
    spirals = Arrangement("spirals", lambda y, g: solved_wedges(y, arms, rng=g),
                          (move("swirl", round(2 * np.pi * turns, 4)),), tuple(f"arm {j + 1}" for j in range(arms)),
                          f"{arms} straight wedges (rays) around the centre", {"arms": arms, "turns": float(turns)})
    return build(spirals, PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction), rng=rng)


def make_moons(n_samples: int = 2000, *, twists: int = DEFAULT_TWISTS, moves=None, noise: float = 0.0,
               label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """Two interleaving half-moons (2 classes): two gently curved bands, bent by one wave.

    Parameters are those of :func:`make_spirals` (without arms and turns). ``X_*`` has shape
    (n, 2) within about [-1.6, 1.6] × [-0.9, 0.9]; class 0 is the upper moon.
    """
    moons = Arrangement("moons", lambda y, g: moons_picture(y, rng=g), signature_moves(MOONS_SIGNATURE),
                        ("upper moon", "lower moon"), "two bands either side of the x axis", pullback=True)
    return build(moons, PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction), rng=rng)


def make_circles(n_samples: int = 2000, *, classes: int = 2, twists: int = DEFAULT_TWISTS, moves=None,
                 noise: float = 0.0, label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """Concentric rings, one class per ring (ring j at radius (j+1)/classes): half-rings flattened, cut apart.

    Parameters are those of :func:`make_spirals`, with ``classes`` (2 to 8) the number of rings.
    ``X_*`` has shape (n, 2) within the unit disc (before noise and twists).
    """
    classes = check_int("classes", classes, minimum=2, maximum=8)
    circles = Arrangement("circles", lambda y, g: rings_picture(y, classes, rng=g), signature_moves(CIRCLES_SIGNATURE),
                          tuple(f"ring {j + 1}" for j in range(classes)),
                          "every half-ring flattened into a horizontal band, inner rings on top", {"classes": classes},
                          pullback=True)
    return build(circles, PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction), rng=rng)


def make_checker(n_samples: int = 2000, *, cells: int = 4, twists: int = DEFAULT_TWISTS, moves=None,
                 noise: float = 0.0, label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """A checkerboard of cells × cells squares on [-1, 1]² (2 classes: even and odd squares).

    ``cells`` is the number of squares per side (even, 2 to 12; the CLI's ``--cells``). The
    other parameters are those of :func:`make_spirals`. The solved board has all class-0 cells
    on top; column and row flips make the checkerboard.
    """
    cells = check_int("cells (squares per side)", cells, minimum=2, maximum=12)
    if cells % 2:
        raise CubenetError(f"checker needs an even number of cells per side (--cells), got {cells}")
    return build(_board("checker", cells, {"cells": cells}),
                 PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction), rng=rng)


def make_xor(n_samples: int = 2000, *, twists: int = DEFAULT_TWISTS, moves=None, noise: float = 0.0,
             label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """XOR: the four quadrants of [-1, 1]², class by the sign of x·y — a 2×2 checkerboard.

    Solved: both "x·y < 0" cells on top; one flip of the right-hand column makes XOR.
    Parameters are those of :func:`make_spirals` (without arms and turns).
    """
    return build(_board("xor", 2, {}), PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction),
                 rng=rng)


def _board(name: str, cells: int, params: dict) -> Arrangement:
    # class 0 ends up on the cells (column + row, counted from the bottom left) ≡ cells/2 (mod 2)
    names = ("x·y < 0", "x·y > 0") if cells == 2 else ("even cells", "odd cells")[:: 1 if cells % 4 == 0 else -1]
    return Arrangement(name, lambda y, g: checker_cells(y, cells, rng=g), checker_flips(cells), names,
                       "one colour's cells in the top half, the other's below", params)


def make_blobs(n_samples: int = 2000, *, classes: int = 3, twists: int = DEFAULT_TWISTS, moves=None,
               noise: float = 0.0, label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """Round blobs on the unit circle, one class each; separable as drawn, scrambled only by ``twists``.

    Parameters are those of :func:`make_spirals`, with ``classes`` (2 to 12) blobs.
    """
    classes = check_int("classes", classes, minimum=2, maximum=12)
    blobs = Arrangement("blobs", lambda y, g: blob_points(y, classes, rng=g), (),
                        tuple(f"blob {j + 1}" for j in range(classes)), f"{classes} round blobs on a circle",
                        {"classes": classes})
    return build(blobs, PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction), rng=rng)
