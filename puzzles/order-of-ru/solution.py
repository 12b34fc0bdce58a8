"""How often until it comes back? — reference solution."""

import math

from cubenet.data.cube import permutation


def order(scramble: str) -> int:
    """The lcm of the cycle lengths of the sequence's sticker permutation."""
    perm = permutation(scramble)
    seen = [False] * len(perm)
    result = 1
    for start in range(len(perm)):
        length, i = 0, start
        while not seen[i]:
            seen[i] = True
            i = perm[i]
            length += 1
        if length:
            result = math.lcm(result, length)
    return result


if __name__ == "__main__":
    print(order("R U"))
