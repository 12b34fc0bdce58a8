"""Puzzle {{nn}} · One step downhill. Edit this file, then run: cubenet puzzles check {{n}}"""


def sgd_step(params, grads, lr):
    """New params after one SGD step: p - lr * grad for every W and b. Inputs stay unchanged."""
    # TODO: step downhill. Right now nothing moves.
    return [(W.copy(), b.copy()) for W, b in params]


def momentum_step(params, grads, velocity, lr, momentum):
    """(new params, new velocity): v_new = momentum * v - lr * grad, p_new = p + v_new."""
    # TODO: update the velocity and step with it. Right now nothing moves.
    return [(W.copy(), b.copy()) for W, b in params], [(vW.copy(), vb.copy()) for vW, vb in velocity]


if __name__ == "__main__":
    import numpy as np

    params = [(np.ones((2, 2), np.float32), np.zeros(2, np.float32))]
    grads = [(np.ones((2, 2), np.float32), np.ones(2, np.float32))]
    print(sgd_step(params, grads, 0.1))
