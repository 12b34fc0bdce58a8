"""Wrong: SGD is right, but momentum steps with the old velocity instead of the new one."""


def sgd_step(params, grads, lr):
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def momentum_step(params, grads, velocity, lr, momentum):
    new_params = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, velocity)]
    new_velocity = [(momentum * vW - lr * dW, momentum * vb - lr * db)
                    for (vW, vb), (dW, db) in zip(velocity, grads)]
    return new_params, new_velocity
