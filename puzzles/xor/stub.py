"""Puzzle {{nn}} · The smallest XOR network. Edit this file, then run: cubenet puzzles check {{n}}"""

import numpy as np

# A network: [(W1, b1), (W2, b2)], ReLU after every layer but the last; class = argmax of the output.
# Class 1 where x1 and x2 have opposite signs. Count: every entry of every W and b is one parameter.

# TODO: choose the weights. All zeros predict class 0 everywhere (right only half the time).
PARAMS = [
    (np.zeros((2, 2)), np.zeros(2)),   # hidden layer: 2 -> 2
    (np.zeros((2, 2)), np.zeros(2)),   # output layer: 2 -> 2 classes
]

if __name__ == "__main__":
    X = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])  # classes 0, 0, 1, 1
    h = X
    for i, (W, b) in enumerate(PARAMS):
        h = h @ W + b
        if i < len(PARAMS) - 1:
            h = np.maximum(h, 0)
    print(h.argmax(axis=1))
