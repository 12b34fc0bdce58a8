"""Wrong: returns the inverse scramble, which solves but is not always shortest."""


def solve(scramble: str) -> str:
    return " ".join(t[0] + {"": "'", "'": "", "2": "2"}[t[1:]] for t in reversed(scramble.split()))
