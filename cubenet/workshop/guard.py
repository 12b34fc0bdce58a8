"""Forbidden shortcuts: while a learner's code runs, some modules cannot be imported and some functions not called.

A :class:`Guard` hides the forbidden modules from ``sys.modules``, blocks importing them, and wraps
forbidden functions so that a call *from the learner's file* is refused (cubenet's own code may
still use them). Refusals raise :class:`ForbiddenShortcut`, a ``BaseException`` so that a learner's
``except Exception`` cannot swallow it; every refusal is also recorded in ``Guard.violations``.
The guard is a teaching aid, not a security boundary.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from typing import Callable


class ForbiddenShortcut(BaseException):
    """The learner's code used something this puzzle asks them to do by themselves."""


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
            if sys._getframe(1).f_code.co_filename == guard.learner_file:
                reason = policy if isinstance(policy, str) else policy(args, kwargs)
                if reason:
                    guard.refuse(f"calling {dotted.rsplit('.', 1)[-1]}() ({reason})")
            return original(*args, **kwargs)

        guarded.__name__ = getattr(original, "__name__", attr)
        guarded.__doc__ = getattr(original, "__doc__", None)
        had_own = attr in vars(owner)
        setattr(owner, attr, guarded)
        self._undo.append(lambda: setattr(owner, attr, original) if had_own else delattr(owner, attr))
