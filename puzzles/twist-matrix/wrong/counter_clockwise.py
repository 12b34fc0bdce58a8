"""Wrong: turns every face counter-clockwise (the transpose of the right matrix)."""

import numpy as np

FACES = {"R": (0, 1), "L": (0, -1), "U": (1, 1), "D": (1, -1), "F": (2, 1), "B": (2, -1)}


def rotation(move: str) -> np.ndarray:
    axis, sign = FACES[move[0]]
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    M = np.eye(3)
    M[i, i], M[i, j], M[j, i], M[j, j] = 0.0, -sign, sign, 0.0
    return np.linalg.matrix_power(M, {"": 1, "2": 2, "'": 3}[move[1:]])
