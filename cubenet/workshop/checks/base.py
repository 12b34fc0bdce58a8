"""What every check uses: the learner's module behind a guard, friendly failures, and strict value tests.

A check is a function ``check(learner, ctx) -> Passed`` that calls the learner's code through
:meth:`Learner.call` (errors there become a friendly :class:`LearnerError`), validates what comes back
with the ``expect_*`` helpers (exact types, shapes and dtypes, never broadcasting leniency) and raises
:class:`Fail` with one kind sentence when the behaviour is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cubenet.files import save_figure
from cubenet.validate import is_integer
from cubenet.workshop.guard import ForbiddenShortcut, Peeked


class Fail(Exception):
    """The learner's answer behaves wrongly. ``kind`` is "fail" (wrong values) or "shape" (wrong type/shape/dtype)."""

    def __init__(self, message: str, *, kind: str = "fail", details=()):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.details = tuple(details)


class LearnerError(Exception):
    """The learner's code raised an exception; ``message`` says where and what, without a traceback dump."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Passed:
    """A passing check: a short message, and for golf puzzles a score against par (fewer is better)."""

    message: str = "all checks passed"
    details: tuple = ()
    score: int | None = None
    par: int | None = None


@dataclass
class Context:
    """Where a check may save its "yours vs target" picture."""

    feedback_dir: Path | None = None
    feedback: Path | None = field(default=None)

    def picture(self, build, name: str = "feedback.png") -> Path | None:
        """Build the figure (``build()`` -> Figure) and save it, only when there is a place for it."""
        if self.feedback_dir is None:
            return None

        self.feedback = save_figure(build(), Path(self.feedback_dir) / name)
        return self.feedback


from cubenet.workshop.child import MEMORY_LIMIT, describe_exception, learner_line  # noqa: E402,F401 - re-exported


def show(value, limit: int = 60) -> str:
    """A short readable form of a value for messages (arrays as shape and dtype)."""
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return f"array({np.array2string(value, precision=4, separator=', ')}, dtype={value.dtype})"
        return f"array of shape {value.shape}, dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def count(n: int, noun: str) -> str:
    """``1 turn``, ``3 turns``: a number with its noun, singular or plural."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def got(value, *, with_type: bool = True) -> str:
    """What the learner gave, for "but it is …" messages; None gets a nudge about a forgotten ``return``."""
    if value is None:
        return "None (did the function forget to 'return' its result?)"
    return f"{type(value).__name__} {show(value)}" if with_type else show(value)


class Learner:
    """The learner's answer, reached through a session with the process that runs it (or, in the test suite,
    the same code in-process). Only plain data crosses: what the check sends and what the answer returns.

    ``session.request(dict) -> dict`` answers one request of :mod:`cubenet.workshop.child`.
    """

    def __init__(self, session, filename: str):
        self.session = session
        self.filename = filename

    def _reply(self, request: dict) -> dict:
        reply = self.session.request(request)
        kind = reply.get("kind")
        if kind == "forbidden":
            raise ForbiddenShortcut(reply.get("message", ""))
        if kind == "peeked":
            raise Peeked(reply.get("message", ""))
        if kind == "error":
            raise LearnerError(reply.get("message", ""))
        if kind == "too-big":
            raise Fail(f"what your code returned is too big to check ({reply.get('message', '')}).", kind="shape")
        if kind not in ("ok", "not-callable"):
            raise LearnerError(f"the answer's process gave an unexpected reply ({str(kind)[:40]})")
        return reply

    def value(self, name: str):
        """A module-level name the learner defined (presence is checked before the check runs)."""
        return self._reply({"op": "value", "name": name})["value"]

    def call(self, name: str, *args, shown: str | None = None, **kwargs):
        """Call the learner's function ``name``; ``shown`` is how the call reads in messages.

        What the function does to its arguments in place is copied back into them, so a check can still see
        an answer that changes its inputs."""
        shown_args = [*(show(a) for a in args), *(f"{k}={show(v)}" for k, v in kwargs.items())]
        doing = shown or f"{name}({', '.join(shown_args)})"
        reply = self._reply({"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs),
                             "doing": doing})
        if reply["kind"] == "not-callable":
            raise Fail(f"{name} should be a function, but it is {got(reply['value'])}.", kind="shape")
        after = reply.get("args_after")
        if after is not None:
            copy_back(list(args), after)
        return reply["value"]


def copy_back(before, after) -> None:
    """Make ``before`` (the check's arguments) hold what the answer left in its copies (``after``)."""
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before.shape == after.shape and before.dtype == after.dtype and before.flags.writeable \
                and not np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"):
            before[...] = after
    elif isinstance(before, list) and isinstance(after, list):
        if len(before) == len(after):
            for b, a in zip(before, after):
                copy_back(b, a)
        else:
            before[:] = after
    elif isinstance(before, tuple) and isinstance(after, tuple) and len(before) == len(after):
        for b, a in zip(before, after):
            copy_back(b, a)


# ---------------------------------------------------------------- strict value tests

def expect_array(value, what: str, *, shape: tuple, dtype=None) -> np.ndarray:
    """``value`` must be an ndarray of exactly ``shape`` (and ``dtype`` when given)."""
    if not isinstance(value, np.ndarray):
        raise Fail(f"{what} should be a numpy array of shape {shape}{_dtype_text(dtype)}, "
                   f"but it is {got(value)}.", kind="shape")
    if value.shape != tuple(shape):
        raise Fail(f"{what} should have shape {tuple(shape)}, but yours has shape {value.shape}.", kind="shape")
    if dtype is not None and value.dtype != np.dtype(dtype):
        hint = " (write numbers as 1.0, or use np.array(..., dtype=float))" if value.dtype.kind in "iub" else ""
        raise Fail(f"{what} should have dtype {np.dtype(dtype)}, but yours has dtype {value.dtype}{hint}.",
                   kind="shape")
    return value


def _dtype_text(dtype) -> str:
    return "" if dtype is None else f" and dtype {np.dtype(dtype)}"


def expect_finite(value: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(value)):
        bad = np.argwhere(~np.isfinite(value))[0]
        raise Fail(f"{what} contains {value[tuple(bad)]} at index {tuple(int(i) for i in bad)}; "
                   f"every entry must be finite.")
    return value


def expect_int(value, what: str) -> int:
    """A Python or numpy integer (not bool, not float)."""
    if not is_integer(value):
        raise Fail(f"{what} should be an int, but it is {got(value)}.", kind="shape")
    return int(value)


def expect_str(value, what: str) -> str:
    if not isinstance(value, str):
        raise Fail(f"{what} should be a str, but it is {got(value)}.", kind="shape")
    return value


def expect_params(value, what: str, *, n_in: int | None = None, n_out: int | None = None, dtype=None) -> list:
    """A list (or tuple) of ``(W, b)`` pairs with chained shapes: W (fan_in, fan_out), b (fan_out,)."""
    if not isinstance(value, (list, tuple)) or not value:
        raise Fail(f"{what} should be a non-empty list of (W, b) pairs, but it is {got(value)}.", kind="shape")
    layers = []
    fan_in = n_in
    for i, pair in enumerate(value):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Fail(f"{what}[{i}] should be a pair (W, b), but it is {show(pair)}.", kind="shape")
        W, b = pair
        if not isinstance(W, np.ndarray) or W.ndim != 2:
            raise Fail(f"{what}[{i}] W should be a 2-D numpy array (fan_in, fan_out), but it is {show(W)}.",
                       kind="shape")
        if fan_in is not None and W.shape[0] != fan_in:
            raise Fail(f"{what}[{i}] W should have {fan_in} rows (the width of what comes in), but its shape is "
                       f"{W.shape}.", kind="shape")
        expect_array(W, f"{what}[{i}] W", shape=W.shape, dtype=dtype)
        expect_array(b, f"{what}[{i}] b", shape=(W.shape[1],), dtype=dtype)
        expect_finite(W, f"{what}[{i}] W")
        expect_finite(b, f"{what}[{i}] b")
        layers.append((W, b))
        fan_in = W.shape[1]
    if n_out is not None and fan_in != n_out:
        raise Fail(f"the last layer of {what} should have {n_out} outputs, but it has {fan_in}.", kind="shape")
    return layers


def count_params(params) -> int:
    return int(sum(W.size + b.size for W, b in params))


def relu_forward(params, X) -> np.ndarray:
    """Output-layer scores of a ReLU network (hidden ReLU, last layer linear)."""
    h = X
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    return h


def close(yours: np.ndarray, target: np.ndarray, *, rtol: float, atol: float) -> bool:
    return bool(np.allclose(yours, target, rtol=rtol, atol=atol))


def worst_entry(yours: np.ndarray, target: np.ndarray) -> str:
    """Where two arrays differ most, for a message."""
    idx = np.unravel_index(np.argmax(np.abs(yours - target)), yours.shape)
    at = tuple(int(i) for i in idx)
    return f"at index {at}: yours {yours[idx]:.6g}, expected {target[idx]:.6g}"
