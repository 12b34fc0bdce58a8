"""The moves of the plane: named, exactly invertible bijections, registered as the "planar" family of moves.

Each is printed ``name(p1,p2,…)`` and parsed back (``"swirl(3.0) disc(0.1,0.2,0.5,90.0)"``). Adding a 2-D move is
one entry in :data:`PLANAR_MOVES`: its map, its inverse's parameters, its argument names, a check and a line
of description; the registration below makes it parseable, printable and listed.

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
"""

from __future__ import annotations

import numpy as np

from cubenet.data.moves import Move, MoveKind, Notation, parse_float, parse_parametric, register_move, register_notation
from cubenet.errors import CubenetError
from cubenet.validate import check_int

#: disc and ring twists fade out over this fraction of their radius / width
FALLOFF = 0.5


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
