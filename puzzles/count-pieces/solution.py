"""Count the linear pieces — reference solution (exact breakpoints, layer by layer)."""

import numpy as np


def count_pieces(params, lo, hi):
    """The number of maximal intervals of [lo, hi] on which the 1-D ReLU network is affine."""
    # each piece: (left, right, slopes a, intercepts c) with the current layer's output = a*x + c
    pieces = [(lo, hi, np.ones(1), np.zeros(1))]
    for i, (W, b) in enumerate(params):
        last = i == len(params) - 1
        new = []
        for left, right, a, c in pieces:
            a, c = a @ W, c @ W + b
            cuts = {left, right}
            if not last:
                for ak, ck in zip(a, c):
                    if ak != 0 and left < -ck / ak < right:
                        cuts.add(-ck / ak)
            cuts = sorted(cuts)
            for start, end in zip(cuts[:-1], cuts[1:]):
                if end - start <= 1e-12 * max(1.0, abs(start), abs(end)):
                    continue
                on = np.ones_like(a) if last else (a * (start + end) / 2 + c > 0)
                new.append((start, end, a * on, c * on))
        pieces = new
    slopes = [a[0] for _, _, a, _ in pieces]
    return 1 + sum(abs(s - t) > 1e-9 * max(1.0, abs(s), abs(t)) for s, t in zip(slopes[:-1], slopes[1:]))


if __name__ == "__main__":
    params = [(np.array([[1.0, 1.0]]), np.array([0.0, -1.0])), (np.array([[1.0], [-2.0]]), np.array([0.0]))]
    print(count_pieces(params, -3.0, 3.0))
