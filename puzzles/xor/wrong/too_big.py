"""Wrong: right on every point, but with 4 hidden units (22 parameters, par is 12)."""

import numpy as np

PARAMS = [
    (np.array([[1.0, -1.0, 1.0, -1.0],
               [-1.0, 1.0, -1.0, 1.0]]), np.zeros(4)),
    (np.array([[0.0, 0.5], [0.0, 0.5], [0.0, 0.5], [0.0, 0.5]]), np.array([0.0, -1.0])),
]
