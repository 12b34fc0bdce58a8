"""Wrong (forbidden shortcut): asks cubenet for the inverse."""

from cubenet.data.moves import format_scramble, invert


def inverse(scramble: str) -> str:
    return format_scramble(invert(scramble))
