"""Undo a scramble — reference solution."""


def flip(turn: str) -> str:
    """The turn that undoes one face turn: R <-> R', R2 stays R2."""
    face, suffix = turn[0], turn[1:]
    return face + {"": "'", "'": "", "2": "2"}[suffix]


def inverse(scramble: str) -> str:
    """The scramble that undoes ``scramble``: the last turn is undone first."""
    return " ".join(flip(t) for t in reversed(scramble.split()))


if __name__ == "__main__":
    print(inverse("R U F2"))
