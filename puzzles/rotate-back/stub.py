"""Puzzle {{nn}} · Rotate it back with one layer. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np

# The scramble: x_scrambled = x_solved @ R.T + t, R the 120° counter-clockwise rotation, t = (2, -1).

# TODO: choose W and b so that X_scrambled @ W + b == X_solved. Right now the layer changes nothing.
W = np.eye(2)
b = np.zeros(2)

if __name__ == "__main__":
    print("W =", W, "\nb =", b)
