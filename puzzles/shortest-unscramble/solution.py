"""The shortest way back — reference solution (meet in the middle)."""

import numpy as np

from cubenet.data.cube import permutation

TURNS = [face + suffix for face in "UDLRFB" for suffix in ("", "'", "2")]
PERMS = {t: permutation(t) for t in TURNS}


def within_two(start: np.ndarray) -> dict:
    """Every state at most two turns from ``start`` -> the turns that reach it (fewest first)."""
    found = {start.tobytes(): []}
    frontier = [(start, [])]
    for _ in range(2):
        nxt = []
        for state, path in frontier:
            for t, p in PERMS.items():
                s = state[p]
                if s.tobytes() not in found:
                    found[s.tobytes()] = path + [t]
                    nxt.append((s, path + [t]))
        frontier = nxt
    return found


def undo(path: list) -> list:
    return [t[0] + {"": "'", "'": "", "2": "2"}[t[1:]] for t in reversed(path)]


SOLVED = np.arange(54)
NEAR_SOLVED = within_two(SOLVED)  # state -> turns from solved to it


def solve(scramble: str) -> str:
    """A shortest solution of a scramble of at most four turns."""
    best = None
    for key, path in within_two(permutation(scramble)).items():
        if key in NEAR_SOLVED:
            candidate = path + undo(NEAR_SOLVED[key])
            if best is None or len(candidate) < len(best):
                best = candidate
    if best is None:
        raise ValueError(f"{scramble!r} needs more than four turns")
    return " ".join(best)


if __name__ == "__main__":
    print(repr(solve("R U F")))
