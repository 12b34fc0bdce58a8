"""Wrong: sends sticker i to slot perm[i] instead of taking it from there (turns go backwards)."""

from cubenet.data.cube import permutation


def apply_scramble(state: str, scramble: str) -> str:
    for turn in scramble.split():
        perm = permutation(turn)
        new = [""] * 54
        for i, j in enumerate(perm):
            new[j] = state[i]
        state = "".join(new)
    return state
