"""Wrong: adds the gradient (climbs uphill)."""


def sgd_step(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]


def momentum_step(params, grads, velocity, lr, momentum):
    v = [(momentum * vW + lr * dW, momentum * vb + lr * db) for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, v)], v
