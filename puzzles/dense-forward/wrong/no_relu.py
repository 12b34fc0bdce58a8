"""Wrong: forgets the ReLU of the hidden layers."""

import numpy as np


def forward(params, X):
    outputs, h = [], X
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i == len(params) - 1:
            e = np.exp(h - h.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        outputs.append(h)
    return outputs
