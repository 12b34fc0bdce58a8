"""A twist is a rotation — reference solution."""

import numpy as np

# face -> (axis index, +1 if the face is on the positive side of the axis)
FACES = {"R": (0, 1), "L": (0, -1), "U": (1, 1), "D": (1, -1), "F": (2, 1), "B": (2, -1)}


def quarter_turn(axis: int, sign: int) -> np.ndarray:
    """90° clockwise seen from the face on side ``sign`` of ``axis`` (= counter-clockwise about -sign·axis)."""
    i, j = [(1, 2), (2, 0), (0, 1)][axis]  # the plane that turns, right-handed
    M = np.eye(3)
    s = -sign  # clockwise seen from the +axis face is a negative angle about +axis
    M[i, i], M[i, j], M[j, i], M[j, j] = 0.0, -s, s, 0.0
    return M


def rotation(move: str) -> np.ndarray:
    """The 3×3 rotation that the face turn ``move`` applies to the points of its slab: p -> M @ p."""
    M = quarter_turn(*FACES[move[0]])
    times = {"": 1, "2": 2, "'": 3}[move[1:]]
    return np.linalg.matrix_power(M, times)


if __name__ == "__main__":
    print(rotation("R") @ np.array([0.0, 0.0, 1.0]))
