"""Backpropagation, checked — reference solution."""

import numpy as np


def loss_and_grad(params, X, y):
    """Mean cross-entropy of the softmax output for integer labels y, and [(dW, db), ...] like params."""
    n = len(X)
    hs, zs = [X], []
    for i, (W, b) in enumerate(params):
        z = hs[-1] @ W + b
        zs.append(z)
        if i < len(params) - 1:
            hs.append(np.maximum(z, 0))
    z = zs[-1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    P = e / e.sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.log(P[np.arange(n), y])))
    Y = np.zeros_like(P)
    Y[np.arange(n), y] = 1
    delta = (P - Y) / n  # d loss / d z of the last layer
    grads = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        W = params[i][0]
        grads[i] = (hs[i].T @ delta, delta.sum(axis=0))
        if i > 0:
            delta = (delta @ W.T) * (zs[i - 1] > 0)
    return loss, grads


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = [(rng.standard_normal((2, 3)), np.zeros(3)), (rng.standard_normal((3, 2)), np.zeros(2))]
    print(loss_and_grad(params, rng.standard_normal((4, 2)), np.array([0, 1, 1, 0])))
