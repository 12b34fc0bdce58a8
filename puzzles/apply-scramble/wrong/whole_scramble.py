"""Wrong (forbidden shortcut): lets permutation() compose the whole scramble."""

from cubenet.data.cube import permutation


def apply_scramble(state: str, scramble: str) -> str:
    return "".join(state[j] for j in permutation(scramble))
