"""Wrong: 12 parameters, but the outputs are swapped, so it predicts XOR backwards."""

import numpy as np

PARAMS = [
    (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([0.0, 0.0])),
    (np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([-1.0, 0.0])),
]
