"""Wrong: the longest cycle, not the lcm of all cycles."""

from cubenet.data.cube import permutation


def order(scramble: str) -> int:
    perm = permutation(scramble)
    seen, longest = set(), 1
    for start in range(54):
        length, i = 0, start
        while i not in seen:
            seen.add(i)
            i = perm[i]
            length += 1
        longest = max(longest, length)
    return longest
