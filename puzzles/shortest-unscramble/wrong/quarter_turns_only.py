"""Wrong: searches quarter turns only, so R2 has to be spelled R R (two turns)."""

from itertools import product

from cubenet.data.cube import permutation

QUARTERS = [face + suffix for face in "UDLRFB" for suffix in ("", "'")]
PERMS = {t: permutation(t) for t in QUARTERS}


def solve(scramble: str) -> str:
    start = permutation(scramble)
    for depth in range(0, 9):
        for seq in product(QUARTERS, repeat=depth):
            state = start
            for t in seq:
                state = state[PERMS[t]]
            if (state == range(54)).all():
                return " ".join(seq)
    return ""
