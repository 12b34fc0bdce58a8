"""Puzzle {{nn}} · Fold the V flat. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np

# Class 1 lies above the V  y = 0.5 + 0.8 * |x - 0.3|, class 0 below it.
# One ReLU layer: h = relu(X @ W + b), at most 2 units. Afterwards a straight line must separate the classes.

# TODO: choose the folds. The identity only folds along the two axes, which does not help.
W = np.eye(2)
b = np.zeros(2)

if __name__ == "__main__":
    X = np.array([[0.3, 1.5], [0.3, -1.0], [2.0, 0.0]])  # above, below, below
    print(np.maximum(X @ W + b, 0))
