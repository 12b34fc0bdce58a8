"""Puzzle {{nn}} · A twist is a permutation matrix. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np

from cubenet.data.cube import sticker_centers  # noqa: F401 - (54, 3) centres in slot order, and face letters
from cubenet.data.moves import apply_moves  # noqa: F401 - apply_moves(points, "R U") moves points


def permutation_matrix(scramble: str) -> np.ndarray:
    """The (54, 54) float64 matrix P with (P @ state)[i] = the sticker that lands in slot i."""
    # TODO: the identity leaves every sticker where it is.
    return np.eye(54)


if __name__ == "__main__":
    P = permutation_matrix("R")
    print(P @ np.arange(54.0))
