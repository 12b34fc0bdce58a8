"""Wrong: folds along the axes only; the V stays folded."""

import numpy as np

W = np.eye(2)
b = np.zeros(2)
