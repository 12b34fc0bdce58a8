"""Wrong: reverses the order but does not flip the turns."""


def inverse(scramble: str) -> str:
    return " ".join(reversed(scramble.split()))
