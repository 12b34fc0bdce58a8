"""The verdict on a learner's answer: :class:`CheckResult`, and :func:`verdict`, which runs a puzzle's check against
an answer behind a session (the child process, :class:`cubenet.workshop.processes.ChildSession`, or this process,
:class:`LocalSession`) and turns what the answer did into one status and one friendly message.

The statuses: ``pass``, ``fail`` (wrong behaviour), ``shape`` (wrong type, shape or dtype), ``syntax``, ``error``
(an exception), ``missing`` (a name not defined), ``forbidden`` (a shortcut the puzzle refuses), ``peeked`` (the
code tried to reach the checker's reference; never a pass), ``timeout``, ``flood`` (far too much output) or
``crash``; ``internal`` when the checker itself failed.
"""

from __future__ import annotations

import difflib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from cubenet.workshop import wire
from cubenet.workshop.checks import get_check
from cubenet.workshop.checks.base import Context, Fail, Learner, LearnerError
from cubenet.workshop.child import AnswerHost
from cubenet.workshop.guard import ForbiddenShortcut, Peeked, policy_to_data
from cubenet.workshop.puzzles import load_puzzles

STATUSES = ("pass", "fail", "shape", "syntax", "error", "missing", "forbidden", "peeked", "timeout", "flood",
            "crash", "internal")
#: the workshop's modules that hold or compute the reference, which learner code may not import or read
REFERENCE_MODULES = ("checker", "verdict", "processes", "datasets", "figures", "puzzles", "guide")


@dataclass(frozen=True)
class CheckResult:
    """What a check found: a status, one friendly message, details, and for golf a score against par."""

    puzzle: str
    status: str
    message: str
    details: tuple = ()
    score: int | None = None
    par: int | None = None
    feedback: str | None = None  #: path of the "yours vs target" picture, if one was drawn
    seconds: float = 0.0
    output: str = ""  #: the end of what the learner's code printed

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "CheckResult":
        data = json.loads(text)
        data["details"] = tuple(data.get("details", ()))
        return cls(**data)


def blocked_for_learners() -> dict:
    """What the child refuses to let learner code reach: the checks, the checker, the puzzle data and every
    puzzle's solution, by module name and by file."""
    here = Path(__file__).resolve().parent
    names = REFERENCE_MODULES
    files = [here / f"{name}.py" for name in names]
    files += [p.solution.resolve() for p in load_puzzles()]
    return {"modules": ["cubenet.workshop.checks", *(f"cubenet.workshop.{name}" for name in names)],
            "files": [str(f) for f in files], "dirs": [str(here / "checks")], "allowed": []}


def _spec_request(spec, path: Path) -> dict:
    return {"op": "load", "file": str(path), "forbid_modules": dict(spec.forbid_modules),
            "forbid_calls": {k: policy_to_data(v) for k, v in spec.forbid_calls.items()},
            "blocked": blocked_for_learners()}


PEEK_MESSAGE = ("Your code tried to reach the checker's reference ({what}). A peek is never a pass: solve it with "
                "your own code (and ask for a hint when stuck).")


def verdict(puzzle, path, session, *, feedback_dir=None, start: float | None = None) -> CheckResult:
    """Run the puzzle's check here against the answer behind ``session`` (``request(dict) -> dict``)."""
    spec = get_check(puzzle.id)
    path = Path(path)
    filename = str(path.resolve())
    start = time.perf_counter() if start is None else start

    def result(status, message, details=(), **extra):
        return CheckResult(puzzle.id, status, message, tuple(details), seconds=round(time.perf_counter() - start, 3),
                           **extra)

    def refused():
        if session.peeked:
            return result("peeked", PEEK_MESSAGE.format(what=session.peeked[0]))
        if session.violations:  # a refused shortcut explains any failure after it, even if the code swallowed it
            return result("forbidden", f"Not allowed in this puzzle: {session.violations[0]}.")
        return None

    load = session.request(_spec_request(spec, path))
    kind = load.get("kind")
    if refused() is not None:
        return refused()
    if kind in ("syntax", "error"):
        return result(kind, str(load.get("message", "")))
    if kind != "ok":
        return result("error", f"Running {path.name} failed ({str(load.get('message', kind))[:200]}).")
    names = [n for n in load.get("names", []) if isinstance(n, str)]
    missing = [name for name in spec.expects if name not in names]
    if missing:
        return result("missing", f"{path.name} does not define {', '.join(missing)}; the puzzle expects "
                                 + "; ".join(spec.expects[m] for m in missing) + "." + _did_you_mean(missing, names))
    ctx = Context(Path(feedback_dir) if feedback_dir is not None else None)
    try:
        passed = spec.func(Learner(session, filename), ctx)
    except (ForbiddenShortcut, Peeked, Fail, LearnerError) as exc:
        if refused() is not None:
            return refused()
        if isinstance(exc, Fail):
            return result(exc.kind, exc.message, exc.details, feedback=_str(ctx.feedback))
        return result("error", getattr(exc, "message", str(exc)), feedback=_str(ctx.feedback))
    if refused() is not None:
        return refused()
    return result("pass", passed.message, passed.details, score=passed.score, par=passed.par,
                  feedback=_str(ctx.feedback))


class LocalSession:
    """The child's protocol with the answer in this process (every message still goes through the wire
    format, so the test suite exercises what the real child gets). No time limit, no peek guard."""

    def __init__(self):
        self.host = AnswerHost()
        self.child_generators: dict = {}
        self.violations: list = []
        self.peeked: list = []

    def request(self, request: dict) -> dict:
        def through(value, generators):
            data = memoryview(wire.pack(value))
            pos = [0]

            def read_exact(n):
                chunk = bytes(data[pos[0]: pos[0] + n])
                pos[0] += n
                return chunk

            return wire.read_message(read_exact, generators)

        reply = through(self.host.handle(through(request, self.child_generators)), {})
        self.violations, self.peeked = list(reply.get("violations", [])), list(reply.get("peeked", []))
        return reply


def run_check(puzzle, path, *, feedback_dir=None) -> CheckResult:
    """The check with the answer loaded in this process; never raises for learner errors."""
    return verdict(puzzle, path, LocalSession(), feedback_dir=feedback_dir)


def _did_you_mean(missing, defined) -> str:
    """`` You defined 'invers': did you mean 'inverse'?`` for names that are nearly right (typo or case)."""
    lowered = {name.lower(): name for name in defined}
    notes = []
    for name in missing:
        close = [lowered[name.lower()]] if name.lower() in lowered else \
            difflib.get_close_matches(name, defined, n=1, cutoff=0.75)
        if close:
            notes.append(f" You defined {close[0]!r}: did you mean {name!r}? (Python names are case-sensitive.)"
                         if close[0].lower() == name.lower() else f" You defined {close[0]!r}: did you mean {name!r}?")
    return "".join(notes)


def _str(path) -> str | None:
    return None if path is None else str(path)
