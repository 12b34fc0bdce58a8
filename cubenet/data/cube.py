"""The colour cube: a real 3×3×3 Rubik's cube whose sticker colours are the classes.

Geometry (a contract): the solved cube fills [-1.5, 1.5]^3 with unit cubies; R is the +x face,
U is +y, F is +z. A face turn rotates every point of its outer slab (x > 0.5 for R) by 90° clockwise
as seen from outside that face, so R carries front stickers to the top, U carries front to left and
F carries top to right. Slice moves follow their face (M like L, E like D, S like F); whole-cube
rotations x, y, z follow R, U, F.
"""

from __future__ import annotations

import re

import numpy as np

from cubenet.data.dataset import Dataset, make_meta, train_test_split, twists_or_moves
from cubenet.data.moves import Move, MoveKind, Notation, apply_moves, register_move, register_notation
from cubenet.validate import check_fraction, check_int, check_number, is_integer

FACES = "URFDLB"  #: class order = facelet order
FACE_NORMALS = {
    "U": (1, +1), "R": (0, +1), "F": (2, +1),
    "D": (1, -1), "L": (0, -1), "B": (2, -1),
}  #: face -> (axis index, sign)
CLASS_NAMES = ("white", "red", "green", "yellow", "orange", "blue")
CLASS_COLORS = ("#ffffff", "#b71234", "#009b48", "#ffd500", "#ff5800", "#0046ad")
#: the random face turns of a cube made without moves (the generator's default, read by the registry)
DEFAULT_TWISTS = 3

# kind -> (axis, sign of the face it follows, slab selector on that axis coordinate)
_TURNS = {
    "R": (0, +1, lambda c: c > 0.5), "L": (0, -1, lambda c: c < -0.5),
    "U": (1, +1, lambda c: c > 0.5), "D": (1, -1, lambda c: c < -0.5),
    "F": (2, +1, lambda c: c > 0.5), "B": (2, -1, lambda c: c < -0.5),
    "M": (0, -1, lambda c: np.abs(c) < 0.5), "E": (1, -1, lambda c: np.abs(c) < 0.5),
    "S": (2, +1, lambda c: np.abs(c) < 0.5),
    "x": (0, +1, None), "y": (1, +1, None), "z": (2, +1, None),
}


def rotation_matrix(axis: int, quarter_turns: int) -> np.ndarray:
    """Integer 3×3 matrix rotating by ``quarter_turns`` × 90° counter-clockwise about +axis."""
    c, s = [(1, 0), (0, 1), (-1, 0), (0, -1)][quarter_turns % 4]
    i, j = [(1, 2), (2, 0), (0, 1)][axis]  # the plane rotated, in right-handed order
    R = np.eye(3)
    R[i, i], R[i, j], R[j, i], R[j, j] = c, -s, s, c
    return R


def turn_matrix(kind: str, turns: int) -> np.ndarray:
    """Rotation of one Singmaster move ``kind`` applied ``turns`` times (clockwise from its face)."""
    axis, sign, _ = _TURNS[kind]
    return rotation_matrix(axis, -sign * turns)


def _apply_turn(kind: str):
    axis, _, selector = _TURNS[kind]

    def apply(X: np.ndarray, params: tuple) -> np.ndarray:
        R = turn_matrix(kind, params[0])
        out = X.copy()
        rows = slice(None) if selector is None else selector(X[:, axis])
        out[rows] = X[rows] @ R.T
        return out

    return apply


def _fmt_turn(kind: str):
    return lambda params: kind + {1: "", 2: "2", 3: "'"}[params[0] % 4]


for _kind in _TURNS:
    register_move(MoveKind(
        name=_kind, dim=3, apply=_apply_turn(_kind), invert=lambda p: ((4 - p[0]) % 4,),
        fmt=_fmt_turn(_kind), doc=f"Singmaster turn {_kind}",
    ))

_SINGMASTER = re.compile(rf"^([{''.join(_TURNS)}])(2'|2|')?$")


def parse_turn(token: str) -> Move | None:
    """A Singmaster token (``R``, ``U'``, ``F2``, ``x``) as a Move of quarter turns, or None for any other token."""
    m = _SINGMASTER.match(token)
    return None if m is None else Move(m.group(1), ({"": 1, "2": 2, "2'": 2, "'": 3}[m.group(2) or ""],))


register_notation(Notation("singmaster", parse_turn, "Singmaster turns (U D L R F B M E S x y z with ' or 2)"))


def random_scramble(twists: int, *, rng=None) -> tuple[Move, ...]:
    """An honest random scramble of ``twists`` face turns.

    Never turns the same face twice in a row and never a third turn on one axis after two
    (``R L R'``), so no twist cancels or merges with another: N twists really are N.
    """
    twists = check_int("twists", twists, minimum=0, maximum=10_000)
    rng = np.random.default_rng(rng)
    moves: list[Move] = []
    for _ in range(twists):
        banned = set()
        if moves:
            banned.add(moves[-1].kind)
            if len(moves) >= 2 and _TURNS[moves[-1].kind][0] == _TURNS[moves[-2].kind][0]:
                banned |= {f for f in "UDLRFB" if _TURNS[f][0] == _TURNS[moves[-1].kind][0]}
        choices = [f for f in "UDLRFB" if f not in banned]
        moves.append(Move(choices[rng.integers(len(choices))], (int(rng.integers(1, 4)),)))
    return tuple(moves)


def sticker_centers() -> tuple[np.ndarray, str]:
    """The 54 sticker centres of the solved cube in URFDLB facelet order, and their face letters.

    Each face is read as in the Kociemba facelet string: rows top to bottom, columns left to
    right, looking at the face from outside with U up (F up for D, B at the far side for U).
    """
    # face -> (normal, right, down) in the viewer's frame of that face
    frames = {
        "U": ((0, 1, 0), (1, 0, 0), (0, 0, 1)),
        "R": ((1, 0, 0), (0, 0, -1), (0, -1, 0)),
        "F": ((0, 0, 1), (1, 0, 0), (0, -1, 0)),
        "D": ((0, -1, 0), (1, 0, 0), (0, 0, -1)),
        "L": ((-1, 0, 0), (0, 0, 1), (0, -1, 0)),
        "B": ((0, 0, -1), (-1, 0, 0), (0, -1, 0)),
    }
    centers = []
    for face in FACES:
        n, r, d = (np.array(v, float) for v in frames[face])
        centers += [1.5 * n + (col - 1) * r + (row - 1) * d for row in range(3) for col in range(3)]
    return np.array(centers), "".join(f * 9 for f in FACES)


def permutation(moves) -> np.ndarray:
    """Sticker permutation of a scramble: ``perm[i]`` is the solved sticker now in slot ``i``."""
    centers, _ = sticker_centers()
    moved = apply_moves(centers, moves)
    slot_of = {tuple(np.round(2 * c).astype(int)): i for i, c in enumerate(centers)}
    perm = np.empty(54, dtype=int)
    for j, c in enumerate(moved):
        perm[slot_of[tuple(np.round(2 * c).astype(int))]] = j
    return perm


def facelets(moves=()) -> str:
    """The 54-character facelet string (URFDLB order, face letters) after a scramble.

    The solved cube is ``UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB``; this is the
    string Kociemba's two-phase solver reads. Whole-cube rotations move the centres too.
    """
    _, letters = sticker_centers()
    return "".join(letters[j] for j in permutation(moves))


def solved_labels(X: np.ndarray) -> np.ndarray:
    """Class of each point of the *solved* cube: the face whose outward axis wins (linear)."""
    scores = np.stack([sign * X[:, axis] for axis, sign in (FACE_NORMALS[f] for f in FACES)], axis=1)
    return scores.argmax(axis=1)


def sample_surface(n_samples: int, *, gap: float = 0.0, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Points uniformly on the solved cube's stickers (class-balanced) and their face labels.

    gap : width of the bare border around every sticker, as a fraction of a cubie's edge (0 <= gap < 1).
        0 covers the whole surface; a real cube's black plastic is about 0.1. With a gap, two faces
        never touch, so the solved cube is separable with a margin.
    """
    rng = np.random.default_rng(rng)
    y = rng.permutation(np.arange(n_samples) % 6)
    X = rng.uniform(-1.5, 1.5, size=(n_samples, 3))
    if gap > 0:  # squeeze each cubie's unit cell into its sticker, keeping the density uniform
        cell = np.clip(np.floor(X + 1.5), 0, 2)
        X = -1.5 + cell + gap / 2 + (1 - gap) * (X + 1.5 - cell)
    axes = np.array([FACE_NORMALS[f][0] for f in FACES])[y]
    signs = np.array([FACE_NORMALS[f][1] for f in FACES])[y]
    X[np.arange(n_samples), axes] = 1.5 * signs
    return X, y


def make_color_cube(
    n_samples: int = 10_000,
    *,
    twists: int = DEFAULT_TWISTS,
    moves=None,
    noise: float = 0.0,
    gap: float = 0.0,
    test_fraction: float = 0.25,
    rng=None,
) -> Dataset:
    """Points on a scrambled Rubik's cube, labelled by sticker colour (6 classes).

    Parameters
    ----------
    n_samples : int
        Total number of points (train + test), spread uniformly over the cube's surface.
    twists : int, default 3
        Length of a random honest scramble (:func:`random_scramble`).
    moves : str or sequence of Move, optional
        An explicit scramble such as ``"R U F'"``, instead of the random twists (giving both is refused,
        unless twists is left at its default).
    noise : float
        Standard deviation of Gaussian jitter added after the moves.
    gap : float
        Bare border around every sticker, as a fraction of a cubie's edge (0 <= gap < 1; a real cube
        has about 0.1). With a gap the colours never touch, so the solved cube is separable with a margin.
    test_fraction : float
        Fraction of points held out for testing.
    rng : None, int or numpy Generator

    Returns
    -------
    Dataset
        ``X_*`` of shape (n, 3), ``y_*`` in 0..5 (classes in URFDLB order). Applying
        ``meta["inverse"]`` to a noise-free X restores the solved, linearly separable cube;
        ``meta["random"]`` is the random part of ``meta["scramble"]`` (all of it, or nothing when moves are given).
    """
    seed = rng if is_integer(rng) else None
    n_samples = check_int("n_samples", n_samples, minimum=12, maximum=10_000_000)
    noise = check_number("noise", noise, minimum=0, maximum=1,
                         advice="the cube's side is 3, and 0.1 already blurs the stickers")
    gap = check_fraction("gap", gap, inclusive_one=False, advice="it is a fraction of a cubie's edge")
    rng = np.random.default_rng(rng)
    scramble_rng, points_rng, noise_rng, split_rng = rng.spawn(4)
    scramble = twists_or_moves(twists, moves, default=DEFAULT_TWISTS, random=lambda k: random_scramble(k, rng=scramble_rng),
                               dim=3, wrong="move {move} is not a cube move")
    X, y = sample_surface(n_samples, gap=gap, rng=points_rng)
    X = apply_moves(X, scramble.moves)
    if noise > 0:
        X = X + noise_rng.normal(scale=noise, size=X.shape)
    meta = make_meta(
        "color-cube", kind="cube", seed=seed,
        params={"n_samples": n_samples, "twists": scramble.twists, "noise": noise, "gap": gap,
                "test_fraction": test_fraction},
        **scramble.meta(), facelets=facelets(scramble.moves), faces=FACES,
    )
    return train_test_split(X, y, test_fraction=test_fraction, class_names=CLASS_NAMES,
                            class_colors=CLASS_COLORS, meta=meta, rng=split_rng)
