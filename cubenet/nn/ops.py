"""Zero-argument numpy calls with the least work per call: what the kernels build once and replay every epoch."""

from __future__ import annotations

from functools import partial

import numpy as np

#: ``np.dot`` and ``np.copyto`` without their ``__array_function__`` dispatcher (a Python function run on every
#: call, 0.3-0.6 µs)
DOT = getattr(np.dot, "_implementation", np.dot)
COPYTO = getattr(np.copyto, "_implementation", np.copyto)


def op(func, *args, out):
    """The call ``func(*args, out=out)`` as a zero-argument callable with the least work per call.

    Replayed tens of thousands of times, so the form matters: ``out`` is passed by position where numpy
    allows it (a keyword makes every call merge a dict); a matrix product whose operands are contiguous
    (either order) and whose output is C-contiguous goes to ``np.dot``'s implementation, which reaches
    BLAS with less set-up than ``np.matmul`` (about 0.6 µs a call for small products; same BLAS
    routine). Maximum and minimum keep the keyword (positional ``out`` is deprecated for them).
    """
    if func is np.matmul:
        if out.flags.c_contiguous and all((a.flags.c_contiguous or a.flags.f_contiguous) and a.dtype == out.dtype
                                          for a in args):
            return partial(DOT, *args, out)
        return partial(np.matmul, *args, out)
    if func in (np.maximum, np.minimum):
        return partial(func, *args, out=out)
    return partial(func, *args, out)
