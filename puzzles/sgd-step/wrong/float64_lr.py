"""Wrong: multiplying by np.float64(lr) turns the float32 weights into float64."""

import numpy as np


def sgd_step(params, grads, lr):
    lr = np.asarray(lr, dtype=np.float64).reshape(1)
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def momentum_step(params, grads, velocity, lr, momentum):
    lr = np.asarray(lr, dtype=np.float64).reshape(1)
    v = [(momentum * vW - lr * dW, momentum * vb - lr * db) for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, v)], v
