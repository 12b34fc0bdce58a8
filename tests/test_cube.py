"""The colour cube: move geometry, group facts, facelets and the point-cloud dataset."""

import numpy as np
import pytest

from cubenet.data.cube import (
    FACES,
    facelets,
    make_color_cube,
    permutation,
    random_scramble,
    solved_labels,
    sticker_centers,
)
from cubenet.data.moves import apply_moves, format_scramble, invert, parse_scramble
from cubenet.errors import CubenetError

SOLVED = "UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB"
ALL_MOVES = [f + s for f in "UDLRFBMESxyz" for s in ("", "'", "2")]


def order(seq: str) -> int:
    """Smallest k > 0 with seq^k = identity, from the sticker permutation (debug cube)."""
    perm = permutation(seq)
    state = np.arange(54)
    for k in range(1, 2000):
        state = state[perm]
        if np.array_equal(state, np.arange(54)):
            return k
    raise AssertionError("no order found")


def test_debug_cube_pins_each_face_turn():
    """Every sticker distinct: the whole permutation of R, U and F is visible in one assertion each."""
    centers, letters = sticker_centers()
    assert len({tuple(c) for c in centers}) == 54 and letters == SOLVED
    # R: U's right column <- F's right column, F's <- D's, D's <- B's left column (reversed), B's <- U's
    assert facelets("R") == "UUFUUFUUFRRRRRRRRRFFDFFDFFDDDBDDBDDBLLLLLLLLLUBBUBBUBB"
    assert facelets("U") == "UUUUUUUUUBBBRRRRRRRRRFFFFFFDDDDDDDDDFFFLLLLLLLLLBBBBBB"
    assert facelets("F") == "UUUUUULLLURRURRURRFFFFFFFFFRRRDDDDDDLLDLLDLLDBBBBBBBBB"
    perm = permutation("R")
    assert sorted(perm) == list(range(54))
    assert (perm != np.arange(54)).sum() == 20  # 12 side stickers + 8 moving on the R face


#: every sticker of the debug cube named by its solved slot (face letter, 1-9 in facelet order); after one
#: move, each face reads its nine slots in order. Derived once from the geometry contract with scipy's
#: rotations (not cubenet's) and checked against the textbook: D carries F's bottom row to R, L carries U's
#: left column to F, B carries R's right column to U, M follows L, E follows D, S follows F, x follows R,
#: y follows U, z follows F; a face turned clockwise from outside puts slot 7 in slot 1.
DEBUG_PINS = {
    "R": ("U1U2F3U4U5F6U7U8F9", "R7R4R1R8R5R2R9R6R3", "F1F2D3F4F5D6F7F8D9",
          "D1D2B7D4D5B4D7D8B1", "L1L2L3L4L5L6L7L8L9", "U9B2B3U6B5B6U3B8B9"),
    "U": ("U7U4U1U8U5U2U9U6U3", "B1B2B3R4R5R6R7R8R9", "R1R2R3F4F5F6F7F8F9",
          "D1D2D3D4D5D6D7D8D9", "F1F2F3L4L5L6L7L8L9", "L1L2L3B4B5B6B7B8B9"),
    "F": ("U1U2U3U4U5U6L9L6L3", "U7R2R3U8R5R6U9R8R9", "F7F4F1F8F5F2F9F6F3",
          "R7R4R1D4D5D6D7D8D9", "L1L2D1L4L5D2L7L8D3", "B1B2B3B4B5B6B7B8B9"),
    "D": ("U1U2U3U4U5U6U7U8U9", "R1R2R3R4R5R6F7F8F9", "F1F2F3F4F5F6L7L8L9",
          "D7D4D1D8D5D2D9D6D3", "L1L2L3L4L5L6B7B8B9", "B1B2B3B4B5B6R7R8R9"),
    "L": ("B9U2U3B6U5U6B3U8U9", "R1R2R3R4R5R6R7R8R9", "U1F2F3U4F5F6U7F8F9",
          "F1D2D3F4D5D6F7D8D9", "L7L4L1L8L5L2L9L6L3", "B1B2D7B4B5D4B7B8D1"),
    "B": ("R3R6R9U4U5U6U7U8U9", "R1R2D9R4R5D8R7R8D7", "F1F2F3F4F5F6F7F8F9",
          "D1D2D3D4D5D6L1L4L7", "U3L2L3U2L5L6U1L8L9", "B7B4B1B8B5B2B9B6B3"),
    "M": ("U1B8U3U4B5U6U7B2U9", "R1R2R3R4R5R6R7R8R9", "F1U2F3F4U5F6F7U8F9",
          "D1F2D3D4F5D6D7F8D9", "L1L2L3L4L5L6L7L8L9", "B1D8B3B4D5B6B7D2B9"),
    "E": ("U1U2U3U4U5U6U7U8U9", "R1R2R3F4F5F6R7R8R9", "F1F2F3L4L5L6F7F8F9",
          "D1D2D3D4D5D6D7D8D9", "L1L2L3B4B5B6L7L8L9", "B1B2B3R4R5R6B7B8B9"),
    "S": ("U1U2U3L8L5L2U7U8U9", "R1U4R3R4U5R6R7U6R9", "F1F2F3F4F5F6F7F8F9",
          "D1D2D3R8R5R2D7D8D9", "L1D4L3L4D5L6L7D6L9", "B1B2B3B4B5B6B7B8B9"),
    "x": ("F1F2F3F4F5F6F7F8F9", "R7R4R1R8R5R2R9R6R3", "D1D2D3D4D5D6D7D8D9",
          "B9B8B7B6B5B4B3B2B1", "L3L6L9L2L5L8L1L4L7", "U9U8U7U6U5U4U3U2U1"),
    "y": ("U7U4U1U8U5U2U9U6U3", "B1B2B3B4B5B6B7B8B9", "R1R2R3R4R5R6R7R8R9",
          "D3D6D9D2D5D8D1D4D7", "F1F2F3F4F5F6F7F8F9", "L1L2L3L4L5L6L7L8L9"),
    "z": ("L7L4L1L8L5L2L9L6L3", "U7U4U1U8U5U2U9U6U3", "F7F4F1F8F5F2F9F6F3",
          "R7R4R1R8R5R2R9R6R3", "D7D4D1D8D5D2D9D6D3", "B3B6B9B2B5B8B1B4B7"),
}


def debug_cube(moves) -> tuple[str, ...]:
    """The debug cube after ``moves``: six faces, each its nine stickers' names (``U1`` … ``B9``)."""
    names = [f"{face}{k}" for face in FACES for k in range(1, 10)]
    after = [names[j] for j in permutation(moves)]
    return tuple("".join(after[9 * f: 9 * f + 9]) for f in range(6))


@pytest.mark.parametrize("move", list(DEBUG_PINS))
def test_debug_cube_pins_every_face_slice_and_rotation(move):
    """The whole permutation of each move, its own face's stickers included (a face turned the wrong way,
    a slice following the wrong face or a rotation about the wrong axis changes this string)."""
    assert debug_cube(move) == DEBUG_PINS[move]
    assert debug_cube(move + "'") != DEBUG_PINS[move] and debug_cube(f"{move} {move} {move}") == debug_cube(move + "'")


def test_contract_geometry_directions():
    """R carries front to top, U carries front to left, F carries top to right."""
    front, top = np.array([[1.0, 0.0, 1.5]]), np.array([[1.0, 1.5, 0.0]])
    assert np.allclose(apply_moves(front, "R"), [[1.0, 1.5, 0.0]])
    assert np.allclose(apply_moves(np.array([[0.0, 1.0, 1.5]]), "U"), [[-1.5, 1.0, 0.0]])
    assert np.allclose(apply_moves(np.array([[0.0, 1.5, 1.0]]), "F"), [[1.5, 0.0, 1.0]])
    assert np.allclose(apply_moves(top, "R'"), [[1.0, 0.0, 1.5]])  # and R' undoes it


@pytest.mark.parametrize("move", ALL_MOVES)
def test_every_move_to_the_fourth_is_identity(move):
    assert facelets(" ".join([move] * 4)) == SOLVED
    assert order(move) in (1, 2, 4) and (order(move) == 2) == move.endswith("2")


def test_random_sequence_then_inverse_is_identity():
    rng = np.random.default_rng(7)
    for _ in range(20):
        seq = " ".join(rng.choice(ALL_MOVES, size=rng.integers(1, 25)))
        assert facelets(seq + " " + format_scramble(invert(seq))) == SOLVED
        pts = rng.uniform(-1.5, 1.5, size=(50, 3))
        assert np.allclose(apply_moves(apply_moves(pts, seq), invert(seq)), pts)


def test_group_orders():
    assert order("R U") == 105
    assert order("R U R' U'") == 6
    assert order("R2 U2") == 6


def test_known_scramble_facelets():
    # the checkerboard pattern, and a whole-cube rotation
    assert facelets("R2 L2 U2 D2 F2 B2") == (
        "UDUDUDUDURLRLRLRLRFBFBFBFBFDUDUDUDUDLRLRLRLRLBFBFBFBFB"
    )
    assert facelets("M2 E2 S2") == facelets("R2 L2 U2 D2 F2 B2")  # the slice checkerboard
    assert facelets("x") == "FFFFFFFFFRRRRRRRRRDDDDDDDDDBBBBBBBBBLLLLLLLLLUUUUUUUUU"


@pytest.mark.parametrize("twists", [0, 1, 5, 30])
def test_random_scramble_is_honest(twists):
    moves = random_scramble(twists, rng=3)
    assert len(moves) == twists
    axis = {f: a for a, group in enumerate(("RL", "UD", "FB")) for f in group}
    for a, b in zip(moves, moves[1:]):
        assert a.kind != b.kind
    for a, b, c in zip(moves, moves[1:], moves[2:]):
        assert not (axis[a.kind] == axis[b.kind] == axis[c.kind])
    assert all(m.params[0] in (1, 2, 3) for m in moves)


def test_random_scramble_rejects_bad_counts():
    with pytest.raises(CubenetError, match="twists must be an integer between 0 and 10,000, got -1"):
        random_scramble(-1)
    with pytest.raises(CubenetError, match="twists must be an integer"):
        random_scramble(2.5)


def test_color_cube_dataset_shapes_and_meta():
    ds = make_color_cube(1200, twists=4, rng=0)
    assert ds.X_train.shape == (900, 3) and ds.X_test.shape == (300, 3)
    assert ds.n_classes == 6 and ds.class_names[0] == "white" and ds.class_colors[0] == "#ffffff"
    assert set(np.unique(ds.y_train)) == set(range(6))
    assert np.bincount(ds.y, minlength=6).tolist() == [200] * 6
    assert np.allclose(np.abs(ds.X).max(axis=1), 1.5)  # every point on the surface
    meta = ds.meta
    assert meta["generator"] == "color-cube" and meta["seed"] == 0 and meta["faces"] == FACES
    assert len(parse_scramble(meta["scramble"])) == 4
    assert meta["inverse"] == format_scramble(invert(meta["scramble"]))
    assert meta["facelets"] == facelets(meta["scramble"])


def test_inverse_scramble_restores_linear_separability():
    ds = make_color_cube(3000, twists=8, rng=1)
    scrambled_acc = (solved_labels(ds.X_train) == ds.y_train).mean()
    X = apply_moves(ds.X_train, ds.meta["inverse"])
    assert scrambled_acc < 0.8  # the scramble really mixes the colours
    assert (solved_labels(X) == ds.y_train).all()  # the solved cube: argmax of a linear map


def test_explicit_moves_and_noise():
    ds = make_color_cube(600, moves="R U", noise=0.05, rng=2)
    assert ds.meta["scramble"] == "R U" and ds.meta["inverse"] == "U' R'"
    assert not np.allclose(np.abs(ds.X).max(axis=1), 1.5)
    with pytest.raises(CubenetError, match="either twists or moves"):
        make_color_cube(600, twists=2, moves="R")
    with pytest.raises(CubenetError, match="noise must be"):
        make_color_cube(600, noise=-1)
    with pytest.raises(CubenetError, match="n_samples must be an integer between 12 and"):
        make_color_cube(5)



def test_sticker_gaps_keep_every_point_on_a_sticker_through_the_scramble():
    def borders(ds):
        """Each point's distance to the nearest edge of its sticker cell, after undoing the scramble."""
        X = apply_moves(ds.X, ds.meta["inverse"])
        assert (solved_labels(X) == ds.y).all()  # solved again
        along = np.where(np.isclose(np.abs(X), 1.5), np.inf, np.abs((X + 1.5) - np.round(X + 1.5)))
        return along.min(axis=1)

    gap = 0.2
    ds = make_color_cube(3000, moves="R U F'", gap=gap, rng=4)
    assert ds.meta["params"]["gap"] == gap
    assert borders(ds).min() >= gap / 2 - 1e-9  # the bare border stays bare through the twists
    assert borders(make_color_cube(3000, moves="R U F'", rng=4)).min() < 0.01  # without a gap: edge to edge
    with pytest.raises(CubenetError, match=r"gap must be a fraction in \[0, 1\), got 1.0; it is a fraction of a cubie"):
        make_color_cube(600, gap=1.0)


def test_same_seed_same_arrays_different_seed_differs():
    a, b, c = (make_color_cube(500, twists=5, rng=s) for s in (11, 11, 12))
    for name in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert a.meta == b.meta
    assert not np.array_equal(a.X_train, c.X_train)
