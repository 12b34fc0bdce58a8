"""One validation vocabulary: every parameter check in cubenet, with one message style that names the parameter.

Each ``check_*`` returns the value in its canonical form (a Python ``int``, ``float`` or ``str``) or raises
:class:`~cubenet.errors.CubenetError` with ``"<name> must be <rule>, got <value>"``, optionally followed
by advice. ``name`` is what the user typed: ``"twists"`` in the library, ``"--twists"`` from the CLI.
Booleans are never accepted as numbers (``True`` is an ``int`` to Python, never to a user).
This module sits below ``data/``, ``nn/`` and ``viz/``: it imports nothing of cubenet but the error type.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence

import numpy as np

from cubenet.errors import CubenetError

_INTEGER = (int, np.integer)
_REAL = (int, float, np.integer, np.floating)


def _fail(name: str, rule: str, value, advice: str | None = None):
    message = f"{name} must be {rule}, got {value!r}"
    raise CubenetError(f"{message}; {advice}" if advice else message)


def _range_rule(kind: str, minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f"{kind} between {minimum:,} and {maximum:,}" if kind == "an integer" else \
            f"{kind} between {minimum:g} and {maximum:g}"
    if minimum is not None:
        return f"{kind} >= {minimum:,}" if kind == "an integer" else f"{kind} >= {minimum:g}"
    if maximum is not None:
        return f"{kind} <= {maximum:,}" if kind == "an integer" else f"{kind} <= {maximum:g}"
    return kind


def is_integer(value) -> bool:
    """True for a Python or numpy integer that is not a bool."""
    return isinstance(value, _INTEGER) and not isinstance(value, (bool, np.bool_))


def is_real(value) -> bool:
    """True for a Python or numpy real number (int or float) that is not a bool."""
    return isinstance(value, _REAL) and not isinstance(value, (bool, np.bool_))


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None,
              advice: str | None = None) -> int:
    """An integer (not a bool) in ``[minimum, maximum]``; returns a Python ``int``."""
    if not is_integer(value) or (minimum is not None and value < minimum) or \
            (maximum is not None and value > maximum):
        _fail(name, _range_rule("an integer", minimum, maximum), value, advice)
    return int(value)


def check_count(name: str, value, *, minimum: int = 1, maximum: int | None = None,
                advice: str | None = None) -> int:
    """A count: an integer >= ``minimum`` (default 1) and <= ``maximum``."""
    return check_int(name, value, minimum=minimum, maximum=maximum, advice=advice)


def check_number(name: str, value, *, minimum: float | None = None, maximum: float | None = None,
                 above: float | None = None, advice: str | None = None) -> float:
    """A finite real number in ``[minimum, maximum]`` (or ``> above``); returns a Python ``float``."""
    if is_real(value) and math.isfinite(float(value)):
        v = float(value)
        if (minimum is None or v >= minimum) and (maximum is None or v <= maximum) and (above is None or v > above):
            return v
    if above is not None:
        rule = f"a number > {above:g}" + (f" and <= {maximum:g}" if maximum is not None else "")
    else:
        rule = _range_rule("a finite number", minimum, maximum)
    _fail(name, rule, value, advice)


def check_fraction(name: str, value, *, inclusive_one: bool = True, allow_zero: bool = True,
                   advice: str | None = None) -> float:
    """A fraction in [0, 1] (or (0, 1], [0, 1) with the flags)."""
    if is_real(value) and math.isfinite(float(value)):
        v = float(value)
        if (v > 0 or (allow_zero and v == 0)) and (v < 1 or (inclusive_one and v == 1)):
            return v
    rule = f"a fraction in {'[' if allow_zero else '('}0, 1{']' if inclusive_one else ')'}"
    _fail(name, rule, value, advice)


def check_bool(name: str, value) -> bool:
    """True or False (numpy bools too); returns a Python ``bool``."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(name, "True or False", value)
    return bool(value)


def check_choice(name: str, value, choices: Iterable[str], *, what: str | None = None) -> str:
    """One of ``choices``; the message lists them (and says 'did you mean' for a near miss)."""
    choices = tuple(choices)
    if isinstance(value, str) and value in choices:
        return value
    label = what or name
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), [c.lower() for c in choices], n=1)
        if close:
            hint = f" (did you mean {choices[[c.lower() for c in choices].index(close[0])]!r}?)"
    raise CubenetError(f"unknown {label} {value!r}{hint}; choose from {', '.join(choices)}")


def check_finite(name: str, array, *, advice: str | None = None) -> np.ndarray:
    """A numeric array with no NaN or infinity; the message counts the bad entries."""
    a = np.asarray(array)
    if a.dtype.kind not in "biuf":
        raise CubenetError(f"{name} must hold numbers, got an array of {a.dtype}")
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a)
        if bad.any():
            message = f"{name} holds {int(bad.sum()):,} NaN or infinite value(s) of {a.size:,}"
            raise CubenetError(f"{message}; {advice}" if advice else message)
    return a


def check_int_list(name: str, values, *, minimum: int = 1, maximum: int | None = None,
                   min_length: int = 0, max_length: int | None = None) -> tuple[int, ...]:
    """A sequence of integers, each in ``[minimum, maximum]``; returns a tuple of ``int``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        _fail(name, "a list of integers", values)
    if len(values) < min_length or (max_length is not None and len(values) > max_length):
        span = f"{min_length} to {max_length}" if max_length is not None else f"at least {min_length}"
        _fail(name, f"a list of {span} integers", values)
    return tuple(check_int(f"{name}[{i}]", v, minimum=minimum, maximum=maximum) for i, v in enumerate(values))


def check_type(name: str, value, types, *, what: str) -> object:
    """An instance of ``types``; ``what`` names the expected kind for the message ('a Dataset')."""
    if not isinstance(value, types):
        raise CubenetError(f"{name} must be {what}, got {type(value).__name__}")
    return value
