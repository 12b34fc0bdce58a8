"""Check a learner's answer against its puzzle; the verdict is computed here, in a process that never runs
learner code.

:func:`check_answer` starts ``python -m cubenet.workshop`` (:mod:`cubenet.workshop.child`), which imports the
answer and calls it on the inputs this process sends; what comes back is plain data (JSON and ``.npy``
bytes over a pipe, :mod:`cubenet.workshop.wire`), compared here against the check's reference. The child
has no result file to write, and exiting early (``os._exit(0)``) is a crash, never a pass. The child's
whole process tree is killed on every way out (time limit, Ctrl-C, SIGTERM, an exception), its output is
read as it comes and capped, and a child that floods it is stopped. :func:`run_check` runs the same
protocol with the answer in this process (the test suite uses it; it has no time limit).

A result is a :class:`CheckResult` whose ``status`` says what happened (see :mod:`cubenet.workshop.verdict`,
which also holds :func:`run_check`); the child process is run by :mod:`cubenet.workshop.processes`. Their
public names are importable from here too.

Process control: on Linux the checker becomes a child subreaper and the child asks for SIGKILL when the
checker dies, so processes the answer forks (even with ``setsid``) are found and killed; on macOS the
child's process group is killed (a ``setsid`` daemon can escape). The pipes (``pass_fds``, non-blocking
reads with ``selectors``) are POSIX only: on Windows :func:`check_answer` does not run (use WSL).
"""


from __future__ import annotations

import re
import signal
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from cubenet.workshop.child import syntax_message  # noqa: F401 - syntax_message is re-exported
from cubenet.workshop.processes import (  # noqa: F401 - re-exported
    FLOOD_BYTES,
    OUTPUT_BYTES,
    ChildSession,
    Stop,
    become_subreaper,
    descendants,
    kill_leftovers,
)
from cubenet.workshop.verdict import (  # noqa: F401 - re-exported
    PEEK_MESSAGE,
    STATUSES,
    CheckResult,
    LocalSession,
    blocked_for_learners,
    run_check,
    verdict,
)

#: lines of the learner's own printing kept with a result
OUTPUT_LINES = 12


def _stop_signals():
    """During a check, SIGTERM and SIGHUP stop it like Ctrl-C (so the child's tree is killed); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    undo = []

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, interrupt)
            undo.append(sig)
    return lambda: [signal.signal(sig, signal.SIG_DFL) for sig in undo]


def check_answer(puzzle, path, *, feedback_dir=None, time_limit: float | None = None,
                 python: str | None = None) -> CheckResult:
    """Check the learner's file: its answer runs in a fresh Python process that is stopped after the puzzle's
    time limit; the verdict is computed here."""
    path = Path(path).resolve()
    limit = float(time_limit or puzzle.time_limit)
    restore = _stop_signals()
    try:
        with tempfile.TemporaryDirectory(prefix="cubenet-check-") as tmp:
            stuck = Path(tmp) / "stuck.txt"
            session = ChildSession(path, stuck, limit=limit, python=python)
            status = None
            try:
                try:
                    result = verdict(puzzle, path, session, feedback_dir=feedback_dir, start=session.start)
                except Stop as stop:
                    status = stop.status
                    if status == "timeout":
                        session.ask_where()
                    code = session.returncode(wait=0.5) if status == "crash" else None
            finally:
                session.close()
            seconds = round(time.perf_counter() - session.start, 3)
            output = _tail(bytes(session.output), cut=session.output_total > len(session.output))
            if status is None:
                return replace(result, seconds=seconds, output=output)
            if status == "timeout":
                return CheckResult(puzzle.id, "timeout", timeout_message(limit, stuck, str(path)), seconds=seconds,
                                   output=output)
            if status == "flood":
                return CheckResult(puzzle.id, "flood", f"your code wrote more than {FLOOD_BYTES // 1_000_000} MB of "
                                   f"output, so the check stopped it; print less (a few lines tell you enough).",
                                   seconds=seconds, output=output)
            return CheckResult(puzzle.id, "crash", f"the check stopped without a result ({_how_it_ended(code)}); "
                               f"if your code uses a lot of memory or calls os._exit, that may be why.",
                               seconds=seconds, output=output)
    finally:
        restore()


def _how_it_ended(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"stopped by signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"stopped by signal {-returncode}"
    return f"exit code {returncode}"


def _tail(printed: bytes | None, cut: bool = False) -> str:
    """What the learner printed: all of it if short, else its first and last lines with the count between."""
    lines = (printed or b"").decode("utf-8", "replace").rstrip().splitlines()
    if cut:
        lines.append(f"[… the rest of the output was cut after {OUTPUT_BYTES:,} bytes]")
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
