"""The process that runs a learner's answer: it imports ``answer.py``, calls it on the inputs the checker sends and
sends back what it returned, as plain data (:mod:`cubenet.workshop.wire`). It never sees a check, a reference or
an expected value, and it never writes a verdict: the checker (:mod:`cubenet.workshop.checker`) computes that.

Started as ``python -m cubenet.workshop --requests FD --replies FD [--stuck-file PATH]``. Requests:

- ``{"op": "load", "file", "expects", "forbid_modules", "forbid_calls", "blocked"}``: compile and run the file
  behind the puzzle's guard; the reply says ``ok`` (with the names it defines) or why not.
- ``{"op": "value", "name"}``: a module-level value.
- ``{"op": "call", "name", "args", "kwargs", "doing"}``: call a function; the reply is its return value, or the
  friendly description of the exception it raised.

Every reply carries ``violations`` (forbidden shortcuts) and ``peeked`` (attempts to reach the checker's
reference), which the checker turns into "forbidden" and "peeked" verdicts.

The :class:`AnswerHost` is transport-free, so the test suite runs the very same code in-process
(:func:`cubenet.workshop.checker.run_check`).
"""

from __future__ import annotations

import argparse
import ctypes
import linecache
import os
import signal
import sys
import traceback
import types
from contextlib import ExitStack
from pathlib import Path

from cubenet.workshop import guard, wire
from cubenet.workshop.guard import ForbiddenShortcut, Guard, Peeked, policy_from_data

#: address space a checked answer may use (the checker's own imports and data need about 0.4 GB)
MEMORY_LIMIT = 2 * 2**30
#: characters of the learner's printing passed on; the checker also caps the bytes it reads
PRINT_CAP = 64_000
#: the signal by which the checker asks a child that ran out of time where it is busy
WHERE_SIGNAL = getattr(signal, "SIGUSR1", None)


def syntax_message(exc: SyntaxError, filename: str) -> str:
    """Where Python could not read the file, with the line and a caret."""
    line = (exc.text or "").rstrip("\n")
    stripped = line.lstrip()
    caret = ""
    if exc.offset and stripped:
        caret = "\n    " + " " * max(0, exc.offset - 1 - (len(line) - len(stripped))) + "^"
    return (f"Python cannot read {Path(filename).name}: {exc.msg} (line {exc.lineno})\n"
            f"    {stripped}{caret}")


def learner_line(exc: BaseException, filename: str) -> tuple[int, str, str] | None:
    """The deepest traceback frame inside the learner's file: (line number, function, source line)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            found = (frame.lineno, frame.name, (frame.line or linecache.getline(filename, frame.lineno)).strip())
    return found


def describe_exception(exc: BaseException, filename: str, doing: str) -> str:
    """One friendly paragraph: what was being done, the error, and the learner's line that raised it."""
    name = Path(filename).name
    if isinstance(exc, NotImplementedError):
        head = f"{doing} is not written yet (it raises NotImplementedError{': ' + str(exc) if str(exc) else ''})."
    elif isinstance(exc, SystemExit):
        head = f"{doing} called exit(); an answer must return its result instead."
    elif isinstance(exc, MemoryError):
        head = (f"{doing} ran out of memory (MemoryError: the checker allows each answer "
                f"{MEMORY_LIMIT // 2**30} GB): is an array far bigger than it needs to be?")
    elif isinstance(exc, RecursionError):
        head = f"{doing} recursed too deeply (RecursionError): does the recursion reach its base case?"
    else:
        try:
            text = str(exc)
        except Exception:  # noqa: BLE001 - a learner's exception may fail to print
            text = "(its message cannot be shown)"
        head = f"{doing} raised {type(exc).__name__}: {text}"
    where = learner_line(exc, filename)
    if where is None:
        return head
    lineno, func, line = where
    place = f"line {lineno} of {name}" + (f" (in {func})" if func != "<module>" else "")
    return f"{head}\n  at {place}: {line}"


class AnswerHost:
    """The learner's module and its guard; :meth:`handle` answers one request (a dict) with one reply (a dict)."""

    def __init__(self, peek_guard=None):
        self.module = None
        self.filename = ""
        self.guard = None
        self.peek_guard = peek_guard

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "load":
                reply = self._load(request)
            elif op == "value":
                reply = self._value(request["name"])
            elif op == "call":
                reply = self._call(request)
            else:
                reply = {"kind": "bad-request", "message": f"unknown request {op!r}"}
        except _Interrupted:
            raise
        reply["violations"] = list(self.guard.violations) if self.guard is not None else []
        reply["peeked"] = list(self.peek_guard.attempts) if self.peek_guard is not None else []
        return reply

    def _learner(self):
        """Context in which learner code runs: the puzzle's guard and the peek guard are both active."""
        stack = ExitStack()
        stack.enter_context(self.guard)
        if self.peek_guard is not None:
            stack.enter_context(self.peek_guard.active())
        return stack

    def _load(self, request: dict) -> dict:
        path = Path(request["file"])
        self.filename = filename = str(path.resolve())
        calls = {k: policy_from_data(v) for k, v in request.get("forbid_calls", {}).items()}
        self.guard = Guard(filename, request.get("forbid_modules", {}), calls)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return {"kind": "error", "message": f"cannot read {path}: {exc}"}
        try:
            code = compile(source, filename, "exec")
        except SyntaxError as exc:
            return {"kind": "syntax", "message": syntax_message(exc, filename)}
        module = types.ModuleType("answer")
        module.__file__ = filename
        try:
            with self._learner():
                exec(code, module.__dict__)
        except (ForbiddenShortcut, Peeked) as exc:
            return {"kind": "forbidden" if isinstance(exc, ForbiddenShortcut) else "peeked", "message": str(exc)}
        except BaseException as exc:  # noqa: BLE001 - any error in the learner's file is reported kindly
            if isinstance(exc, (KeyboardInterrupt, _Interrupted)):
                raise
            return {"kind": "error", "message": describe_exception(exc, filename, f"Running {path.name}")}
        self.module = module
        names = [name for name in vars(module) if not name.startswith("__")]
        return {"kind": "ok", "names": names}

    def _value(self, name: str) -> dict:
        return {"kind": "ok", "value": getattr(self.module, name)}

    def _call(self, request: dict) -> dict:
        func = getattr(self.module, request["name"])
        if not callable(func):
            return {"kind": "not-callable", "value": func}
        try:
            with self._learner():
                value = func(*request.get("args", ()), **request.get("kwargs", {}))
        except (ForbiddenShortcut, Peeked) as exc:
            return {"kind": "forbidden" if isinstance(exc, ForbiddenShortcut) else "peeked", "message": str(exc)}
        except BaseException as exc:  # noqa: BLE001 - every learner error becomes a friendly message
            if isinstance(exc, (KeyboardInterrupt, _Interrupted)):
                raise
            return {"kind": "error", "message": describe_exception(exc, self.filename, request.get("doing", "it"))}
        return {"kind": "ok", "value": value, "args_after": list(request.get("args", ()))}


class _Interrupted(BaseException):
    """Raised inside the child when the checker asks it to stop."""


class _CappedOutput:
    """The child's stdout/stderr: the learner's printing passes through (flushed at once, so a crash keeps it)
    up to ``cap`` characters; beyond that it is dropped. (The checker also stops a child whose raw output
    floods the pipe, e.g. with ``os.write(1, ...)``.)"""

    encoding = "utf-8"

    def __init__(self, stream, cap: int = PRINT_CAP):
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


def die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this process when the checker dies (however it dies)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the checker died before the signal was set
        os._exit(1)


def limit_memory() -> None:
    """Cap the address space, soft and hard limit both, so the answer cannot lift the cap again."""
    try:
        import resource  # (POSIX only: Windows checks without a memory cap)

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limits = [MEMORY_LIMIT] + [v for v in (soft, hard) if v != resource.RLIM_INFINITY]  # never loosen one
        cap = min(limits)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):  # Windows, or a limit we may not set: check without one
        pass


def _write_where(path: str, frame) -> None:
    """The answer to the checker's "where are you busy?" signal: the stack, most recent call first."""
    lines = []
    while frame is not None:
        lines.append(f'  File "{frame.f_code.co_filename}", line {frame.f_lineno} in {frame.f_code.co_name}')
        frame = frame.f_back
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cubenet.workshop",
                                     description="Run one puzzle answer for the checker (its child process).")
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--replies", type=int, required=True)
    parser.add_argument("--stuck-file")
    args = parser.parse_args(argv)
    die_with_parent()
    limit_memory()
    sys.stdout = sys.stderr = _CappedOutput(sys.__stdout__)
    # everything the child needs is imported before any learner code runs, so the peek guard sees only the learner
    import numpy  # noqa: F401

    import cubenet.data.cube  # noqa: F401
    import cubenet.data.dataset  # noqa: F401
    import cubenet.nn.network  # noqa: F401
    if args.stuck_file and WHERE_SIGNAL is not None:
        signal.signal(WHERE_SIGNAL, lambda signum, frame: _write_where(args.stuck_file, frame))
    read_exact = wire.fd_reader(args.requests)
    generators: dict = {}
    peek = guard.PeekGuard(runner_files={__file__, wire.__file__, guard.__file__})
    host = AnswerHost(peek)
    while True:
        try:
            request = wire.read_message(read_exact, generators)
        except wire.WireError:
            return 0  # the checker is done (or gone)
        if isinstance(request, dict) and request.get("op") == "load":
            peek.install(request.get("blocked", {}))
        reply = host.handle(request)
        sys.stdout.flush()
        try:
            data = wire.pack(reply)
        except wire.WireError as exc:
            data = wire.pack({"kind": "too-big", "message": str(exc), "violations": reply.get("violations", []),
                              "peeked": reply.get("peeked", [])})
        wire.write_all(args.replies, data)
