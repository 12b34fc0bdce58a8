"""Wrong: one unit folds along one arm only."""

import numpy as np

W = np.array([[0.8], [-1.0]])
b = np.array([0.26])
