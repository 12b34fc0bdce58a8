"""Wrong: returns the permutation as a vector of 54 slot numbers, not as a matrix."""

import numpy as np

from cubenet.data.cube import sticker_centers
from cubenet.data.moves import apply_moves


def permutation_matrix(scramble: str) -> np.ndarray:
    centers, _ = sticker_centers()
    moved = apply_moves(centers, scramble)
    return np.array([np.argmin(((centers - p) ** 2).sum(axis=1)) for p in moved], dtype=float)
