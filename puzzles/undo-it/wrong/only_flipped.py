"""Wrong: flips every turn but keeps the order."""


def inverse(scramble: str) -> str:
    return " ".join(t[0] + {"": "'", "'": "", "2": "2"}[t[1:]] for t in scramble.split())
