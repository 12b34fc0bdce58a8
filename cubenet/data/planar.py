"""The 2-D datasets: linearly separable arrangements scrambled by recorded, invertible moves of the plane.

Every dataset here is built like the colour cube: sample a *solved* arrangement whose classes a
linear classifier separates, then apply a scramble (a list of moves). ``meta["inverse"]`` undoes
it exactly, so ``apply_moves(X, meta["inverse"])`` on noise-free data gives back the solved
arrangement (the "answer key" in the preview picture).

The moves (each a bijection of the whole plane, exactly invertible, printed ``name(p1,p2,…)``)
--------------------------------------------------------------------------------------------
Angles are in degrees; ``u = (cos deg, sin deg)`` is a direction and ``v`` the direction 90° to
its left; ``s = p·u`` and ``t = p·v`` are a point's coordinates in that frame.

- ``swirl(a)``: rotate every point about the origin by ``a·r`` radians (r = its distance to the
  origin). Circles stay circles, rays become spirals. Inverse ``swirl(-a)``.
- ``disc(cx,cy,radius,deg)``: turn the disc of ``radius`` about its centre rigidly by ``deg`` —
  the 2-D cousin of a cube face turn — fading smoothly to no turn at 1.5·radius, so it stays
  continuous. Each circle about the centre turns by its own angle, so nothing folds.
- ``ring(cx,cy,r1,r2,deg)``: the same for the annulus r1 ≤ ρ ≤ r2, fading out over half its
  width on both sides.
- ``wave(a,wavelength,deg,phase)``: move points sideways along v by ``a·sin(2π s/wavelength +
  phase°)``. The displacement depends only on s, which it does not change: inverse ``a → -a``.
- ``shear(k,deg)``: ``s += k·t``. ``bend(k,deg)``: ``t += k·s²`` (a parabola). Inverses ``-k``.
- ``shift(dx,dy)``: translate.
- ``cup(cx,cy,period,dir)``: ``dir=1`` bends horizontal lines below the centre into round cups:
  the line ``t = -r`` becomes the lower half of the circle of radius r (``t' = -sqrt(t² - s²)``
  where ``t < -|s|``, ``t' = t + |s|`` elsewhere); ``dir=-1`` flattens them back
  (``t' = -sqrt(s² + t²)`` below the centre, ``t - |s|`` above). With ``period > 0`` the
  horizontal offset s is taken to the nearest of a row of centres ``period`` apart. Each vertical
  line is mapped to itself by an increasing function, so it is a homeomorphism.
- ``slide(offset,shift,deg)``: every point with ``t > offset`` moves by ``shift`` along u: the
  plane is *cut* along a line and one half slides (inverse ``-shift``).
- ``flip(lo,hi,deg)``: the strip ``lo < s < hi`` turns 180° about its centre line's point on the
  line through the origin: a cut-and-turn of one slice, like a cube slice move (its own inverse).

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
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from cubenet.data.dataset import Dataset, make_meta, train_test_split, twists_or_moves
from cubenet.data.moves import (
    Move,
    MoveKind,
    Notation,
    apply_moves,
    format_scramble,
    invert,
    parse_float,
    parse_parametric,
    register_move,
    register_notation,
)
from cubenet.errors import CubenetError
from cubenet.validate import check_int, check_number, is_integer

#: disc and ring twists fade out over this fraction of their radius / width
FALLOFF = 0.5


# ----------------------------------------------------------------------------------------- moves
def _frame(deg: float) -> tuple[np.ndarray, np.ndarray]:
    a = np.deg2rad(deg)
    return np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])


def _rotate_about(X: np.ndarray, center, angle: np.ndarray) -> np.ndarray:
    """Rotate each point of X (n, 2) about ``center`` by its own angle (radians, shape (n,))."""
    d = X - np.asarray(center, dtype=float)
    c, s = np.cos(angle), np.sin(angle)
    return np.asarray(center, dtype=float) + np.column_stack([c * d[:, 0] - s * d[:, 1], s * d[:, 0] + c * d[:, 1]])


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _swirl(X, p):
    (a,) = p
    return _rotate_about(X, (0.0, 0.0), a * np.hypot(X[:, 0], X[:, 1]))


def _disc(X, p):
    cx, cy, radius, deg = p
    rho = np.hypot(X[:, 0] - cx, X[:, 1] - cy)
    weight = _smoothstep((radius * (1 + FALLOFF) - rho) / (radius * FALLOFF))
    return _rotate_about(X, (cx, cy), np.deg2rad(deg) * weight)


def _ring(X, p):
    cx, cy, r1, r2, deg = p
    rho = np.hypot(X[:, 0] - cx, X[:, 1] - cy)
    fade = FALLOFF * (r2 - r1)
    weight = _smoothstep((rho - (r1 - fade)) / fade) * _smoothstep((r2 + fade - rho) / fade)
    return _rotate_about(X, (cx, cy), np.deg2rad(deg) * weight)


def _wave(X, p):
    a, wavelength, deg, phase = p
    u, v = _frame(deg)
    return X + (a * np.sin(2 * np.pi * (X @ u) / wavelength + np.deg2rad(phase)))[:, None] * v


def _shear(X, p):
    k, deg = p
    u, v = _frame(deg)
    return X + (k * (X @ v))[:, None] * u


def _bend(X, p):
    k, deg = p
    u, v = _frame(deg)
    return X + (k * (X @ u) ** 2)[:, None] * v


def _shift(X, p):
    return X + np.asarray(p, dtype=float)


def _cup(X, p):
    cx, cy, period, direction = p
    s = X[:, 0] - cx
    if period > 0:
        s = s - period * np.round(s / period)
    t = X[:, 1] - cy
    a = np.abs(s)
    if direction > 0:  # bend: lines below the centre become lower half-circles
        inside = t < -a
        new_t = np.where(inside, -np.sqrt(np.maximum(t * t - s * s, 0.0)), t + a)
    else:  # flatten: lower half-circles become lines
        new_t = np.where(t < 0, -np.hypot(s, t), t - a)
    out = X.copy()
    out[:, 1] = cy + new_t
    return out


def _slide(X, p):
    offset, shift, deg = p
    u, v = _frame(deg)
    moving = (X @ v) > offset
    out = X.copy()
    out[moving] += shift * u
    return out


def _flip(X, p):
    lo, hi, deg = p
    u, _ = _frame(deg)
    s = X @ u
    inside = (s > lo) & (s < hi)
    out = X.copy()
    out[inside] = (lo + hi) * u - X[inside]
    return out


def _negate(*indices):
    """invert: negate the parameters at ``indices``."""
    return lambda p: tuple(-x if i in indices else x for i, x in enumerate(p))


def _check_positive(*indices):
    def check(p):
        for i in indices:
            if p[i] <= 0:
                raise CubenetError(f"argument {i + 1} must be > 0, got {p[i]!r}")
    return check


def _check_ring(p):
    if not 0 <= p[2] < p[3]:
        raise CubenetError(f"the radii must satisfy 0 <= r1 < r2, got r1={p[2]!r}, r2={p[3]!r}")


def _check_cup(p):
    if p[2] < 0:
        raise CubenetError(f"the period must be >= 0 (0 = a single cup), got {p[2]!r}")
    if p[3] not in (1.0, -1.0):
        raise CubenetError(f"the direction must be 1 (bend) or -1 (flatten), got {p[3]!r}")


def _check_flip(p):
    if not p[0] < p[1]:
        raise CubenetError(f"the strip needs lo < hi, got lo={p[0]!r}, hi={p[1]!r}")


def _fmt(name: str):
    return lambda p: f"{name}({','.join(repr(float(x)) for x in p)})"


def _parser(name: str, arg_names: tuple, check):
    def parse(args: list[str]) -> tuple:
        if len(args) != len(arg_names):
            raise CubenetError(f"{name} takes {len(arg_names)} arguments ({','.join(arg_names)}), got {len(args)}")
        params = tuple(parse_float(a) for a in args)
        if check is not None:
            check(params)
        return params
    return parse


#: name -> (apply, invert, argument names, parameter check, one-line description)
PLANAR_MOVES = {
    "swirl": (_swirl, _negate(0), ("a",), None, "rotate about the origin by a·r radians"),
    "disc": (_disc, _negate(3), ("cx", "cy", "radius", "deg"), _check_positive(2),
             "turn a disc rigidly, fading out by 1.5·radius"),
    "ring": (_ring, _negate(4), ("cx", "cy", "r1", "r2", "deg"), _check_ring,
             "turn an annulus rigidly, fading out on both sides"),
    "wave": (_wave, _negate(0), ("a", "wavelength", "deg", "phase"), _check_positive(1),
             "move sideways by a·sin(2π s/wavelength + phase)"),
    "shear": (_shear, _negate(0), ("k", "deg"), None, "s += k·t"),
    "bend": (_bend, _negate(0), ("k", "deg"), None, "t += k·s² (a parabola)"),
    "shift": (_shift, _negate(0, 1), ("dx", "dy"), None, "translate"),
    "cup": (_cup, _negate(3), ("cx", "cy", "period", "dir"), _check_cup,
            "bend lines below the centre into half-circles (dir=1) or flatten them (dir=-1)"),
    "slide": (_slide, _negate(1), ("offset", "shift", "deg"), None,
              "cut along a line and slide the far side"),
    "flip": (_flip, lambda p: p, ("lo", "hi", "deg"), _check_flip, "turn the strip lo < s < hi by 180°"),
}

for _name, (_apply, _invert, _args, _check, _doc) in PLANAR_MOVES.items():
    register_move(MoveKind(name=_name, dim=2, apply=_apply, invert=_invert, fmt=_fmt(_name),
                           parse=_parser(_name, _args, _check), doc=f"{_name}({','.join(_args)}): {_doc}"))
register_notation(Notation("planar", parse_parametric,
                           f"one of {', '.join(sorted(PLANAR_MOVES))} with arguments, e.g. swirl(1.5)"))


def move(name: str, *params) -> Move:
    """A planar move from its name and numbers, checked like a parsed one: ``move("swirl", 2.5)``."""
    if name not in PLANAR_MOVES:
        raise CubenetError(f"unknown planar move {name!r}; choose from {', '.join(PLANAR_MOVES)}")
    return Move(name, _parser(name, PLANAR_MOVES[name][2], PLANAR_MOVES[name][3])([repr(float(p)) for p in params]))


def random_moves(twists: int, *, rng=None) -> tuple[Move, ...]:
    """``twists`` random continuous moves at the scale of the datasets (points within about radius 1).

    Disc twists (half of them), ring twists, swirls and waves, with parameters rounded to two
    decimals so the scramble string stays readable.
    """
    twists = check_int("twists", twists, minimum=0, maximum=1000)
    rng = np.random.default_rng(rng)

    def r(lo, hi, sign=False, digits=2):
        x = rng.uniform(lo, hi) * (rng.choice([-1.0, 1.0]) if sign else 1.0)
        return round(float(x), digits)

    out = []
    for _ in range(twists):
        kind = rng.choice(["disc", "disc", "ring", "swirl", "wave"])
        if kind == "disc":
            out.append(move("disc", r(-0.7, 0.7), r(-0.7, 0.7), r(0.3, 0.7), r(60, 180, True, 0)))
        elif kind == "ring":
            r1 = r(0.2, 0.6)
            out.append(move("ring", r(-0.3, 0.3), r(-0.3, 0.3), r1, round(r1 + r(0.2, 0.4), 2), r(60, 180, True, 0)))
        elif kind == "swirl":
            out.append(move("swirl", r(1.0, 2.5, True)))
        else:
            out.append(move("wave", r(0.1, 0.25, True), r(1.0, 2.0), r(0, 180, digits=0), r(0, 360, digits=0)))
    return tuple(out)


# ------------------------------------------------------------------------------ solved arrangements
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


def _moves(spec) -> tuple[Move, ...]:
    return tuple(move(name, *params) for name, *params in spec)


# -------------------------------------------------------------------------------------- generators
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
    moons = Arrangement("moons", lambda y, g: moons_picture(y, rng=g), _moves(MOONS_SIGNATURE),
                        ("upper moon", "lower moon"), "two bands either side of the x axis", pullback=True)
    return build(moons, PlanarOptions(n_samples, twists, moves, noise, label_noise, test_fraction), rng=rng)


def make_circles(n_samples: int = 2000, *, classes: int = 2, twists: int = DEFAULT_TWISTS, moves=None,
                 noise: float = 0.0, label_noise: float = 0.0, test_fraction: float = 0.25, rng=None) -> Dataset:
    """Concentric rings, one class per ring (ring j at radius (j+1)/classes): half-rings flattened, cut apart.

    Parameters are those of :func:`make_spirals`, with ``classes`` (2 to 8) the number of rings.
    ``X_*`` has shape (n, 2) within the unit disc (before noise and twists).
    """
    classes = check_int("classes", classes, minimum=2, maximum=8)
    circles = Arrangement("circles", lambda y, g: rings_picture(y, classes, rng=g), _moves(CIRCLES_SIGNATURE),
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
