"""Rotate it back with one layer — reference solution."""

import numpy as np

angle = np.deg2rad(120.0)
R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
t = np.array([2.0, -1.0])

# x_solved = (x_scrambled - t) @ R   (Rᵀ undone by R, since R @ R.T = I)
W = R
b = -t @ R

if __name__ == "__main__":
    print("W =", W, "\nb =", b)
