"""Wrong: a correct breadth-first search that gives up after three turns."""

from cubenet.data.cube import permutation

TURNS = [face + suffix for face in "UDLRFB" for suffix in ("", "'", "2")]
PERMS = {t: permutation(t) for t in TURNS}


def solve(scramble: str) -> str:
    frontier = [(permutation(scramble), [])]
    for depth in range(4):
        for state, path in frontier:
            if (state == range(54)).all():
                return " ".join(path)
        if depth == 3:
            break
        frontier = [(state[p], path + [t]) for state, path in frontier for t, p in PERMS.items()
                    if not path or path[-1][0] != t[0]]
    return ""
