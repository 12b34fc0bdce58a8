"""A twist is a permutation matrix — reference solution."""

import numpy as np

from cubenet.data.cube import sticker_centers
from cubenet.data.moves import apply_moves


def permutation_matrix(scramble: str) -> np.ndarray:
    """The (54, 54) matrix P with (P @ state)[i] = the sticker that lands in slot i."""
    centers, _ = sticker_centers()
    moved = apply_moves(centers, scramble)  # moved[j]: where sticker j goes
    P = np.zeros((54, 54))
    for j, position in enumerate(moved):
        i = np.argmin(((centers - position) ** 2).sum(axis=1))  # the slot it lands in
        P[i, j] = 1.0
    return P


if __name__ == "__main__":
    print(permutation_matrix("R") @ np.arange(54.0))
