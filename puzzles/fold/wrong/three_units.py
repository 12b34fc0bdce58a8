"""Wrong: three units (the puzzle allows at most two)."""

import numpy as np

W = np.array([[0.8, -0.8, 0.0],
              [-1.0, -1.0, 1.0]])
b = np.array([0.26, 0.74, 0.0])
