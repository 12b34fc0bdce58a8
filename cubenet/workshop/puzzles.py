"""The puzzle set (metadata from each folder's meta.json), a learner's workspace, and progress in a plain JSON file.

The puzzles ship inside the package as ``cubenet/_puzzles`` (in the source tree a link to the top-level
``puzzles/`` folder), so ``cubenet puzzles init`` works from a plain ``pip install``. A workspace is a
folder with ``progress.json``, a ``README.md`` and one folder per puzzle holding ``statement.md``,
``answer.py`` (the learner's file, a copy of the stub) and any picture.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cubenet.errors import CubenetError

PUZZLES_DIR = Path(__file__).resolve().parent.parent / "_puzzles"
ANSWER = "answer.py"
PROGRESS = "progress.json"
FEEDBACK = "feedback.png"
FORMAT = "cubenet-puzzles/1"
KINDS = ("cube", "hand", "implement", "golf")
META_KEYS = ("id", "title", "difficulty", "kind", "concepts", "minutes", "hints", "time_limit")


@dataclass(frozen=True)
class Puzzle:
    """One puzzle: its folder in the package and the metadata of its ``meta.json``."""

    id: str  #: the folder name, e.g. "01-apply-scramble"
    number: int
    title: str
    difficulty: int  #: 1 (gentle) to 5 (hard)
    kind: str  #: "cube", "hand" (weights by hand), "implement" or "golf"
    concepts: tuple
    minutes: int  #: time estimate for a learner
    hints: tuple  #: progressive, gentlest first
    time_limit: float  #: seconds the check may run
    folder: Path
    image: str | None = None  #: a picture shown with the statement
    par: int | None = None  #: golf: parameter count the reference reaches

    @property
    def stub(self) -> Path:
        return self.folder / "stub.py"

    @property
    def solution(self) -> Path:
        return self.folder / "solution.py"

    @property
    def wrong(self) -> tuple[Path, ...]:
        return tuple(sorted((self.folder / "wrong").glob("*.py")))

    @property
    def statement(self) -> str:
        return (self.folder / "statement.md").read_text(encoding="utf-8")


#: a source checkout's own puzzles/ folder: used when the _puzzles symlink did not survive the checkout
#: (git on Windows without symlink support writes it as a small text file)
CHECKOUT_PUZZLES_DIR = Path(__file__).resolve().parent.parent.parent / "puzzles"


def puzzles_dir() -> Path:
    """The installed puzzle set (``cubenet/_puzzles``), or the checkout's ``puzzles/`` beside the package."""
    for folder in (PUZZLES_DIR, CHECKOUT_PUZZLES_DIR):
        if folder.is_dir() and (folder / "README.md").is_file():
            return folder
    raise CubenetError(f"the puzzle set is missing from the installation ({PUZZLES_DIR}); reinstall cubenet")


def _meta_error(path: Path, problem: str) -> CubenetError:
    return CubenetError(f"{path}: {problem}")


def read_puzzle(folder: Path) -> Puzzle:
    """Load and validate one puzzle folder's ``meta.json``."""
    path = folder / "meta.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise _meta_error(path, f"cannot read the metadata ({exc})") from None
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise _meta_error(path, f"missing {', '.join(missing)}")
    if meta["id"] != folder.name:
        raise _meta_error(path, f"id {meta['id']!r} must equal the folder name {folder.name!r}")
    if not (isinstance(meta["difficulty"], int) and 1 <= meta["difficulty"] <= 5):
        raise _meta_error(path, f"difficulty must be 1..5, got {meta['difficulty']!r}")
    if meta["kind"] not in KINDS:
        raise _meta_error(path, f"kind must be one of {', '.join(KINDS)}, got {meta['kind']!r}")
    if not (isinstance(meta["hints"], list) and 2 <= len(meta["hints"]) <= 3):
        raise _meta_error(path, "hints must be a list of 2 or 3 hints, gentlest first")
    return Puzzle(
        id=folder.name, number=int(folder.name.split("-", 1)[0]), title=meta["title"],
        difficulty=meta["difficulty"], kind=meta["kind"], concepts=tuple(meta["concepts"]),
        minutes=int(meta["minutes"]), hints=tuple(meta["hints"]), time_limit=float(meta["time_limit"]),
        folder=folder, image=meta.get("image"), par=meta.get("par"),
    )


def load_puzzles(root: Path | None = None) -> tuple[Puzzle, ...]:
    """Every puzzle of the set, in order (folders named ``NN-slug``)."""
    root = puzzles_dir() if root is None else Path(root)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name[:2].isdigit())
    return tuple(read_puzzle(f) for f in folders)


def find_puzzle(key, puzzles) -> Puzzle:
    """A puzzle by number (``3``, ``"03"``), id (``"03-twist-matrix"``) or slug (``"twist-matrix"``)."""
    text = str(key).strip()
    for p in puzzles:
        if text in (p.id, p.id.split("-", 1)[1]) or (text.isdigit() and int(text) == p.number):
            return p
    raise CubenetError(f"no puzzle {text!r}; choose a number from 1 to {len(puzzles)} (see 'cubenet puzzles list')")


# ---------------------------------------------------------------- workspace

@dataclass(frozen=True)
class Workspace:
    """A learner's folder of puzzles."""

    root: Path

    @property
    def progress_file(self) -> Path:
        return self.root / PROGRESS

    def folder(self, puzzle: Puzzle) -> Path:
        return self.root / puzzle.id

    def answer(self, puzzle: Puzzle) -> Path:
        return self.folder(puzzle) / ANSWER

    def feedback(self, puzzle: Puzzle) -> Path:
        return self.folder(puzzle) / FEEDBACK


def init_workspace(folder, puzzles) -> Workspace:
    """Create a clean workspace: the learner's README, each puzzle's statement, picture and stub as answer.py."""
    from cubenet.files import check_writable_dir, write_bytes, write_text

    root = Path(folder)
    if (root / PROGRESS).exists():
        raise CubenetError(f"{str(root)!r} is already a puzzle workspace; carry on there, or use "
                           f"'cubenet puzzles reset N' to start one puzzle afresh")
    if root.exists() and any(root.iterdir()):
        raise CubenetError(f"folder {str(root)!r} is not empty; choose a new or empty folder for the workspace")
    check_writable_dir(root)
    ws = Workspace(root)
    for p in puzzles:
        target = ws.folder(p)
        write_text(target / "statement.md", p.statement)
        write_text(ws.answer(p), p.stub.read_text(encoding="utf-8"))
        if p.image:
            write_bytes(target / p.image, (p.folder / p.image).read_bytes())
    write_text(root / "README.md", (puzzles_dir() / "LEARNER.md").read_text(encoding="utf-8"))
    save_progress(ws, new_progress(puzzles))
    return ws


def puzzle_here(ws: Workspace, puzzles, start=None):
    """The puzzle whose folder contains ``start`` (default: the current folder), or None."""
    here = (Path.cwd() if start is None else Path(start)).resolve()
    for p in puzzles:
        folder = ws.folder(p).resolve()
        if here == folder or folder in here.parents:
            return p
    return None


def find_workspace(start=None) -> Workspace:
    """The workspace containing ``start`` (default: the current folder), searching upwards."""
    here = Path.cwd() if start is None else Path(start)
    for folder in (here.resolve(), *here.resolve().parents):
        if (folder / PROGRESS).is_file():
            return Workspace(folder)
    raise CubenetError(f"{str(here)!r} is not inside a puzzle workspace; make one with 'cubenet puzzles init DIR' "
                       f"or pass --dir DIR")


def reset_answer(ws: Workspace, puzzle: Puzzle) -> Path | None:
    """Put the fresh stub back as answer.py; the old file is kept as answer.py.bak. Returns the backup path."""
    from cubenet.files import write_text

    answer = ws.answer(puzzle)
    backup = None
    if answer.exists():
        backup = answer.with_name(ANSWER + ".bak")
        shutil.copyfile(answer, backup)
    write_text(answer, puzzle.stub.read_text(encoding="utf-8"))
    return backup


# ---------------------------------------------------------------- progress (a plain JSON file)

def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _entry() -> dict:
    return {"status": "new", "checks": 0, "hints_shown": 0, "passed_at": None, "best_score": None, "peeked": False}


def new_progress(puzzles) -> dict:
    from cubenet import __version__

    return {"format": FORMAT, "cubenet_version": __version__, "created": _now(),
            "puzzles": {p.id: _entry() for p in puzzles}}


def load_progress(ws: Workspace) -> dict:
    try:
        progress = json.loads(ws.progress_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CubenetError(f"cannot read {ws.progress_file} ({exc}); fix or delete it") from None
    if not isinstance(progress, dict) or progress.get("format") != FORMAT:
        raise CubenetError(f"{ws.progress_file} is not a cubenet puzzle progress file")
    return progress


def save_progress(ws: Workspace, progress: dict) -> None:
    from cubenet.files import write_text

    write_text(ws.progress_file, json.dumps(progress, indent=2) + "\n")


def entry(progress: dict, puzzle: Puzzle) -> dict:
    """The progress record of one puzzle (a fresh one if the puzzle is new to this workspace)."""
    return {**_entry(), **progress.get("puzzles", {}).get(puzzle.id, {})}


def _with_entry(progress: dict, puzzle: Puzzle, **changes) -> dict:
    out = json.loads(json.dumps(progress))
    out.setdefault("puzzles", {})[puzzle.id] = {**entry(progress, puzzle), **changes}
    return out


def record_check(progress: dict, puzzle: Puzzle, passed: bool, score: int | None = None) -> dict:
    """Progress after one check (a pass is never lost by a later failing check; golf keeps the best score)."""
    old = entry(progress, puzzle)
    changes = {"checks": old["checks"] + 1, "last_checked": _now()}
    if passed:
        changes["status"] = "passed"
        changes["passed_at"] = old["passed_at"] or _now()
        if score is not None:
            changes["best_score"] = score if old["best_score"] is None else min(old["best_score"], score)
    elif old["status"] != "passed":
        changes["status"] = "tried"
    return _with_entry(progress, puzzle, **changes)


def next_hint(progress: dict, puzzle: Puzzle) -> tuple[int, str, dict]:
    """The next hint (1-based number, text) and the progress that remembers it was shown.

    After the last hint, the last one is shown again.
    """
    shown = entry(progress, puzzle)["hints_shown"]
    number = min(shown + 1, len(puzzle.hints))
    return number, puzzle.hints[number - 1], _with_entry(progress, puzzle, hints_shown=number)


def mark_peeked(progress: dict, puzzle: Puzzle) -> dict:
    return _with_entry(progress, puzzle, peeked=True)


def forget(progress: dict, puzzle: Puzzle) -> dict:
    """Progress with one puzzle back to new (after a reset)."""
    return _with_entry(progress, puzzle, **_entry())


def current_puzzle(progress: dict, puzzles) -> Puzzle | None:
    """The first puzzle not yet passed (None when all are)."""
    return next((p for p in puzzles if entry(progress, p)["status"] != "passed"), None)


def is_passed(progress: dict, puzzle: Puzzle) -> bool:
    return entry(progress, puzzle)["status"] == "passed"
