"""The scramble every generator records and the one "twists or moves" rule that makes it."""

import pytest

from cubenet.data.cube import random_scramble
from cubenet.data.dataset import Scramble, twists_or_moves
from cubenet.data.moves import parse_scramble
from cubenet.data.registry import GENERATORS, make_dataset
from cubenet.errors import CubenetError

MOVED = [name for name, spec in GENERATORS.items() if any(o.name == "moves" for o in spec.options)]


def rule(twists, moves, default=3, own=()):
    return twists_or_moves(twists, moves, default=default, own=own, random=lambda n: random_scramble(n, rng=0),
                           dim=3, wrong="move {move} is not a cube move")


def test_twists_are_random_moves_after_the_own_ones_and_moves_replace_both():
    own = parse_scramble("x")
    s = rule(4, None, own=own)
    assert s.fixed == own and s.random == random_scramble(4, rng=0) and s.moves == own + s.random and s.twists == 4
    assert rule(None, None).twists == 3  # None is the default
    given = rule(3, "R U'", own=own)     # the default asks for nothing, so moves may come with it
    assert given == Scramble(parse_scramble("R U'"), ())
    assert rule(None, "").moves == ()


@pytest.mark.parametrize("twists, moves, message", [
    (2, "R", "give either twists or moves, not both"),
    (0, "R", "give either twists or moves, not both"),
    (3, "swirl(1.0)", r"move 'swirl\(1.0\)' is not a cube move"),
    (-1, None, "twists must be an integer between 0"),
])
def test_the_rule_refuses(twists, moves, message):
    with pytest.raises(CubenetError, match=message):
        rule(twists, moves)


def test_the_record_is_the_full_list_its_inverse_the_random_part_and_its_count():
    s = Scramble(parse_scramble("R U"), parse_scramble("F2"))
    assert s.meta() == {"scramble": "R U F2", "inverse": "F2 U' R'", "random": "F2", "twists": 1}


@pytest.mark.parametrize("name", MOVED)
def test_every_moved_generator_writes_the_same_record(name):
    """Cube and 2-D sets: the random part ends the scramble, and twists counts it in the record and the params."""
    twisted = make_dataset(name, 120, rng=2, twists=2)
    assert twisted.meta["twists"] == twisted.meta["params"]["twists"] == len(parse_scramble(twisted.meta["random"])) == 2
    assert twisted.meta["scramble"].endswith(twisted.meta["random"])
    default = GENERATORS[name].default(GENERATORS[name].option("twists"))
    given = make_dataset(name, 120, rng=2, moves="", twists=default)
    assert given.meta["scramble"] == given.meta["random"] == "" and given.meta["twists"] == 0
    with pytest.raises(CubenetError, match="give either twists or moves, not both"):
        make_dataset(name, 120, rng=2, moves="", twists=default + 1)
