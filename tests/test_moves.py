"""Scramble notation: parsing, printing, inverting and applying moves."""

import re

import numpy as np
import pytest

from cubenet.data.moves import Move, apply_moves, format_scramble, invert, parse_scramble
from cubenet.errors import CubenetError


def test_parse_and_format_round_trip():
    text = "R U' F2 L D' B M E2 S' x y' z2"
    moves = parse_scramble(text)
    assert len(moves) == 12
    assert format_scramble(moves) == text
    assert moves[1] == Move("U", (3,))


def test_whitespace_is_flexible():
    assert format_scramble("  R\tU'\n F2 ") == "R U' F2"
    assert parse_scramble("") == ()


def test_inverse_is_reversed_list_of_inverses():
    assert format_scramble(invert("R U' F2")) == "F2 U R'"
    assert format_scramble(invert(invert("R U' F2 M x"))) == "R U' F2 M x"


@pytest.mark.parametrize("text, token, position", [
    ("R Q", "Q", 2), ("R2 U3", "U3", 2), ("r", "r", 1), ("R U ''", "''", 3), ("F'' R", "F''", 1),
])
def test_bad_token_is_quoted_with_position(text, token, position):
    with pytest.raises(CubenetError, match=re.escape(f"bad move token {token!r} at position {position}")):
        parse_scramble(text)


def test_apply_moves_checks_dimensions():
    with pytest.raises(CubenetError, match="acts on 3-D points but the points are 2-D"):
        apply_moves(np.zeros((4, 2)), "R")
    with pytest.raises(CubenetError, match="shape"):
        apply_moves(np.zeros(4), "R")


def test_apply_moves_does_not_modify_input():
    X = np.array([[1.0, 1.5, 1.0]])
    before = X.copy()
    out = apply_moves(X, "R")
    assert np.array_equal(X, before)
    assert not np.array_equal(out, before)


def test_the_generic_layer_knows_no_family():
    """moves.py names no family and no family's notation: cube and planar register theirs when imported."""
    from pathlib import Path

    import cubenet.data.moves as moves

    source = Path(moves.__file__).read_text(encoding="utf-8")
    assert "cubenet.data.cube" not in source and "cubenet.data.planar" not in source and "importlib" not in source
    assert "UDLRFB" not in source and "Singmaster" not in source  # examples in docstrings are fine
    assert list(moves.NOTATIONS) == ["singmaster", "planar"]  # both registered by importing cubenet.data


def test_a_new_family_registers_its_kinds_and_notation(monkeypatch):
    """A 1-D family: 'T3' moves points by +3, written as T and a number; nothing in moves.py changes."""
    import re as regex

    from cubenet.data import moves

    kind = moves.MoveKind(name="T", dim=1, apply=lambda X, p: X + p[0], invert=lambda p: (-p[0],),
                          fmt=lambda p: f"T{p[0]:g}")
    monkeypatch.setitem(moves.MOVE_KINDS, "T", kind)
    token = regex.compile(r"T(-?\d+)$")
    monkeypatch.setitem(moves.NOTATIONS, "toy", moves.Notation(
        "toy", lambda t: Move("T", (int(m[1]),)) if (m := token.match(t)) else None, "T and a whole number"))
    assert format_scramble(invert("T3 T-1")) == "T1 T-3"
    assert apply_moves([[0.0]], "T3 T-1")[0, 0] == 2.0
    with pytest.raises(CubenetError, match="or T and a whole number$"):
        parse_scramble("T3 Q")
