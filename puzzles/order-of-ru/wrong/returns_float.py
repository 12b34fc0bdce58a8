"""Wrong: the right number, but as a float (2.0 is not an int)."""

import numpy as np

from cubenet.data.cube import permutation


def order(scramble: str) -> int:
    perm, result = permutation(scramble), 1.0
    for start in range(54):
        length, i = 1, perm[start]
        while i != start:
            i = perm[i]
            length += 1
        result = float(np.lcm(int(result), length))
    return result
