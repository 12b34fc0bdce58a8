"""Wrong: multiplies by W.T (column-vector habit), which fails when W is not square."""

import numpy as np


def forward(params, X):
    outputs, h = [], X
    for i, (W, b) in enumerate(params):
        z = h @ W.T + b
        if i < len(params) - 1:
            h = np.maximum(z, 0)
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        outputs.append(h)
    return outputs
