"""Wrong: (fan_in, fan_out) instead of one row per output unit."""


def layer_jacobian(W, b, x):
    z = x @ W + b
    return W * (z > 0)[None, :]
