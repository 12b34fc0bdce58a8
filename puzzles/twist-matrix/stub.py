"""Puzzle {{nn}} · A twist is a rotation. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np


def rotation(move: str) -> np.ndarray:
    """The 3×3 rotation (float64) that the face turn ``move`` (e.g. "R", "U'", "F2") applies: p -> M @ p."""
    # TODO: the identity does not turn anything.
    return np.eye(3)


if __name__ == "__main__":
    print(rotation("R") @ np.array([0.0, 0.0, 1.0]))   # should be the top direction (0, 1, 0)
