"""An honest scrambler — reference solution."""

import numpy as np

FACES = "UDLRFB"
SUFFIXES = ("", "'", "2")
AXIS = {"U": 1, "D": 1, "L": 0, "R": 0, "F": 2, "B": 2}


def scramble(n: int, *, rng=None) -> str:
    """A random honest scramble of exactly ``n`` face turns."""
    rng = np.random.default_rng(rng)
    faces: list[str] = []
    turns = []
    for _ in range(n):
        banned = set(faces[-1:])
        if len(faces) >= 2 and AXIS[faces[-1]] == AXIS[faces[-2]]:
            banned |= {f for f in FACES if AXIS[f] == AXIS[faces[-1]]}
        allowed = [f for f in FACES if f not in banned]
        face = allowed[rng.integers(len(allowed))]
        faces.append(face)
        turns.append(face + SUFFIXES[rng.integers(3)])
    return " ".join(turns)


if __name__ == "__main__":
    print(scramble(10, rng=0))
