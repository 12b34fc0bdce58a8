"""Wrong: integer arrays (the puzzle asks for float64)."""

import numpy as np

W = np.array([[1, 0], [0, 1]])
b = np.array([0, 0])
