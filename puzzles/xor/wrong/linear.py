"""Wrong: no hidden layer, so the decision is one straight line."""

import numpy as np

PARAMS = [(np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([0.0, 0.0]))]
