"""Wrong: counts only the first layer's kinks inside [lo, hi] (deeper layers add kinks too)."""

import numpy as np


def count_pieces(params, lo, hi):
    W, b = params[0]
    if len(params) == 1:
        return 1
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = -b / W[0]
    return 1 + len({k for k in kinks if lo < k < hi})
