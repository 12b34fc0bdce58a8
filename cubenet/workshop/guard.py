"""Forbidden shortcuts: while a learner's code runs, some modules cannot be imported and some functions not called.

A :class:`Guard` hides the forbidden modules from ``sys.modules``, blocks importing them, and wraps
forbidden functions so that a call *from the learner's code* is refused: any caller that is not a file of
cubenet, numpy, scipy or the standard library (code the learner compiled under another name included).
Refusals raise :class:`ForbiddenShortcut`, a ``BaseException`` so that a learner's ``except Exception``
cannot swallow it; every refusal is also recorded in ``Guard.violations``.

A :class:`PeekGuard` (in the child process only: it installs an audit hook, which cannot be removed) refuses
and records every attempt to reach the checker's reference: importing ``cubenet.workshop``'s checks, opening
a check or a puzzle's ``solution.py`` by path, walking up into the runner's frames, ``gc`` introspection,
ctypes calls, starting other programs, and writing ``progress.json``. Each attempt makes the verdict
"peeked". The reference itself is never in the child process, so these only stop the routes to the files.
"""

from __future__ import annotations

import importlib
import importlib.abc
import os
import sys
import sysconfig
from contextlib import contextmanager
from typing import Callable

import numpy

import cubenet
from cubenet.data.moves import as_moves


class ForbiddenShortcut(BaseException):
    """The learner's code used something this puzzle asks them to do by themselves."""


class Peeked(BaseException):
    """The learner's code tried to reach the checker's reference (a check or a solution)."""


def _library_dirs() -> tuple[str, ...]:
    """Folders whose files are trusted callers: cubenet, numpy, scipy and the standard library."""
    dirs = {os.path.dirname(os.path.realpath(cubenet.__file__)), os.path.dirname(os.path.realpath(numpy.__file__))}
    try:
        import scipy  # (its frames are trusted too, when it is installed)

        dirs.add(os.path.dirname(os.path.realpath(scipy.__file__)))
    except ImportError:
        pass
    for key in ("stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(os.path.realpath(path))
    return tuple(d + os.sep for d in dirs)


#: file names the learner compiled code under (their code may pose as a library's)
SPOOFED: set[str] = set()


def is_library_file(filename: str) -> bool:
    if filename in SPOOFED or not filename or filename.startswith("<"):
        return False
    return os.path.realpath(filename).startswith(_library_dirs_cached())


_DIRS: tuple[str, ...] | None = None


def _library_dirs_cached() -> tuple[str, ...]:
    global _DIRS
    if _DIRS is None:
        _DIRS = _library_dirs()
    return _DIRS


# ---------------------------------------------------------------- named policies (sent to the child as data)

def one_turn_only(args, kwargs):
    """``permutation()`` of a single turn is fine; of a whole scramble it is the answer of puzzle 1."""
    moves = args[0] if args else kwargs.get("moves", ())
    if len(as_moves(moves)) > 1:
        return "call it with one turn at a time; composing the turns is the puzzle"
    return None


POLICIES = {"one_turn_only": one_turn_only}


def policy_to_data(policy):
    """A reason string as it is; a policy function by its name in :data:`POLICIES`."""
    if isinstance(policy, str):
        return policy
    name = getattr(policy, "__name__", "")
    if POLICIES.get(name) is not policy:
        raise ValueError(f"a call policy must be a string or one of guard.POLICIES, not {policy!r}")
    return {"policy": name}


def policy_from_data(data):
    if isinstance(data, str):
        return data
    if isinstance(data, dict) and data.get("policy") in POLICIES:
        return POLICIES[data["policy"]]
    raise ValueError(f"unknown call policy {data!r}")


def _matches(name: str, prefixes) -> str | None:
    for prefix in prefixes:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


class _BlockImports(importlib.abc.MetaPathFinder):
    def __init__(self, guard: "Guard"):
        self.guard = guard

    def find_spec(self, fullname, path=None, target=None):
        prefix = _matches(fullname, self.guard.modules)
        if prefix is not None:
            self.guard.refuse(f"importing {fullname} ({self.guard.modules[prefix]})")
        return None


def _resolve(dotted: str):
    """``"pkg.mod.Class.attr"`` -> (owner object, attribute name, current value)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:-1]:
            owner = getattr(owner, attr)
        return owner, parts[-1], getattr(owner, parts[-1])
    raise ValueError(f"cannot resolve {dotted!r}")


class Guard:
    """Context manager: forbid ``modules`` (prefix -> reason) and ``calls`` from ``learner_file``.

    ``calls`` maps a dotted function path to a reason string, or to a policy
    ``policy(args, kwargs) -> reason or None`` that refuses only some calls.
    """

    def __init__(self, learner_file: str, modules: dict | None = None, calls: dict | None = None):
        self.learner_file = str(learner_file)
        self.modules = dict(modules or {})
        self.calls = dict(calls or {})
        self.violations: list[str] = []
        self._undo: list[Callable[[], None]] = []

    def refuse(self, reason: str):
        self.violations.append(reason)
        raise ForbiddenShortcut(reason)

    def __enter__(self) -> "Guard":
        self._hide_modules()
        finder = _BlockImports(self)
        sys.meta_path.insert(0, finder)
        self._undo.append(lambda: sys.meta_path.remove(finder))
        for dotted, policy in self.calls.items():
            self._wrap_call(dotted, policy)
        return self

    def __exit__(self, *exc) -> None:
        while self._undo:
            self._undo.pop()()

    def _hide_modules(self) -> None:
        if not self.modules:
            return
        hidden = {name: mod for name, mod in sys.modules.items() if _matches(name, self.modules)}
        for name in hidden:
            del sys.modules[name]
        self._undo.append(lambda: sys.modules.update(hidden))
        for name in hidden:
            parent, _, child = name.rpartition(".")
            owner = sys.modules.get(parent)
            if owner is not None and child in vars(owner):
                value = vars(owner)[child]
                delattr(owner, child)
                self._undo.append(lambda owner=owner, child=child, value=value: setattr(owner, child, value))

    def _wrap_call(self, dotted: str, policy) -> None:
        owner, attr, original = _resolve(dotted)
        guard = self

        def guarded(*args, **kwargs):
            caller = sys._getframe(1).f_code.co_filename
            if caller == guard.learner_file or not is_library_file(caller):
                reason = policy if isinstance(policy, str) else policy(args, kwargs)
                if reason:
                    guard.refuse(f"calling {dotted.rsplit('.', 1)[-1]}() ({reason})")
            return original(*args, **kwargs)

        guarded.__name__ = getattr(original, "__name__", attr)
        guarded.__doc__ = getattr(original, "__doc__", None)
        had_own = attr in vars(owner)
        setattr(owner, attr, guarded)
        self._undo.append(lambda: setattr(owner, attr, original) if had_own else delattr(owner, attr))


# ---------------------------------------------------------------- the peek guard (child process only)

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_PROGRAM_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile",
                   "pty.spawn")
_CTYPES_EVENTS = ("ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function", "ctypes.addressof", "ctypes.string_at",
                  "ctypes.wstring_at", "ctypes.cdata")
_GC_EVENTS = ("gc.get_objects", "gc.get_referrers", "gc.get_referents")


class PeekGuard:
    """An audit hook (plus a meta-path finder) that refuses routes to the reference while learner code runs.

    ``blocked`` (sent by the checker): ``modules`` (prefixes), ``files`` (exact paths), ``dirs`` (folders),
    ``allowed`` (files inside those folders that hold no reference: the child's own modules).
    """

    def __init__(self, runner_files=()):
        self.runner_files = {os.path.realpath(f) for f in runner_files}
        self.attempts: list[str] = []
        self.modules: tuple[str, ...] = ()
        self.files: set[str] = set()
        self.dirs: tuple[str, ...] = ()
        self.allowed: set[str] = set()
        self._on = False
        self._busy = False
        self._installed = False

    def install(self, blocked: dict) -> None:
        self.modules = tuple(blocked.get("modules", ()))
        self.files = {os.path.realpath(f) for f in blocked.get("files", ())}
        self.dirs = tuple(os.path.realpath(d) + os.sep for d in blocked.get("dirs", ()))
        self.allowed = {os.path.realpath(f) for f in blocked.get("allowed", ())}
        for name in [m for m in sys.modules if _matches(m, self.modules)]:
            del sys.modules[name]  # nothing blocked may be reachable from the module cache
        if not self._installed:
            _library_dirs_cached()  # before the hook: it imports numpy and scipy
            sys.addaudithook(self._hook)
            sys.meta_path.insert(0, _PeekFinder(self))
            self._installed = True

    @contextmanager
    def active(self):
        self._on = True
        try:
            yield self
        finally:
            self._on = False

    def refuse(self, what: str):
        self.attempts.append(what)
        raise Peeked(what)

    def _blocked_path(self, path) -> bool:
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        if real in self.allowed:
            return False
        return real in self.files or real.startswith(self.dirs)

    def _hook(self, event: str, args) -> None:
        if not self._on or self._busy:
            return
        self._busy = True
        try:
            self._check(event, args)
        finally:
            self._busy = False

    def _check(self, event: str, args) -> None:
        if event == "import":
            if _matches(str(args[0]), self.modules):
                self.refuse(f"importing {args[0]}, which holds the checker's reference")
        elif event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            if isinstance(path, int):
                return
            if self._blocked_path(path):
                self.refuse(f"opening {os.fsdecode(path)}, the checker's reference")
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance(flags, int) and mode is None and flags & _WRITE_FLAGS)
            if writing and os.path.basename(os.fsdecode(path)) == "progress.json":
                self.refuse("writing progress.json, where the checker records verdicts")
        elif event == "compile":
            filename = args[1] if len(args) > 1 else None
            if isinstance(filename, (str, bytes)) and _from_learner():
                name = os.fsdecode(filename)
                if not name.startswith("<") and is_library_file(name):
                    SPOOFED.add(name)  # code compiled under a library's name is still the learner's
                if self._blocked_path(name):
                    self.refuse(f"compiling code as {name}, a file of the checker")
        elif event == "sys._getframe":
            if _from_learner(skip=(os.sep + "inspect.py", os.sep + "traceback.py")):
                self.refuse("reading the call stack with sys._getframe() (the checker's frames are above yours)")
        elif event == "object.__getattr__":
            obj, name = (tuple(args) + (None, None))[:2]
            if name in ("tb_frame", "gi_frame", "cr_frame", "ag_frame") and _from_learner() and obj is not None:
                target = getattr(obj, name, None)
                code = getattr(target, "f_code", None)
                if code is not None and os.path.realpath(code.co_filename) in self.runner_files:
                    self.refuse("reaching the checker's own frames")
        elif event in _GC_EVENTS:
            self.refuse(f"looking through the process's objects with {event}()")
        elif event in _CTYPES_EVENTS and _from_learner(skip=os.sep + "ctypes" + os.sep):
            self.refuse("calling C functions directly with ctypes")
        elif event.startswith(_PROGRAM_EVENTS):
            self.refuse(f"starting another program ({event}), which could read the reference")


def _from_learner(skip: str | tuple = ()) -> bool:
    """Whether the Python code that caused the current audit event is the learner's (not a library's, not the
    import system's). Frames whose file contains ``skip`` are looked through."""
    skip = (skip,) if isinstance(skip, str) else skip
    frame = sys._getframe(3)  # above this function, PeekGuard._check and PeekGuard._hook
    while frame is not None:
        name = frame.f_code.co_filename
        if not any(s in name for s in skip):
            return not (name.startswith("<frozen") or is_library_file(name))
        frame = frame.f_back
    return False


class _PeekFinder(importlib.abc.MetaPathFinder):
    def __init__(self, guard: PeekGuard):
        self.guard = guard

    def find_spec(self, fullname, path=None, target=None):
        if self.guard._on and _matches(fullname, self.guard.modules):
            self.guard.refuse(f"importing {fullname}, which holds the checker's reference")
        return None
