"""Wrong: updates the caller's arrays in place (W -= ...), so the old parameters are lost."""


def sgd_step(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db
    return params


def momentum_step(params, grads, velocity, lr, momentum):
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW *= momentum
        vW -= lr * dW
        vb *= momentum
        vb -= lr * db
        W += vW
        b += vb
    return params, velocity
