"""Puzzle {{nn}} · An honest scrambler. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np

FACES = "UDLRFB"
SUFFIXES = ("", "'", "2")


def scramble(n: int, *, rng=None) -> str:
    """A random honest scramble of exactly ``n`` face turns, e.g. "R U' F2"."""
    rng = np.random.default_rng(rng)
    # TODO: this is neither random nor honest.
    return " ".join(["R"] * n)


if __name__ == "__main__":
    print(scramble(10, rng=0))
