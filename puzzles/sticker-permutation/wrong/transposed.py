"""Wrong: puts the 1 at [j, i] instead of [i, j] (moves stickers the other way)."""

import numpy as np

from cubenet.data.cube import sticker_centers
from cubenet.data.moves import apply_moves


def permutation_matrix(scramble: str) -> np.ndarray:
    centers, _ = sticker_centers()
    moved = apply_moves(centers, scramble)
    P = np.zeros((54, 54))
    for j, position in enumerate(moved):
        P[j, np.argmin(((centers - position) ** 2).sum(axis=1))] = 1.0
    return P
