"""Puzzle {{nn}} · How often until it comes back? Edit this file, then run: cubenet puzzles check {{n}}"""

from cubenet.data.cube import permutation  # noqa: F401 - permutation("R U")[i]: the slot whose sticker lands in slot i


def order(scramble: str) -> int:
    """The smallest k >= 1 such that repeating ``scramble`` k times gives back the starting cube."""
    # TODO: find the order. R has order 4.
    return 4


if __name__ == "__main__":
    print(order("R U"))
