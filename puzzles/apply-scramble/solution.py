"""Apply a scramble — reference solution."""

from cubenet.data.cube import permutation

SOLVED = "UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB"


def apply_scramble(state: str, scramble: str) -> str:
    """The 54-sticker state after applying the turns of ``scramble`` to ``state``."""
    for turn in scramble.split():
        perm = permutation(turn)
        state = "".join(state[j] for j in perm)
    return state


if __name__ == "__main__":
    print(apply_scramble(SOLVED, "R"))
