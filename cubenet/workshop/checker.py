"""Run a learner's answer against its puzzle's check, in a subprocess with a time limit; every failure is friendly.

:func:`check_answer` starts ``python -m cubenet.workshop`` (this module's :func:`main`) on the learner's
file and kills it when the puzzle's time limit passes; :func:`run_check` is the same check in the
current process (the test suite uses it; it has no time limit). A result is a :class:`CheckResult`
whose ``status`` says what happened: ``pass``, ``fail`` (wrong behaviour), ``shape`` (wrong type,
shape or dtype), ``syntax``, ``error`` (an exception), ``missing`` (a name not defined), ``forbidden``
(a shortcut the puzzle refuses), ``timeout`` or ``crash`` (the process died).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import asdict, dataclass, replace
from pathlib import Path

STATUSES = ("pass", "fail", "shape", "syntax", "error", "missing", "forbidden", "timeout", "crash", "internal")
#: lines of the learner's own printing kept with a result
OUTPUT_LINES = 12


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


def syntax_message(exc: SyntaxError, filename: str) -> str:
    """Where Python could not read the file, with the line and a caret."""
    line = (exc.text or "").rstrip("\n")
    stripped = line.lstrip()
    caret = ""
    if exc.offset and stripped:
        caret = "\n    " + " " * max(0, exc.offset - 1 - (len(line) - len(stripped))) + "^"
    return (f"Python cannot read {Path(filename).name}: {exc.msg} (line {exc.lineno})\n"
            f"    {stripped}{caret}")


def run_check(puzzle, path, *, feedback_dir=None) -> CheckResult:
    """Load the learner's file and run the puzzle's check in this process; never raises for learner errors."""
    from cubenet.workshop.checks import get_check
    from cubenet.workshop.checks.base import Context, Fail, Learner, LearnerError, describe_exception
    from cubenet.workshop.guard import ForbiddenShortcut, Guard

    spec = get_check(puzzle.id)
    path = Path(path)
    filename = str(path.resolve())
    start = time.perf_counter()

    def result(status, message, details=(), **extra):
        return CheckResult(puzzle.id, status, message, tuple(details), seconds=round(time.perf_counter() - start, 3),
                           **extra)

    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return result("error", f"cannot read {path}: {exc}")
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as exc:
        return result("syntax", syntax_message(exc, filename))
    guard = Guard(filename, spec.forbid_modules, spec.forbid_calls)
    module = types.ModuleType("answer")
    module.__file__ = filename
    try:
        with guard:
            exec(code, module.__dict__)
    except ForbiddenShortcut as exc:
        return result("forbidden", f"Not allowed in this puzzle: {exc}.")
    except BaseException as exc:  # noqa: BLE001 - any error in the learner's file is reported kindly
        if isinstance(exc, KeyboardInterrupt):
            raise
        return result("error", describe_exception(exc, filename, f"Running {path.name}"))
    missing = [name for name in spec.expects if name not in vars(module)]
    if missing:
        return result("missing", f"{path.name} does not define {', '.join(missing)}; the puzzle expects "
                                 + "; ".join(spec.expects[m] for m in missing) + "." + _did_you_mean(missing, module))
    ctx = Context(Path(feedback_dir) if feedback_dir is not None else None)
    try:
        passed = spec.func(Learner(module, filename, guard), ctx)
    except (ForbiddenShortcut, Fail, LearnerError) as exc:
        if guard.violations:  # a refused shortcut explains any failure after it, even if the code swallowed it
            return result("forbidden", f"Not allowed in this puzzle: {guard.violations[0]}.")
        if isinstance(exc, Fail):
            return result(exc.kind, exc.message, exc.details, feedback=_str(ctx.feedback))
        return result("error", exc.message, feedback=_str(ctx.feedback))
    if guard.violations:
        return result("forbidden", f"Not allowed in this puzzle: {guard.violations[0]}.")
    return result("pass", passed.message, passed.details, score=passed.score, par=passed.par,
                  feedback=_str(ctx.feedback))


def _did_you_mean(missing, module) -> str:
    """`` You defined 'invers': did you mean 'inverse'?`` for names that are nearly right (typo or case)."""
    import difflib

    defined = [name for name in vars(module) if not name.startswith("__")]
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


def _child_env() -> dict:
    env = dict(os.environ)
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    return env


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):
        proc.kill()


def check_answer(puzzle, path, *, feedback_dir=None, time_limit: float | None = None,
                 python: str | None = None) -> CheckResult:
    """Check the learner's file in a fresh Python process that is stopped after the puzzle's time limit."""
    path = Path(path).resolve()
    limit = float(time_limit or puzzle.time_limit)
    with tempfile.TemporaryDirectory(prefix="cubenet-check-") as tmp:
        out, stuck = Path(tmp) / "result.json", Path(tmp) / "stuck.txt"
        cmd = [python or sys.executable, "-B", "-m", "cubenet.workshop", puzzle.id, str(path), "--result", str(out),
               "--stuck-file", str(stuck)]
        if feedback_dir is not None:
            cmd += ["--feedback", str(feedback_dir)]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=path.parent, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=_child_env(), start_new_session=True)
        try:
            printed, _ = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _ask_where(proc, stuck)
            _kill(proc)
            printed, _ = proc.communicate()
            return CheckResult(puzzle.id, "timeout", timeout_message(limit, stuck, str(path)),
                               seconds=round(time.perf_counter() - start, 3), output=_tail(printed))
        seconds = round(time.perf_counter() - start, 3)
        if out.is_file():
            return replace(CheckResult.from_json(out.read_text(encoding="utf-8")), seconds=seconds,
                           output=_tail(printed))
        return CheckResult(puzzle.id, "crash", f"the check stopped without a result ({_how_it_ended(proc.returncode)}); "
                           f"if your code uses a lot of memory or calls os._exit, that may be why.",
                           seconds=seconds, output=_tail(printed))


WHERE_SIGNAL = getattr(signal, "SIGUSR1", None)  # asks a child that ran out of time where it is busy


def _ask_where(proc: subprocess.Popen, stuck: Path, wait: float = 1.0) -> None:
    """Ask the child (which has run out of time) to write where the learner's code is busy, and wait briefly.

    The child answers from a Python-level signal handler, which runs in its main thread between bytecodes; a
    watchdog thread reading another thread's frames (faulthandler.dump_traceback_later) can crash the child.
    Code stuck inside one long C call does not answer, and the message then only says that time ran out."""
    if WHERE_SIGNAL is None:
        return
    try:
        proc.send_signal(WHERE_SIGNAL)
    except (ProcessLookupError, OSError):
        return
    deadline = time.perf_counter() + wait
    while time.perf_counter() < deadline and not stuck.is_file() and proc.poll() is None:
        time.sleep(0.02)


def _write_where(path: str, frame) -> None:
    """The child's answer to WHERE_SIGNAL: the current stack, most recent call first, written atomically."""
    lines = []
    while frame is not None:
        lines.append(f'  File "{frame.f_code.co_filename}", line {frame.f_lineno} in {frame.f_code.co_name}')
        frame = frame.f_back
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def _limit_memory() -> None:
    """Cap this child's address space (where the OS allows it), so one answer cannot exhaust a shared machine."""
    from cubenet.workshop.checks.base import MEMORY_LIMIT

    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limits = [MEMORY_LIMIT] + [v for v in (soft, hard) if v != resource.RLIM_INFINITY]  # never loosen one
        resource.setrlimit(resource.RLIMIT_AS, (min(limits), hard))
    except (ImportError, ValueError, OSError):  # Windows, or a limit we may not set: check without one
        pass


def _how_it_ended(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"stopped by signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"stopped by signal {-returncode}"
    return f"exit code {returncode}"


def _tail(printed: bytes | None) -> str:
    """What the learner printed: all of it if short, else its first and last lines with the count between."""
    lines = (printed or b"").decode("utf-8", "replace").rstrip().splitlines()
    if len(lines) <= OUTPUT_LINES:
        return "\n".join(lines)
    half = OUTPUT_LINES // 2
    return "\n".join([*lines[:half], f"[… {len(lines) - 2 * half:,} more lines …]", *lines[-half:]])


def timeout_message(limit: float, stuck_file: Path, filename: str) -> str:
    """Say that time ran out, and where the learner's code was busy (from the stack the child wrote)."""
    message = f"Your answer did not finish within {limit:g} s, the time limit of this puzzle."
    try:
        dump = stuck_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        dump = ""
    for m in re.finditer(r'File "(.+?)", line (\d+) in (\S+)', dump):
        if m.group(1) == filename:  # most recent call first
            line = _source_line(filename, int(m.group(2)))
            where = f" (in {m.group(3)})" if m.group(3) != "<module>" else ""
            return (f"{message}\n  It was busy at line {m.group(2)} of {Path(filename).name}{where}: {line}\n"
                    f"  Is there a loop that never ends, or a search that tries far too much?")
    return message + " Is there a loop that never ends, or a search that tries far too much?"


def _source_line(filename: str, lineno: int) -> str:
    try:
        return Path(filename).read_text(encoding="utf-8").splitlines()[lineno - 1].strip()
    except (OSError, IndexError):
        return ""


class _CappedOutput:
    """The child's stdout/stderr: the learner's printing passes through (flushed at once, so a crash keeps it)
    up to ``cap`` characters; beyond that it is dropped, so an endless print loop cannot flood the checker."""

    encoding = "utf-8"

    def __init__(self, stream, cap: int = 64_000):
        self.stream, self.left = stream, cap

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, text: str) -> int:
        if self.left > 0:
            chunk = text[: self.left]
            self.left -= len(chunk)
            self.stream.write(chunk + ("\n[… the rest of the output was cut]\n" if self.left <= 0 else ""))
            self.stream.flush()
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False


def main(argv=None) -> int:
    """The child process: ``python -m cubenet.workshop PUZZLE_ID FILE --result OUT.json [...]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cubenet.workshop", description="Check one puzzle answer.")
    parser.add_argument("puzzle")
    parser.add_argument("file")
    parser.add_argument("--result", required=True)
    parser.add_argument("--feedback")
    parser.add_argument("--stuck-file")
    args = parser.parse_args(argv)
    sys.stdout = sys.stderr = _CappedOutput(sys.__stdout__)
    from cubenet.workshop.puzzles import find_puzzle, load_puzzles

    if args.stuck_file and WHERE_SIGNAL is not None:
        signal.signal(WHERE_SIGNAL, lambda signum, frame: _write_where(args.stuck_file, frame))
    _limit_memory()
    puzzle = find_puzzle(args.puzzle, load_puzzles())
    try:
        result = run_check(puzzle, args.file, feedback_dir=args.feedback)
    except Exception as exc:  # a bug in a check, not in the learner's code
        result = CheckResult(puzzle.id, "internal", f"the checker itself failed ({type(exc).__name__}: {exc}); "
                             f"please tell your instructor")
    from cubenet.files import write_text

    sys.stdout.flush()
    write_text(args.result, result.to_json())
    return 0
