"""Puzzle {{nn}} · Count the linear pieces. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np


def f(params, x):
    """The network as a function of a 1-D array of inputs x (handy for plotting and testing)."""
    h = np.asarray(x, dtype=float).reshape(-1, 1)
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    return h[:, 0]


def count_pieces(params, lo, hi):
    """The number of maximal intervals of [lo, hi] on which the 1-D ReLU network is affine."""
    # TODO: count exactly. Right now: one straight line.
    return 1


if __name__ == "__main__":
    params = [(np.array([[1.0, 1.0]]), np.array([0.0, -1.0])), (np.array([[1.0], [-2.0]]), np.array([0.0]))]
    print(count_pieces(params, -3.0, 3.0))  # relu(x) - 2 relu(x - 1): 3 pieces
