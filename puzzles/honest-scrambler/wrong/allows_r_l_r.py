"""Wrong: never repeats a face, but allows R L R' (opposite faces commute, so R and R' cancel)."""

import numpy as np


def scramble(n: int, *, rng=None) -> str:
    rng = np.random.default_rng(rng)
    turns, last = [], None
    for _ in range(n):
        face = rng.choice([f for f in "UDLRFB" if f != last])
        last = face
        turns.append(face + ("", "'", "2")[rng.integers(3)])
    return " ".join(turns)
