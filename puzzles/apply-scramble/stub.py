"""Puzzle {{nn}} · Apply a scramble. Edit this file, then run: cubenet puzzles check {{n}}"""

from cubenet.data.cube import permutation  # permutation("R")[i]: the slot whose sticker lands in slot i

SOLVED = "UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB"


def apply_scramble(state: str, scramble: str) -> str:
    """The 54-sticker state after applying the turns of ``scramble`` (e.g. "R U R' U'") to ``state``."""
    # TODO: apply the turns one at a time, left to right. Right now nothing moves.
    return state


if __name__ == "__main__":
    print(apply_scramble(SOLVED, "R"))
