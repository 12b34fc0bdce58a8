"""One step downhill — reference solution."""


def sgd_step(params, grads, lr):
    """New params after one SGD step: p - lr * grad for every W and b."""
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def momentum_step(params, grads, velocity, lr, momentum):
    """(new params, new velocity): v_new = momentum * v - lr * grad, p_new = p + v_new."""
    new_velocity = [(momentum * vW - lr * dW, momentum * vb - lr * db)
                    for (vW, vb), (dW, db) in zip(velocity, grads)]
    new_params = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, new_velocity)]
    return new_params, new_velocity


if __name__ == "__main__":
    import numpy as np

    params = [(np.ones((2, 2), np.float32), np.zeros(2, np.float32))]
    grads = [(np.ones((2, 2), np.float32), np.ones(2, np.float32))]
    print(sgd_step(params, grads, 0.1))
