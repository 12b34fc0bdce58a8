"""Wrong: multiplies the turns' matrices in reading order (the first turn must act first)."""

import numpy as np

from cubenet.data.cube import sticker_centers
from cubenet.data.moves import apply_moves


def one_turn(turn: str) -> np.ndarray:
    centers, _ = sticker_centers()
    moved = apply_moves(centers, turn)
    P = np.zeros((54, 54))
    for j, position in enumerate(moved):
        P[np.argmin(((centers - position) ** 2).sum(axis=1)), j] = 1.0
    return P


def permutation_matrix(scramble: str) -> np.ndarray:
    P = np.eye(54)
    for turn in scramble.split():
        P = P @ one_turn(turn)
    return P
