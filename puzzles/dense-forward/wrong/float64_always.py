"""Wrong: turns float32 inputs into float64 outputs."""

import numpy as np


def forward(params, X):
    outputs, h = [], np.asarray(X, dtype=float)
    for i, (W, b) in enumerate(params):
        z = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(z, 0)
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        outputs.append(h)
    return outputs
