"""Wrong: L turns like R, D like U and B like F (forgets that clockwise is seen from the face)."""

import numpy as np

AXES = {"R": 0, "L": 0, "U": 1, "D": 1, "F": 2, "B": 2}


def rotation(move: str) -> np.ndarray:
    i, j = [(1, 2), (2, 0), (0, 1)][AXES[move[0]]]
    M = np.eye(3)
    M[i, i], M[i, j], M[j, i], M[j, j] = 0.0, 1.0, -1.0, 0.0
    return np.linalg.matrix_power(M, {"": 1, "2": 2, "'": 3}[move[1:]])
