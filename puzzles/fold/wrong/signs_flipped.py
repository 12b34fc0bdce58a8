"""Wrong: both units keep the class-1 side, so class 0 lands on the two axes around class 1."""

import numpy as np

W = np.array([[-0.8, 0.8],
              [1.0, 1.0]])
b = np.array([-0.26, -0.74])
