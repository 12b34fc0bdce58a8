"""The puzzle set (its order in ``puzzles.json``, each folder's ``meta.json``), a learner's workspace, and progress.

The puzzles ship inside the package as ``cubenet/_puzzles`` (in the source tree a link to the top-level
``puzzles/`` folder), so ``cubenet puzzles init`` works from a plain ``pip install``. A puzzle's id is its
folder's name, a slug (``apply-scramble``); its number is its place in ``puzzles.json``, so inserting a
puzzle renumbers nothing by hand. Statements and stubs write their number as ``{{n}}`` (``3``) or ``{{nn}}``
(``03``). A workspace is a folder with ``progress.json``, a ``README.md`` and one folder per puzzle
(``03-twist-matrix``) holding ``statement.md``, ``answer.py`` (the learner's file, a copy of the stub) and any
picture.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cubenet import __version__
from cubenet.errors import CubenetError
from cubenet.files import check_writable_dir, write_bytes, write_text
from cubenet.validate import check_int

PUZZLES_DIR = Path(__file__).resolve().parent.parent / "_puzzles"
ORDER = "puzzles.json"
ANSWER = "answer.py"
PROGRESS = "progress.json"
FEEDBACK = "feedback.png"
FORMAT = "cubenet-puzzles/1"
KINDS = ("cube", "hand", "implement", "golf")
META_KEYS = ("id", "title", "difficulty", "kind", "concepts", "teaches", "catches", "minutes", "hints",
             "time_limit")
SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


@dataclass(frozen=True)
class Puzzle:
    """One puzzle: its folder in the package, its place in the order and the metadata of its ``meta.json``."""

    id: str  #: the slug, the folder's name, e.g. "apply-scramble"
    number: int  #: 1-based place in puzzles.json
    title: str
    difficulty: int  #: 1 (gentle) to 5 (hard)
    kind: str  #: "cube", "hand" (weights by hand), "implement" or "golf"
    concepts: tuple
    teaches: str  #: one line for the instructors' guide
    catches: str  #: the known-wrong answers, in words, for the instructors' guide
    minutes: int  #: time estimate for a learner
    hints: tuple  #: progressive, gentlest first
    time_limit: float  #: seconds the check may run
    folder: Path
    image: str | None = None  #: a picture shown with the statement
    par: int | None = None  #: golf: parameter count the reference reaches

    @property
    def label(self) -> str:
        """The workspace folder name: number and slug, ``03-twist-matrix``."""
        return f"{self.number:02d}-{self.id}"

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
        return numbered((self.folder / "statement.md").read_text(encoding="utf-8"), self)

    @property
    def stub_text(self) -> str:
        """The stub as the learner gets it (``answer.py``), its number filled in."""
        return numbered(self.stub.read_text(encoding="utf-8"), self)


def numbered(text: str, puzzle: Puzzle) -> str:
    """``text`` with the puzzle's number in place of ``{{n}}`` (``3``) and ``{{nn}}`` (``03``)."""
    return text.replace("{{nn}}", f"{puzzle.number:02d}").replace("{{n}}", str(puzzle.number))


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


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise _meta_error(path, f"cannot read it ({exc})") from None


def read_puzzle(folder: Path, number: int) -> Puzzle:
    """Load and validate one puzzle folder's ``meta.json``; ``number`` is its place in the order."""
    path = folder / "meta.json"
    meta = _read_json(path)
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise _meta_error(path, f"missing {', '.join(missing)}")
    if meta["id"] != folder.name:
        raise _meta_error(path, f"id {meta['id']!r} must equal the folder name {folder.name!r}")
    try:
        check_int("difficulty", meta["difficulty"], minimum=1, maximum=5)
    except CubenetError as exc:
        raise _meta_error(path, str(exc)) from None
    if meta["kind"] not in KINDS:
        raise _meta_error(path, f"kind must be one of {', '.join(KINDS)}, got {meta['kind']!r}")
    if not (isinstance(meta["hints"], list) and 2 <= len(meta["hints"]) <= 3):
        raise _meta_error(path, "hints must be a list of 2 or 3 hints, gentlest first")
    return Puzzle(
        id=folder.name, number=number, title=meta["title"], difficulty=meta["difficulty"], kind=meta["kind"],
        concepts=tuple(meta["concepts"]), teaches=meta["teaches"], catches=meta["catches"],
        minutes=int(meta["minutes"]), hints=tuple(meta["hints"]), time_limit=float(meta["time_limit"]),
        folder=folder, image=meta.get("image"), par=meta.get("par"),
    )


def puzzle_order(root: Path) -> list[str]:
    """The slugs of ``root/puzzles.json`` in order, each a puzzle folder, and every puzzle folder listed once."""
    path = root / ORDER
    order = _read_json(path)
    slugs = order.get("order") if isinstance(order, dict) else None
    if not (isinstance(slugs, list) and all(isinstance(s, str) and SLUG.fullmatch(s) for s in slugs)):
        raise _meta_error(path, 'must be {"order": ["first-slug", "second-slug", ...]} (lower-case slugs)')
    folders = {p.name for p in root.iterdir() if (p / "meta.json").is_file()}
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    problems = [f"listed twice: {', '.join(twice)}" if twice else "",
                f"no such folder: {', '.join(s for s in slugs if s not in folders)}" if set(slugs) - folders else "",
                f"not listed: {', '.join(sorted(folders - set(slugs)))}" if folders - set(slugs) else ""]
    if any(problems):
        raise _meta_error(path, "; ".join(p for p in problems if p))
    return slugs


def load_puzzles(root: Path | None = None) -> tuple[Puzzle, ...]:
    """Every puzzle of the set, numbered 1, 2, ... in the order of ``puzzles.json``."""
    root = puzzles_dir() if root is None else Path(root)
    return tuple(read_puzzle(root / slug, n) for n, slug in enumerate(puzzle_order(root), start=1))


def find_puzzle(key, puzzles) -> Puzzle:
    """A puzzle by number (``3``, ``"03"``), slug (``"twist-matrix"``) or workspace label (``"03-twist-matrix"``)."""
    text = str(key).strip()
    for p in puzzles:
        if text in (p.id, p.label) or (text.isdigit() and int(text) == p.number):
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
        """``NN-slug`` (its number when the workspace was made: an older workspace keeps its folder names)."""
        for name in (puzzle.label, puzzle.id):
            if (self.root / name).is_dir():
                return self.root / name
        made = [p for p in self.root.glob(f"*-{puzzle.id}") if re.fullmatch(rf"\d+-{re.escape(puzzle.id)}", p.name)]
        return made[0] if made else self.root / puzzle.label

    def answer(self, puzzle: Puzzle) -> Path:
        return self.folder(puzzle) / ANSWER

    def feedback(self, puzzle: Puzzle) -> Path:
        return self.folder(puzzle) / FEEDBACK


def init_workspace(folder, puzzles) -> Workspace:
    """Create a clean workspace: the learner's README, each puzzle's statement, picture and stub as answer.py.

    It is built in a hidden folder beside ``folder`` and renamed onto it at the end, so a failure (a full
    disk, Ctrl-C) leaves no half workspace behind: either the whole workspace is there or nothing is."""
    root = Path(folder)
    if root.is_file() or (root.exists() and not root.is_dir()):
        raise CubenetError(f"{str(root)!r} is a file, not a folder; choose a new or empty folder for the workspace")
    if (root / PROGRESS).exists():
        raise CubenetError(f"{str(root)!r} is already a puzzle workspace; carry on there, or use "
                           f"'cubenet puzzles reset N' to start one puzzle afresh")
    if root.exists() and any(root.iterdir()):
        raise CubenetError(f"folder {str(root)!r} is not empty; choose a new or empty folder for the workspace")
    parent = check_writable_dir(root.resolve().parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.init-", dir=parent))
    try:
        build = Workspace(tmp)
        for p in puzzles:
            target = build.folder(p)
            write_text(target / "statement.md", p.statement)
            write_text(build.answer(p), p.stub_text)
            if p.image:
                write_bytes(target / p.image, (p.folder / p.image).read_bytes())
        write_text(tmp / "README.md", (puzzles_dir() / "LEARNER.md").read_text(encoding="utf-8"))
        save_progress(build, new_progress(puzzles))
        os.chmod(tmp, 0o777 & ~_umask())
        if root.exists():
            root.rmdir()  # empty (checked above); rename cannot replace it on every system
        os.rename(tmp, root)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise CubenetError(f"the disk is full, so the workspace {str(root)!r} was not made (nothing was left "
                               f"behind); free some space and run 'cubenet puzzles init' again") from None
        if isinstance(exc, OSError):
            raise CubenetError(f"cannot make the workspace {str(root)!r}: {exc.strerror or exc} (nothing was left "
                               f"behind); choose another folder") from None
        raise
    return Workspace(root)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
    answer = ws.answer(puzzle)
    backup = None
    if answer.exists():
        backup = answer.with_name(ANSWER + ".bak")
        shutil.copyfile(answer, backup)
    write_text(answer, puzzle.stub_text)
    return backup


# ---------------------------------------------------------------- progress (a plain JSON file)

def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _entry() -> dict:
    return {"status": "new", "checks": 0, "hints_shown": 0, "passed_at": None, "best_score": None, "peeked": False}


def new_progress(puzzles) -> dict:
    return {"format": FORMAT, "cubenet_version": __version__, "created": _now(),
            "puzzles": {p.id: _entry() for p in puzzles}}


def load_progress(ws: Workspace) -> dict:
    try:
        progress = json.loads(ws.progress_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CubenetError(f"cannot read {ws.progress_file} ({exc}); fix or delete it") from None
    if not isinstance(progress, dict) or progress.get("format") != FORMAT:
        raise CubenetError(f"{ws.progress_file} is not a cubenet puzzle progress file")
    entries = progress.get("puzzles", {})
    if not isinstance(entries, dict):
        raise CubenetError(f"{ws.progress_file}: 'puzzles' must be an object of puzzle entries; fix or delete it")
    for key, value in entries.items():
        problem = _entry_problem(value)
        if problem:
            raise CubenetError(f"{ws.progress_file}: the entry of {key!r} {problem}; fix it, or delete the file to "
                               f"start the progress afresh")
    return {**progress, "puzzles": _by_slug(entries)}


_ENTRY_TYPES = {"status": (str,), "checks": (int,), "hints_shown": (int,), "passed_at": (str, type(None)),
                "best_score": (int, type(None)), "peeked": (bool,), "last_checked": (str, type(None))}


def _entry_problem(value) -> str | None:
    """Why a progress entry cannot be used (a hand-edited or damaged file), or None."""
    if not isinstance(value, dict):
        return "is not an object"
    for key, types_ in _ENTRY_TYPES.items():
        if key in value:
            v = value[key]
            if not isinstance(v, types_) or (isinstance(v, bool) and bool not in types_):
                names = " or ".join("null" if t is type(None) else t.__name__ for t in types_)
                return f"has {key} = {json.dumps(v)[:40]}, which should be {names}"
            if isinstance(v, int) and not isinstance(v, bool) and v < 0:
                return f"has {key} = {v}, which should not be negative"
    if value.get("status", "new") not in ("new", "tried", "passed"):
        return f"has status {json.dumps(value.get('status'))[:40]}, which should be new, tried or passed"
    return None


def _by_slug(entries: dict) -> dict:
    """Progress entries keyed by slug (a workspace made before puzzles had slugs keyed them ``NN-slug``)."""
    return {re.sub(r"^\d+-", "", key): value for key, value in entries.items()}


def save_progress(ws: Workspace, progress: dict) -> None:
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
