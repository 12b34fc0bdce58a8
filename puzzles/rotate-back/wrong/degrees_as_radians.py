"""Wrong: np.cos(120) takes radians, so this rotates by 120 radians, not 120 degrees."""

import numpy as np

R = np.array([[np.cos(120.0), -np.sin(120.0)], [np.sin(120.0), np.cos(120.0)]])
W = R
b = -np.array([2.0, -1.0]) @ R
