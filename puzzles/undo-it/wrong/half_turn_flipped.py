"""Wrong: turns a half turn R2 into a quarter turn R'."""


def inverse(scramble: str) -> str:
    return " ".join(t[0] + ("" if t.endswith("'") else "'") for t in reversed(scramble.split()))
