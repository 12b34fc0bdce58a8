"""The child process that runs a learner's answer, seen from the checker: starting it, talking to it over pipes,
and killing its whole process tree on every way out.

:class:`ChildSession` starts ``python -m cubenet.workshop`` (:mod:`cubenet.workshop.child`) and exchanges plain
data with it (JSON and ``.npy`` bytes, :mod:`cubenet.workshop.wire`); its output is read as it comes and capped,
and a child that floods it, overruns its time or dies is stopped (:class:`Stop`). On Linux the checker becomes a
child subreaper, so processes the answer forks (even with ``setsid``) are found (:func:`descendants`) and
killed (:func:`kill_leftovers`); on macOS the child's process group is killed (a ``setsid`` daemon can escape).
The pipes (``pass_fds``, non-blocking reads with ``selectors``) are POSIX only.
"""

from __future__ import annotations

import ctypes
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from cubenet.workshop import wire
from cubenet.workshop.child import WHERE_SIGNAL

#: bytes of the child's output kept; a child writing more than FLOOD_BYTES is stopped
OUTPUT_BYTES = 80_000  # the child passes on 64,000 characters of printing and a note that it cut the rest
FLOOD_BYTES = 1_000_000


def _child_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env.update({"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    return env


class Stop(BaseException):
    """The child has to be stopped: ``status`` is "timeout", "flood" or "crash"."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def become_subreaper() -> bool:
    """Linux: orphans of this process's descendants are re-parented here (not to init), so they can be found."""
    if not sys.platform.startswith("linux"):
        return False
    try:
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
                            raise Stop("crash") from None
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
            raise Stop("crash")
        return reply

    def _parse_reply(self):
        buf = self.reply_buf
        if len(buf) < 4:
            return None
        n = int.from_bytes(buf[:4], "big")
        if n > wire.MAX_MESSAGE:
            raise Stop("crash")
        if len(buf) < 4 + n:
            return None
        try:
            body, sizes = wire.unpack_header(bytes(buf[4: 4 + n]))
        except wire.WireError:
            raise Stop("crash") from None
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
            raise Stop("crash") from None

    def _wait(self):
        """Wait for the pipes (until the deadline), draining output and reply bytes; returns write-ready keys."""
        left = self.deadline - time.perf_counter()
        if left <= 0:
            raise Stop("timeout")
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
                raise Stop("flood")

    def _drain_replies(self) -> None:
        while True:
            try:
                chunk = os.read(self.rep_r, 1 << 20)
            except BlockingIOError:
                return
            if not chunk:
                raise Stop("crash")  # the child exited (or closed its reply pipe) without answering
            self.reply_buf += chunk
            if len(self.reply_buf) > wire.MAX_MESSAGE + (1 << 20):
                raise Stop("crash")

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
