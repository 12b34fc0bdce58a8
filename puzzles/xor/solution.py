"""The smallest XOR network — reference solution (12 parameters)."""

import numpy as np

# hidden: relu(x1 - x2) and relu(x2 - x1); their sum is |x1 - x2|, about 2 for class 1 and 0 for class 0
# output: class 0 scores 0, class 1 scores |x1 - x2| - 1
PARAMS = [
    (np.array([[1.0, -1.0],
               [-1.0, 1.0]]), np.array([0.0, 0.0])),
    (np.array([[0.0, 1.0],
               [0.0, 1.0]]), np.array([0.0, -1.0])),
]

if __name__ == "__main__":
    X = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    h = np.maximum(X @ PARAMS[0][0] + PARAMS[0][1], 0)
    print((h @ PARAMS[1][0] + PARAMS[1][1]).argmax(axis=1))
