"""Wrong: stops as soon as the U face looks solved again (the rest may not be)."""

from cubenet.data.cube import permutation


def order(scramble: str) -> int:
    perm = permutation(scramble)
    faces = "".join(f * 9 for f in "URFDLB")
    state, k = faces, 0
    while True:
        state = "".join(state[j] for j in perm)
        k += 1
        if state[:9] == faces[:9]:
            return k
