"""Wrong: honest, but draws from a fresh unseeded generator, so a seed does not reproduce it."""

import numpy as np

AXIS = {"U": 1, "D": 1, "L": 0, "R": 0, "F": 2, "B": 2}


def scramble(n: int, *, rng=None) -> str:
    gen = np.random.default_rng()
    faces, turns = [], []
    for _ in range(n):
        banned = set(faces[-1:])
        if len(faces) >= 2 and AXIS[faces[-1]] == AXIS[faces[-2]]:
            banned |= {f for f in AXIS if AXIS[f] == AXIS[faces[-1]]}
        face = gen.choice([f for f in "UDLRFB" if f not in banned])
        faces.append(face)
        turns.append(face + ("", "'", "2")[gen.integers(3)])
    return " ".join(turns)
