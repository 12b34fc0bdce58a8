"""Wrong: applies the turns last-to-first."""

from cubenet.data.cube import permutation


def apply_scramble(state: str, scramble: str) -> str:
    for turn in reversed(scramble.split()):
        state = "".join(state[j] for j in permutation(turn))
    return state
