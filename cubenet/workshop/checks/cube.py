"""Checks of the cube-move puzzles: exact sticker states on a debug cube whose 54 stickers are all different."""

from __future__ import annotations

import math
import string

import numpy as np

from cubenet.data.cube import permutation, random_scramble, turn_matrix
from cubenet.data.moves import format_scramble
from cubenet.workshop.checks import puzzle_check
from cubenet.workshop.checks.base import Fail, Passed, count, expect_array, expect_finite, expect_int, expect_str
from cubenet.workshop.guard import one_turn_only

FACE_TURNS = tuple(f + s for f in "UDLRFB" for s in ("", "'", "2"))
SOLVED = "".join(f * 9 for f in "URFDLB")
#: a cube whose 54 stickers are all different, so every sticker's place is visible
DEBUG = (string.ascii_letters + string.digits)[:54]
IDENTITY = np.arange(54)


def perm(scramble: str) -> np.ndarray:
    """Sticker permutation of a scramble (``cubenet.data.cube.permutation``)."""
    return permutation(scramble)


def state_after(state: str, scramble: str) -> str:
    return "".join(state[i] for i in perm(scramble))


def random_scrambles(lengths, seeds) -> list[str]:
    return [format_scramble(random_scramble(n, rng=1000 * n + s)) for n in lengths for s in seeds]


def tokens(text: str) -> list[str]:
    return text.split()


def sticker_name(i: int) -> str:
    return f"sticker {i} ({'URFDLB'[i // 9]} face, row {(i % 9) // 3 + 1}, column {i % 3 + 1})"


def grouped(state: str) -> str:
    """A 54-sticker state as six groups of nine, one per face, for messages."""
    return " ".join(state[k: k + 9] for k in range(0, len(state), 9))


def parse_answer(text: str, what: str) -> list[str]:
    """A returned scramble: a string of face turns (U D L R F B with ' or 2)."""
    expect_str(text, what)
    toks = tokens(text)
    for t in toks:
        if t not in FACE_TURNS:
            raise Fail(f"{what} is {text!r}, whose turn {t!r} is not a face turn; use U D L R F B, each optionally "
                       f"followed by ' or 2 (e.g. \"R U' F2\"), separated by spaces.")
    return toks


def flip(token: str) -> str:
    """The inverse of one face turn."""
    return token[0] + {"": "'", "'": "", "2": "2"}[token[1:]]


# ---------------------------------------------------------------- apply a scramble

@puzzle_check(
    "apply-scramble",
    expects={"apply_scramble": "a function apply_scramble(state: str, scramble: str) -> str"},
    forbid_calls={
        "cubenet.data.cube.facelets": "it computes the whole answer; apply the turns one at a time",
        "cubenet.data.cube.permutation": one_turn_only,
    },
)
def check_apply_scramble(learner, ctx):
    cases = [(SOLVED, ""), (SOLVED, "R"), (DEBUG, "U"), (DEBUG, "R'"), (DEBUG, "F2"), (DEBUG, "R U"),
             (DEBUG, "R U R' U'")] + [(DEBUG, s) for s in random_scrambles((3, 6, 10), (0, 1, 2))]
    for state, scramble in cases:
        call = f"apply_scramble(state, {scramble!r})"
        yours = expect_str(learner.call("apply_scramble", state, scramble, shown=call), call)
        if len(yours) != 54:
            raise Fail(f"{call} returned {len(yours)} characters; a cube state has 54 stickers.", kind="shape")
        target = state_after(state, scramble)
        if yours != target:
            first = next(i for i in range(54) if yours[i] != target[i])
            raise Fail(
                f"{call} is wrong at {sticker_name(first)}.{_apply_diagnosis(yours, state, scramble)}",
                details=(f"state    {grouped(state)}", f"yours    {grouped(yours)}", f"expected {grouped(target)}"))
    return Passed(f"all {len(cases)} scrambles land on exactly the right stickers")


def _apply_diagnosis(yours: str, state: str, scramble: str) -> str:
    toks = tokens(scramble)
    if toks and yours == state:
        return " Nothing moved: the state came back unchanged."
    if len(toks) > 1 and yours == state_after(state, " ".join(reversed(toks))):
        return " You applied the turns in reverse order: the first turn acts first."
    if yours == state_after(state, " ".join(flip(t) for t in toks)):
        return " Your turns go the wrong way round (R' for R, or R for R'); remember new[i] = old[perm[i]]."
    return ""


# ---------------------------------------------------------------- undo a scramble

@puzzle_check(
    "undo-it",
    expects={"inverse": "a function inverse(scramble: str) -> str"},
    forbid_calls={
        "cubenet.data.moves.invert": "it is the answer itself",
        "cubenet.data.moves.Move.inverse": "it flips a turn for you; that is half the puzzle",
    },
)
def check_inverse(learner, ctx):
    cases = ["", "R", "U'", "F2", "R U", "R U R' U'", "F2 B' L"] + random_scrambles((5, 12), (0, 1, 2))
    for scramble in cases:
        call = f"inverse({scramble!r})"
        answer = learner.call("inverse", scramble, shown=call)
        toks = parse_answer(answer, call)
        n = len(tokens(scramble))
        if len(toks) != n:
            raise Fail(f"{call} returned {answer!r} with {count(len(toks), 'turn')}; the inverse of "
                       f"{count(n, 'turn')} has {count(n, 'turn')}.")
        if not np.array_equal(perm(f"{scramble} {answer}"), IDENTITY):
            raise Fail(f"{call} returned {answer!r}, but {scramble!r} followed by it does not give the solved cube."
                       f"{_inverse_diagnosis(toks, tokens(scramble))}")
    return Passed(f"all {len(cases)} scrambles are undone exactly")


def _inverse_diagnosis(yours: list[str], toks: list[str]) -> str:
    if yours == toks:
        return " That is the scramble itself: flip every turn (R -> R') and undo the last turn first."
    if yours == toks[::-1]:
        return " You reversed the order but did not flip each turn (R must become R', R' must become R)."
    if yours == [flip(t) for t in toks]:
        return " You flipped each turn but kept the order: undo the LAST turn first."
    return ""


# ---------------------------------------------------------------- a twist as a 3x3 rotation

@puzzle_check(
    "twist-matrix",
    expects={"rotation": "a function rotation(move: str) -> ndarray of shape (3, 3), dtype float64"},
    forbid_calls={
        "cubenet.data.cube.turn_matrix": "it is the answer itself",
        "cubenet.data.cube.rotation_matrix": "it is the answer itself",
    },
)
def check_rotation(learner, ctx):
    for move in ("R", "U", "F", "L", "D", "B", "R'", "U2", "F'", "L2", "D'", "B2"):
        call = f"rotation({move!r})"
        M = expect_array(learner.call("rotation", move, shown=call), call, shape=(3, 3), dtype=np.float64)
        expect_finite(M, call)
        T = turn_matrix(move[0], {"": 1, "'": 3, "2": 2}[move[1:]])
        if not np.allclose(M, T, atol=1e-9):
            e = next(v for v in np.eye(3) if not np.allclose(M @ v, T @ v, atol=1e-9))
            hint = (" That is the inverse turn: clockwise is seen from outside the turning face."
                    if np.allclose(M, T.T, atol=1e-9) else "")
            raise Fail(f"{call} sends the direction {_vec(e)} to {_vec(M @ e)}, but the {move} turn carries it to "
                       f"{_vec(T @ e)}.{hint}", details=("the new point is M @ p (p a column vector)",))
    return Passed("all 12 turns are the right rotations")


def _vec(v) -> str:
    return "(" + ", ".join(f"{x:g}" for x in np.round(v, 6) + 0.0) + ")"


# ---------------------------------------------------------------- a twist as a 54x54 permutation

@puzzle_check(
    "sticker-permutation",
    expects={"permutation_matrix":
             "a function permutation_matrix(scramble: str) -> ndarray of shape (54, 54), dtype float64"},
    forbid_calls={
        "cubenet.data.cube.permutation": "it is the answer itself; find where each sticker goes with sticker_centers()",
        "cubenet.data.cube.facelets": "find where each sticker goes with sticker_centers() instead",
    },
)
def check_permutation_matrix(learner, ctx):
    codes = np.arange(54, dtype=float)
    cases = ["R", "U", "F", "L", "D", "B", "R'", "U2", "R U", "R U R' U'", *random_scrambles((4,), (0,))]
    for scramble in cases:
        call = f"permutation_matrix({scramble!r})"
        P = expect_array(learner.call("permutation_matrix", scramble, shown=call), call, shape=(54, 54),
                         dtype=np.float64)
        if not (np.isin(P, (0.0, 1.0)).all() and (P.sum(0) == 1).all() and (P.sum(1) == 1).all()):
            raise Fail(f"{call} is not a permutation matrix: every row and every column needs exactly one 1, "
                       f"everything else 0.")
        target = perm(scramble)
        if not np.array_equal(P @ codes, codes[target]):
            raise Fail(f"{call} moves the stickers wrongly: (P @ state)[i] should be the sticker that lands in "
                       f"slot i.{_matrix_diagnosis(P, scramble)}")
    return Passed(f"all {len(cases)} matrices move every sticker to the right slot")


def _matrix_diagnosis(P: np.ndarray, scramble: str) -> str:
    codes = np.arange(54, dtype=float)
    if np.array_equal(P.T @ codes, codes[perm(scramble)]):
        return " Yours is the transpose: it sends stickers the other way round (that is the inverse turn)."
    toks = tokens(scramble)
    if len(toks) > 1 and np.array_equal(P @ codes, codes[perm(" ".join(reversed(toks)))]):
        return " For a sequence the first turn acts first: P('R U') = P('U') @ P('R')."
    return ""


# ---------------------------------------------------------------- the order of a sequence

def true_order(scramble: str) -> int:
    """Smallest k > 0 with scramble^k = identity: the lcm of the permutation's cycle lengths."""
    p = perm(scramble)
    seen = np.zeros(54, dtype=bool)
    order = 1
    for i in range(54):
        length, j = 0, i
        while not seen[j]:
            seen[j] = True
            j = p[j]
            length += 1
        if length:
            order = math.lcm(order, length)
    return order


@puzzle_check("order-of-ru", expects={"order": "a function order(scramble: str) -> int"})
def check_order(learner, ctx):
    cases = ["R", "R2", "", "R U", "R U R' U'", "R U2 D' B D'", "F2 U", "R U'"] + random_scrambles((3, 5), (0, 1))
    for scramble in cases:
        call = f"order({scramble!r})"
        yours = expect_int(learner.call("order", scramble, shown=call), call)
        target = true_order(scramble)
        if yours != target:
            extra = " (the empty sequence is already home after one repetition)" if scramble == "" else ""
            raise Fail(f"{call} returned {yours}; repeating {scramble!r} brings the cube back first after "
                       f"{target} repetitions{extra}.")
    return Passed(f"all {len(cases)} orders are right (R U: 105, R U2 D' B D': 1260)")


# ---------------------------------------------------------------- an honest scrambler

AXIS = {"R": 0, "L": 0, "U": 1, "D": 1, "F": 2, "B": 2}


def honesty_problem(toks: list[str]) -> str | None:
    """Why a list of face turns is not honest (some turns cancel or merge), or None."""
    for i in range(1, len(toks)):
        if toks[i][0] == toks[i - 1][0]:
            return (f"turns {i} and {i + 1} ({toks[i - 1]} {toks[i]}) turn the same face, so they merge into one "
                    f"(or cancel)")
        if i >= 2 and AXIS[toks[i][0]] == AXIS[toks[i - 1][0]] == AXIS[toks[i - 2][0]]:
            return (f"turns {i - 1} to {i + 1} ({' '.join(toks[i - 2: i + 1])}) are all on one axis; opposite faces "
                    f"commute, so the first and last merge")
    return None


@puzzle_check(
    "honest-scrambler",
    expects={"scramble": "a function scramble(n: int, *, rng=None) -> str"},
    forbid_calls={"cubenet.data.cube.random_scramble": "it is the answer itself"},
)
def check_scrambler(learner, ctx):
    def run(n, rng):
        call = f"scramble({n}, rng={rng if not isinstance(rng, np.random.Generator) else 'Generator'})"
        toks = parse_answer(learner.call("scramble", n, rng=rng, shown=call), call)
        if len(toks) != n:
            raise Fail(f"{call} has {len(toks)} turns; it should have exactly {n}.")
        return call, toks

    for n in (0, 1, 2, 3, 8, 40, 300):
        for seed in (0, 1, 2):
            call, toks = run(n, seed)
            problem = honesty_problem(toks)
            if problem:
                raise Fail(f"{call} is not honest: {problem}. An honest n-twist scramble really has n twists.")
    if run(25, 7)[1] != run(25, 7)[1]:
        raise Fail("scramble(25, rng=7) gave different results on two calls; the same seed must give the same "
                   "scramble (use np.random.default_rng(rng) and draw everything from it).")
    gen = np.random.default_rng(3)
    if run(25, gen)[1] == run(25, gen)[1]:
        raise Fail("two calls with the same Generator gave the same scramble: draw from the generator you are given.")
    if len({" ".join(run(25, s)[1]) for s in range(10)}) < 9:
        raise Fail("scramble(25, rng=s) for s = 0..9 gives repeated scrambles; different seeds should differ.")
    run(5, None)
    _, toks = run(6000, 123)
    return _check_spread(toks)


def _check_spread(toks: list[str]) -> Passed:
    counts = {t: 0 for t in FACE_TURNS}
    for t in toks:
        counts[t] += 1
    never = [t for t, c in counts.items() if c == 0]
    if never:
        raise Fail(f"in 6000 turns, {', '.join(never)} never appeared; every face turn (quarter, inverse and half "
                   f"turns of all six faces) should be possible.")
    n = len(toks)
    for face in "UDLRFB":
        share = sum(c for t, c in counts.items() if t[0] == face) / n
        if not 0.12 <= share <= 0.22:
            raise Fail(f"face {face} is turned in {share:.0%} of 6000 turns; each face should get about 1/6 (17%).")
    for suffix, name in (("", "quarter turns"), ("'", "inverse turns"), ("2", "half turns")):
        share = sum(c for t, c in counts.items() if t[1:] == suffix) / n
        if not 0.25 <= share <= 0.42:
            raise Fail(f"{name} are {share:.0%} of 6000 turns; each of R, R', R2 should get about a third.")
    return Passed("honest, reproducible and evenly spread over all 18 face turns")


# ---------------------------------------------------------------- the shortest way back

def _turn_perms() -> dict[str, np.ndarray]:
    return {t: perm(t) for t in FACE_TURNS}


def _within_two(start: np.ndarray, turns: dict) -> dict[bytes, int]:
    """Every state reachable from ``start`` by at most two face turns -> fewest turns."""
    found = {start.tobytes(): 0}
    frontier = [start]
    for depth in (1, 2):
        nxt = []
        for state in frontier:
            for p in turns.values():
                s = state[p]
                if s.tobytes() not in found:
                    found[s.tobytes()] = depth
                    nxt.append(s)
        frontier = nxt
    return found


def optimal_length(scramble: str) -> int:
    """Fewest face turns (half turns count one) solving a scramble of at most four twists (meet in the middle)."""
    turns = _turn_perms()
    home = {}
    for key, d in _within_two(IDENTITY, turns).items():
        q = np.frombuffer(key, dtype=IDENTITY.dtype)
        home[np.argsort(q).tobytes()] = d  # states from which d turns lead home
    best = min((d1 + home[k] for k, d1 in _within_two(perm(scramble), turns).items() if k in home), default=None)
    if best is None:
        raise ValueError(f"{scramble!r} needs more than four turns")
    return best


@puzzle_check("shortest-unscramble", expects={"solve": "a function solve(scramble: str) -> str"})
def check_shortest(learner, ctx):
    cases = ["", "R", "R2", "R R", "R U U' R'", "R L R'", "U R", "F2 B' L"] + random_scrambles((3, 4), (0, 1, 2))
    for scramble in cases:
        call = f"solve({scramble!r})"
        answer = learner.call("solve", scramble, shown=call)
        toks = parse_answer(answer, call)
        if not np.array_equal(perm(f"{scramble} {answer}"), IDENTITY):
            raise Fail(f"{call} returned {answer!r}, but {scramble!r} followed by it does not give the solved cube.")
        best = optimal_length(scramble)
        if len(toks) > best:
            raise Fail(f"{call} returned {answer!r} ({len(toks)} turns), which solves it, but {best} turn"
                       f"{'s' if best != 1 else ''} would do (a half turn such as R2 counts as one turn).")
    return Passed(f"all {len(cases)} scrambles solved in the fewest possible turns")
