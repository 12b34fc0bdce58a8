"""Wrong: switches off columns by the input's sign instead of rows by the unit's pre-activation."""


def layer_jacobian(W, b, x):
    return W.T * (x > 0)[None, :]
