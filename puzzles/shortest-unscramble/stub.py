"""Puzzle {{nn}} · The shortest way back. Edit this file, then run: cubenet puzzles check {{n}}"""

from cubenet.data.cube import permutation  # noqa: F401 - permutation("R U")[i]: the slot whose sticker lands in slot i

TURNS = [face + suffix for face in "UDLRFB" for suffix in ("", "'", "2")]


def solve(scramble: str) -> str:
    """A shortest sequence of face turns (half turns count one) that solves the cube after ``scramble``."""
    # TODO: search. Returning nothing only works for the solved cube.
    return ""


if __name__ == "__main__":
    print(repr(solve("R U F")))
