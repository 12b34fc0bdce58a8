"""Check a learner's answer against its puzzle; the verdict is computed here, in a process that never runs
learner code.

:func:`check_answer` starts ``python -m cubenet.workshop`` (:mod:`cubenet.workshop.child`), which imports the
answer and calls it on the inputs this process sends; what comes back is plain data (JSON and ``.npy``
bytes over a pipe, :mod:`cubenet.workshop.wire`), compared here against the check's reference. The child
has no result file to write, and exiting early (``os._exit(0)``) is a crash, never a pass. The child's
whole process tree is killed on every way out (time limit, Ctrl-C, SIGTERM, an exception), its output is
read as it comes and capped, and a child that floods it is stopped. :func:`run_check` runs the same
protocol with the answer in this process (the test suite uses it; it has no time limit).

A result is a :class:`CheckResult` whose ``status`` says what happened: ``pass``, ``fail`` (wrong
behaviour), ``shape`` (wrong type, shape or dtype), ``syntax``, ``error`` (an exception), ``missing`` (a
name not defined), ``forbidden`` (a shortcut the puzzle refuses), ``peeked`` (the code tried to reach
the checker's reference; never a pass), ``timeout``, ``flood`` (far too much output) or ``crash``.

Process control: on Linux the checker becomes a child subreaper and the child asks for SIGKILL when the
checker dies, so processes the answer forks (even with ``setsid``) are found and killed; on macOS the
child's process group is killed (a ``setsid`` daemon can escape). The pipes (``pass_fds``, non-blocking
reads with ``selectors``) are POSIX only: on Windows :func:`check_answer` does not run (use WSL).
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from cubenet.workshop.child import WHERE_SIGNAL, syntax_message  # noqa: F401 - syntax_message is re-exported

STATUSES = ("pass", "fail", "shape", "syntax", "error", "missing", "forbidden", "peeked", "timeout", "flood",
            "crash", "internal")
#: lines of the learner's own printing kept with a result
OUTPUT_LINES = 12
#: bytes of the child's output kept; a child writing more than FLOOD_BYTES is stopped
OUTPUT_BYTES = 80_000  # the child passes on 64,000 characters of printing and a note that it cut the rest
FLOOD_BYTES = 1_000_000


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
    from cubenet.workshop.puzzles import load_puzzles

    here = Path(__file__).resolve().parent
    names = ("checker", "datasets", "figures", "puzzles", "guide")
    files = [here / f"{name}.py" for name in names]
    files += [p.solution.resolve() for p in load_puzzles()]
    return {"modules": ["cubenet.workshop.checks", *(f"cubenet.workshop.{name}" for name in names)],
            "files": [str(f) for f in files], "dirs": [str(here / "checks")], "allowed": []}


def _spec_request(spec, path: Path) -> dict:
    from cubenet.workshop.guard import policy_to_data

    return {"op": "load", "file": str(path), "forbid_modules": dict(spec.forbid_modules),
            "forbid_calls": {k: policy_to_data(v) for k, v in spec.forbid_calls.items()},
            "blocked": blocked_for_learners()}


PEEK_MESSAGE = ("Your code tried to reach the checker's reference ({what}). A peek is never a pass: solve it with "
                "your own code (and ask for a hint when stuck).")


def verdict(puzzle, path, session, *, feedback_dir=None, start: float | None = None) -> CheckResult:
    """Run the puzzle's check here against the answer behind ``session`` (``request(dict) -> dict``)."""
    from cubenet.workshop.checks import get_check
    from cubenet.workshop.checks.base import Context, Fail, Learner, LearnerError
    from cubenet.workshop.guard import ForbiddenShortcut, Peeked

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
        from cubenet.workshop.child import AnswerHost

        self.host = AnswerHost()
        self.child_generators: dict = {}
        self.violations: list = []
        self.peeked: list = []

    def request(self, request: dict) -> dict:
        from cubenet.workshop import wire

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
    import difflib

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
    env.pop("PYTHONSTARTUP", None)
    env.update({"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    return env


class _Stop(BaseException):
    """The child has to be stopped: ``status`` is "timeout", "flood" or "crash"."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def become_subreaper() -> bool:
    """Linux: orphans of this process's descendants are re-parented here (not to init), so they can be found."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (Linux /proc; empty elsewhere)."""
    out = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return out
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            out[int(name)] = int(fields[1])
    return out


def descendants(root: int, parents: dict[int, int] | None = None) -> set[int]:
    """Every process below ``root``."""
    parents = _parents() if parents is None else parents
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for pid in children.get(todo.pop(), ()):
            if pid not in found:
                found.add(pid)
                todo.append(pid)
    return found


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass


class ChildSession:
    """The child process running the answer, and the pipes to it; every way out goes through :meth:`close`."""

    def __init__(self, path: Path, stuck: Path, *, limit: float, python: str | None = None):
        self.violations: list = []
        self.peeked: list = []
        self.output = bytearray()
        self.output_total = 0
        self.limit = limit
        self.stuck = stuck
        self.subreaper = become_subreaper()
        self.before = {pid for pid, ppid in _parents().items() if ppid == os.getpid()}
        req_r, self.req_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        cmd = [python or sys.executable, "-B", "-m", "cubenet.workshop", "--requests", str(req_r),
               "--replies", str(rep_w), "--stuck-file", str(stuck)]
        self.start = time.perf_counter()
        try:
            self.proc = subprocess.Popen(cmd, cwd=path.parent, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, env=_child_env(), start_new_session=True,
                                         pass_fds=(req_r, rep_w))
        finally:
            os.close(req_r)
            os.close(rep_w)
        self.out_fd = self.proc.stdout.fileno()
        for fd in (self.req_w, self.rep_r, self.out_fd):
            os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.out_fd, selectors.EVENT_READ, "out")
        self.selector.register(self.rep_r, selectors.EVENT_READ, "reply")
        self.generators: dict = {}
        self.reply_buf = bytearray()
        self.deadline = self.start + limit

    # ------------------------------------------------------------ talking

    def request(self, request: dict) -> dict:
        from cubenet.workshop import wire

        data = memoryview(wire.pack(request))
        registered_write = False
        try:
            while data:
                if not registered_write:
                    self.selector.register(self.req_w, selectors.EVENT_WRITE, "request")
                    registered_write = True
                for key in self._wait():
                    if key.data == "request":
                        try:
                            data = data[os.write(self.req_w, data):]
                        except BlockingIOError:
                            pass
                        except BrokenPipeError:
                            raise _Stop("crash") from None
        finally:
            if registered_write:
                self.selector.unregister(self.req_w)
        while True:
            reply = self._parse_reply()
            if reply is not None:
                break
            self._wait()
        self.violations = list(reply.get("violations", [])) if isinstance(reply, dict) else []
        self.peeked = list(reply.get("peeked", [])) if isinstance(reply, dict) else []
        if not isinstance(reply, dict):
            raise _Stop("crash")
        return reply

    def _parse_reply(self):
        from cubenet.workshop import wire

        buf = self.reply_buf
        if len(buf) < 4:
            return None
        n = int.from_bytes(buf[:4], "big")
        if n > wire.MAX_MESSAGE:
            raise _Stop("crash")
        if len(buf) < 4 + n:
            return None
        try:
            body, sizes = wire.unpack_header(bytes(buf[4: 4 + n]))
        except wire.WireError:
            raise _Stop("crash") from None
        end = 4 + n + sum(sizes)
        if len(buf) < end:
            return None
        blobs, pos = [], 4 + n
        for size in sizes:
            blobs.append(bytes(buf[pos: pos + size]))
            pos += size
        del buf[:end]
        try:
            return wire.decode(body, blobs, self.generators)
        except (wire.WireError, TypeError, ValueError):
            raise _Stop("crash") from None

    def _wait(self):
        """Wait for the pipes (until the deadline), draining output and reply bytes; returns write-ready keys."""
        left = self.deadline - time.perf_counter()
        if left <= 0:
            raise _Stop("timeout")
        ready = []
        for key, _ in self.selector.select(timeout=min(left, 0.5)):
            if key.data == "out":
                self._drain_output()
            elif key.data == "reply":
                self._drain_replies()
            else:
                ready.append(key)
        return ready

    def _drain_output(self) -> None:
        while True:
            try:
                chunk = os.read(self.out_fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.selector.unregister(self.out_fd)
                return
            self.output_total += len(chunk)
            if len(self.output) < OUTPUT_BYTES:
                self.output += chunk[: OUTPUT_BYTES - len(self.output)]
            if self.output_total > FLOOD_BYTES:
                raise _Stop("flood")

    def _drain_replies(self) -> None:
        from cubenet.workshop import wire

        while True:
            try:
                chunk = os.read(self.rep_r, 1 << 20)
            except BlockingIOError:
                return
            if not chunk:
                raise _Stop("crash")  # the child exited (or closed its reply pipe) without answering
            self.reply_buf += chunk
            if len(self.reply_buf) > wire.MAX_MESSAGE + (1 << 20):
                raise _Stop("crash")

    # ------------------------------------------------------------ ending

    def ask_where(self, wait: float = 1.0) -> None:
        """Ask the child (out of time) to write where the learner's code is busy, and wait briefly.

        The child answers from a Python-level signal handler, which runs in its main thread between bytecodes;
        code stuck inside one long C call does not answer, and the message then only says that time ran out."""
        if WHERE_SIGNAL is None:
            return
        try:
            self.proc.send_signal(WHERE_SIGNAL)
        except (ProcessLookupError, OSError):
            return
        deadline = time.perf_counter() + wait
        while time.perf_counter() < deadline and not self.stuck.is_file() and self.proc.poll() is None:
            time.sleep(0.02)

    def returncode(self, wait: float = 2.0) -> int | None:
        try:
            return self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        """Kill the child, its process group and (Linux) every process it left behind; close the pipes."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (AttributeError, ProcessLookupError, PermissionError, OSError):
            pass
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        kill_leftovers(self.before)
        self.selector.close()
        for fd in (self.req_w, self.rep_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self._drain_rest()
        finally:
            self.proc.stdout.close()

    def _drain_rest(self) -> None:
        """What the child printed just before it ended (its pipe may already hold it)."""
        while len(self.output) < OUTPUT_BYTES:
            try:
                chunk = os.read(self.out_fd, OUTPUT_BYTES - len(self.output))
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.output += chunk


def kill_leftovers(before: set[int], rounds: int = 50) -> None:
    """Kill every descendant of this process that was not a child before the check (orphans the subreaper
    collected, and their children), until none is left."""
    me = os.getpid()
    for _ in range(rounds):
        parents = _parents()
        mine = {pid for pid, ppid in parents.items() if ppid == me and pid not in before}
        victims = set(mine)
        for pid in mine:
            victims |= descendants(pid, parents)
        if not victims:
            return
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.perf_counter() + 1.0
        for pid in mine:
            while time.perf_counter() < deadline:
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    break
                time.sleep(0.005)


def _stop_signals():
    """During a check, SIGTERM and SIGHUP stop it like Ctrl-C (so the child's tree is killed); returns the undo."""
    import threading

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
                except _Stop as stop:
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
