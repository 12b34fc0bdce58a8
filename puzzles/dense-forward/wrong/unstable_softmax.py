"""Wrong: softmax without subtracting the row maximum overflows for large scores."""

import numpy as np


def forward(params, X):
    outputs, h = [], X
    for i, (W, b) in enumerate(params):
        z = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(z, 0)
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                h = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        outputs.append(h)
    return outputs
