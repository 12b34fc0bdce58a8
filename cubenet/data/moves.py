"""Invertible geometric moves, their notation, and scrambles (ordered lists of moves).

A move is a frozen record ``Move(kind, params)``. Its *kind* knows how to apply it to points,
how to invert its parameters and how to print it. A scramble is a tuple of moves; it prints as one
string and parses back exactly. This module knows no family of moves: each family registers its
kinds (:func:`register_move`) and the way its tokens are written (:func:`register_notation`) when it
is imported, and ``cubenet.data`` imports every family. A family whose kinds take arguments can
write them the generic way, ``name(p1,p2,…)``, read by :func:`parse_parametric` and each kind's ``parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from cubenet.errors import CubenetError


@dataclass(frozen=True)
class MoveKind:
    """How one kind of move acts.

    apply : (X, params) -> new X, for points of shape (n, dim); must not modify X.
    invert : params -> params of the inverse move.
    fmt : params -> notation token.
    parse : list of argument strings -> params (parametric kinds only).
    """

    name: str
    dim: int
    apply: Callable[[np.ndarray, tuple], np.ndarray]
    invert: Callable[[tuple], tuple]
    fmt: Callable[[tuple], str]
    parse: Callable[[list[str]], tuple] | None = None
    doc: str = ""


@dataclass(frozen=True)
class Move:
    """One invertible move: a kind name and its parameters."""

    kind: str
    params: tuple = ()

    @property
    def spec(self) -> MoveKind:
        if self.kind not in MOVE_KINDS:
            raise CubenetError(f"unknown move kind {self.kind!r}; known: {', '.join(sorted(MOVE_KINDS))}")
        return MOVE_KINDS[self.kind]

    def __str__(self) -> str:
        return self.spec.fmt(self.params)

    def inverse(self) -> "Move":
        return Move(self.kind, self.spec.invert(self.params))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.spec.apply(X, self.params)


@dataclass(frozen=True)
class Notation:
    """How one family writes its moves as tokens.

    parse : token -> Move, or None when the token is not written in this notation.
    advice : how to write such moves, for the message about a token no notation reads.
    """

    name: str
    parse: Callable[[str], "Move | None"]
    advice: str


MOVE_KINDS: dict[str, MoveKind] = {}
NOTATIONS: dict[str, Notation] = {}
_PARAMETRIC = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\((.*)\)$")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\([^)]*\)|\S+")


def register_move(kind: MoveKind) -> MoveKind:
    """Add a move kind to the registry (names are unique)."""
    if kind.name in MOVE_KINDS and MOVE_KINDS[kind.name] is not kind:
        raise ValueError(f"move kind {kind.name!r} is already registered")
    MOVE_KINDS[kind.name] = kind
    return kind


def register_notation(notation: Notation) -> Notation:
    """Add a family's notation; tokens are offered to the notations in the order they were registered."""
    if notation.name in NOTATIONS and NOTATIONS[notation.name] is not notation:
        raise ValueError(f"notation {notation.name!r} is already registered")
    NOTATIONS[notation.name] = notation
    return notation


def parse_parametric(token: str) -> Move | None:
    """``name(p1,p2,…)`` for a registered kind with a ``parse``; None for any other token."""
    m = _PARAMETRIC.match(token)
    if not (m and m.group(1) in MOVE_KINDS and MOVE_KINDS[m.group(1)].parse is not None):
        return None
    args = [a.strip() for a in m.group(2).split(",")] if m.group(2).strip() else []
    return Move(m.group(1), MOVE_KINDS[m.group(1)].parse(args))


#: the largest magnitude of a move's numeric argument (angles in degrees, radii, shears, …)
MAX_ARGUMENT = 1000


def parse_float(text: str) -> float:
    """Parse one numeric move argument."""
    try:
        value = float(text)
    except ValueError:
        raise CubenetError(f"move argument {text!r} is not a number") from None
    if not np.isfinite(value):
        raise CubenetError(f"move argument {text!r} must be finite")
    if abs(value) > MAX_ARGUMENT:
        raise CubenetError(f"move argument {text!r} must be between -{MAX_ARGUMENT:,} and {MAX_ARGUMENT:,} "
                           "(larger moves throw points so far that no network can be trained on them)")
    return value


def parse_move(token: str, position: int = 1, text: str | None = None) -> Move:
    """Parse one notation token (``R'``, ``F2``, ``swirl(1.5)``) into a Move."""
    where = f" at position {position}" + (f" in {text!r}" if text is not None else "")
    for notation in NOTATIONS.values():
        try:
            move = notation.parse(token)
        except CubenetError as exc:
            raise CubenetError(f"bad move {token!r}{where}: {exc}") from None
        if move is not None:
            return move
    advice = " or ".join(n.advice for n in NOTATIONS.values()) or "no family of moves is loaded"
    raise CubenetError(f"bad move token {token!r}{where}; use {advice}")


def parse_scramble(text: str) -> tuple[Move, ...]:
    """Parse a scramble string such as ``"R U' F2"`` into a tuple of moves."""
    if not isinstance(text, str):
        raise CubenetError(f"a scramble must be a string of moves, got {type(text).__name__}")
    tokens = _TOKEN.findall(text)
    return tuple(parse_move(tok, i + 1, text) for i, tok in enumerate(tokens))


def as_moves(moves: str | Sequence[Move]) -> tuple[Move, ...]:
    """Accept a scramble string or a sequence of Move records."""
    if isinstance(moves, str):
        return parse_scramble(moves)
    out = tuple(moves)
    for m in out:
        if not isinstance(m, Move):
            raise CubenetError(f"expected Move records or a scramble string, got {m!r}")
    return out


def format_scramble(moves: str | Sequence[Move]) -> str:
    """Print a scramble as one string; ``parse_scramble`` reads it back."""
    return " ".join(str(m) for m in as_moves(moves))


def invert(moves: str | Sequence[Move]) -> tuple[Move, ...]:
    """The inverse scramble: the reversed list of inverse moves."""
    return tuple(m.inverse() for m in reversed(as_moves(moves)))


def apply_moves(X, moves: str | Sequence[Move]) -> np.ndarray:
    """Apply a scramble (string or moves) to points ``X`` of shape (n, d); returns a new array.

    Parameters
    ----------
    X : array_like of shape (n_samples, d)
        Points; d must match the moves (3 for cube turns, 2 for planar moves).
    moves : str or sequence of Move
        The scramble, e.g. ``"R U' F2"`` or ``"swirl(2.0) shear(0.5)"``.
    """
    X = np.array(X, dtype=float, copy=True)
    if X.ndim != 2:
        raise CubenetError(f"points must have shape (n_samples, d), got shape {X.shape}")
    for move in as_moves(moves):
        dim = move.spec.dim
        if X.shape[1] != dim:
            raise CubenetError(f"move {str(move)!r} acts on {dim}-D points but the points are {X.shape[1]}-D")
        X = move(X)
    return X
