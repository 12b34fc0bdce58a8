"""The instructors' guide (``puzzles/README.md``) kept in step with the puzzle set: numbers, minutes, count, table.

The guide names a puzzle by a link to its statement, ``[04](rotate-back/statement.md)``; a core puzzle of the
two-hour route adds its minutes, ``**[04](rotate-back/statement.md)** (15)``. :func:`update_guide` rewrites
those numbers and minutes from the set, the count and the hours between their markers
(``<!-- count -->Seventeen<!-- /count -->``, ``<!-- hours -->5¾<!-- /hours -->``) and the table of what each
puzzle teaches between ``<!-- table -->`` and ``<!-- /table -->``. Inserting a puzzle therefore needs
``python -m cubenet.workshop.guide`` and no renumbering by hand; the tests fail while the guide is stale.
:func:`route_blocks` reads the route back so the tests can add up its minutes.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from cubenet.errors import CubenetError
from cubenet.files import write_text
from cubenet.workshop.puzzles import find_puzzle, load_puzzles, puzzles_dir

GUIDE = "README.md"
LINK = re.compile(r"\[(\d+)\]\(([a-z0-9-]+)/statement\.md\)")
CORE_MINUTES = re.compile(r"(\*\*\[\d+\]\(([a-z0-9-]+)/statement\.md\)\*\*) \((\d+)\)")
TABLE_HEAD = ("| # | puzzle | kind | ★ | teaches | the known-wrong answers it catches |\n"
              "|---|---|---|---|---|---|\n")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_QUARTERS = ("", "¼", "½", "¾")


def number_words(n: int) -> str:
    """``17`` -> ``"seventeen"``, ``42`` -> ``"forty-two"`` (0 to 99; digits beyond)."""
    if not 0 <= n < 100:
        return str(n)
    if n < 20:
        return _ONES[n]
    return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])


def hours(minutes: int) -> str:
    """Minutes as hours to the nearest quarter: ``345`` -> ``"5¾"``."""
    quarters = round(minutes / 15)
    whole, part = divmod(quarters, 4)
    return (str(whole) if whole or not part else "") + _QUARTERS[part]


def _marker(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {name} -->)(.*?)(<!-- /{name} -->)", re.S)


def _count(old: str, n: int) -> str:
    words = number_words(n)
    return words.capitalize() if old[:1].isupper() else words


def puzzle_table(puzzles) -> str:
    """The markdown table of what each puzzle teaches and which known-wrong answers it catches."""
    rows = [f"| [{p.number:02d}]({p.id}/statement.md) | {p.title} | {p.kind} | {p.difficulty} | {p.teaches} "
            f"| {p.catches} |\n" for p in puzzles]
    return "\n" + TABLE_HEAD + "".join(rows)


def update_guide(text: str, puzzles) -> str:
    """``text`` with every puzzle link, core minutes, the count, the hours and the table taken from ``puzzles``."""
    def puzzle(slug: str):
        try:
            return find_puzzle(slug, puzzles)
        except CubenetError:
            raise CubenetError(f"the guide links to a puzzle {slug!r} that is not in puzzles.json") from None

    text = CORE_MINUTES.sub(lambda m: f"{m.group(1)} ({puzzle(m.group(2)).minutes})", text)
    text = LINK.sub(lambda m: f"[{puzzle(m.group(2)).number:02d}]({m.group(2)}/statement.md)", text)
    text = _marker("count").sub(lambda m: m.group(1) + _count(m.group(2), len(puzzles)) + m.group(3), text)
    text = _marker("hours").sub(lambda m: m.group(1) + hours(sum(p.minutes for p in puzzles)) + m.group(3), text)
    return _marker("table").sub(lambda m: m.group(1) + puzzle_table(puzzles) + m.group(3), text)


@dataclass(frozen=True)
class Block:
    """One row of the guide's two-hour route: its minutes and the core puzzles' slugs with their minutes."""

    start: int  #: minutes from the start
    end: int
    core: tuple  #: (slug, minutes or None when the puzzle is "played until" the end)
    until: int | None  #: the "played until H:MM" time, if a core puzzle fills the block


def _clock(text: str) -> int:
    h, m = text.split(":")
    return 60 * int(h) + int(m)


def route_blocks(text: str) -> list[Block]:
    """The route's rows that have core puzzles, read from the guide's table (``| 0:10–0:30 | … | core | …``)."""
    blocks = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        times = re.fullmatch(r"(\d+:\d\d)–(\d+:\d\d)", cells[0]) if len(cells) >= 3 else None
        core = re.findall(r"\*\*\[\d+\]\(([a-z0-9-]+)/statement\.md\)\*\* \((\d+|played until \d+:\d\d)\)",
                          cells[2]) if times else []
        if core:
            until = [_clock(m.split()[-1]) for _, m in core if m.startswith("played")]
            blocks.append(Block(_clock(times[1]), _clock(times[2]),
                                tuple((s, int(m) if m.isdigit() else None) for s, m in core),
                                until[0] if until else None))
    return blocks


def main() -> int:
    """``python -m cubenet.workshop.guide``: rewrite the installed (or checkout's) guide in place."""
    path = puzzles_dir() / GUIDE
    old = path.read_text(encoding="utf-8")
    new = update_guide(old, load_puzzles())
    if new != old:
        write_text(path, new)
    print(f"{path}: {'updated' if new != old else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
