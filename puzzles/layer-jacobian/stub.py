"""Puzzle {{nn}} · The Jacobian of a layer. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np


def layer_jacobian(W, b, x):
    """J[i, j] = d h_i / d x_j for h = relu(x @ W + b) at the point x; shape (fan_out, fan_in)."""
    # TODO: right now every entry is zero.
    return np.zeros((W.shape[1], W.shape[0]))


if __name__ == "__main__":
    W = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0]])
    print(layer_jacobian(W, np.zeros(3), np.array([1.0, 1.0])))
