"""Wrong: finds every kink exactly but counts each as a new piece, even where the slope does not change."""

import numpy as np


def count_pieces(params, lo, hi):
    pieces = [(lo, hi, np.ones(1), np.zeros(1))]
    for i, (W, b) in enumerate(params):
        last = i == len(params) - 1
        new = []
        for left, right, a, c in pieces:
            a, c = a @ W, c @ W + b
            cuts = {left, right}
            if not last:
                cuts |= {-ck / ak for ak, ck in zip(a, c) if ak != 0 and left < -ck / ak < right}
            cuts = sorted(cuts)
            for start, end in zip(cuts[:-1], cuts[1:]):
                on = np.ones_like(a) if last else (a * (start + end) / 2 + c > 0)
                new.append((start, end, a * on, c * on))
        pieces = new
    return len(pieces)
