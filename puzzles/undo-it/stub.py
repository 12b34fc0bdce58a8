"""Puzzle {{nn}} · Undo a scramble. Edit this file, then run: cubenet puzzles check {{n}}"""


def inverse(scramble: str) -> str:
    """The scramble that undoes ``scramble`` (e.g. "R U" -> "U' R'"), with as many turns."""
    # TODO: undo the turns. Right now this returns the scramble itself.
    return scramble


if __name__ == "__main__":
    print(inverse("R U F2"))
