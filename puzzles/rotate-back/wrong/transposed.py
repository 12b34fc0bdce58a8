"""Wrong: W = Rᵀ, which rotates by another +120° instead of back."""

import numpy as np

angle = np.deg2rad(120.0)
R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
W = R.T
b = -np.array([2.0, -1.0]) @ R.T
