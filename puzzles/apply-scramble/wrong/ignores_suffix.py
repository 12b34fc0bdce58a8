"""Wrong: treats R' and R2 like R."""

from cubenet.data.cube import permutation


def apply_scramble(state: str, scramble: str) -> str:
    for turn in scramble.split():
        state = "".join(state[j] for j in permutation(turn[0]))
    return state
