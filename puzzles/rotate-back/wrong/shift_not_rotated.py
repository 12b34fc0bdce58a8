"""Wrong: the right rotation, but b = -t (the shift happened after the rotation, so it must be rotated too)."""

import numpy as np

angle = np.deg2rad(120.0)
W = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
b = -np.array([2.0, -1.0])
