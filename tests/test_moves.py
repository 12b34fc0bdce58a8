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
