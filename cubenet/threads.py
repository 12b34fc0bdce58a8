"""How many threads OpenBLAS runs: one for training's small products, all of them for big ones.

A low-level module (it imports nothing of cubenet), so that the trainer, the run stage, the renderer,
the sweep and the benchmark limit BLAS the same way without importing one another. It uses OpenBLAS's
own ``*_set_num_threads`` through ctypes, which is what threadpoolctl does, without the dependency.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys


@contextlib.contextmanager
def blas_threads(n: int):
    """Run the block with ``n`` OpenBLAS threads (restored afterwards); a no-op where that is not possible."""
    libs = openblas_controls()
    before = [get() for get, _ in libs]
    for _, set_threads in libs:
        set_threads(max(1, int(n)))
    try:
        yield
    finally:
        for (_, set_threads), k in zip(libs, before):
            set_threads(k)


def single_blas_thread():
    """One OpenBLAS thread: the products of training are small, and a second BLAS thread only adds
    synchronisation (measured 2-7x slower on a busy 2-core machine)."""
    return blas_threads(1)


def all_blas_threads():
    """As many OpenBLAS threads as OPENBLAS_NUM_THREADS allows (default: one per core), e.g. for the big
    products of a linear probe on 15,000 × 128 activations (measured 1.9x faster with 2 threads)."""
    try:
        n = int(os.environ.get("OPENBLAS_NUM_THREADS") or os.cpu_count() or 1)
    except ValueError:  # e.g. "4,2": leave the count to OpenBLAS's own reading of it
        n = os.cpu_count() or 1
    return blas_threads(n)


_BLAS: dict = {}  # library path -> (get, set) or None
#: the thread-count functions' names, most specific first (scipy's wheels bring their own prefixed OpenBLAS)
_NAMES = (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", ""))


def openblas_controls() -> list:
    """(get, set) thread-count functions of every OpenBLAS loaded in this process (Linux; else empty).

    The process's memory map is read again whenever modules were imported since the last look (scipy loads
    its own OpenBLAS only when first used; see :func:`_loaded_openblas`).
    """
    try:
        paths = _loaded_openblas()
    except OSError:
        return []
    for path in paths:
        if path not in _BLAS:
            _BLAS[path] = _thread_functions(path)
    return [_BLAS[p] for p in paths if _BLAS[p] is not None]


def _thread_functions(path: str):
    """The (get, set) pair of the OpenBLAS at ``path``, or None when it cannot be loaded or has neither."""
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return None
    for prefix, suffix in _NAMES:
        get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
        put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
        if get is not None and put is not None:
            get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
            return get, put
    return None


_MAPS: list = [None, []]  # [len(sys.modules) when /proc/self/maps was last read, the OpenBLAS paths it named]


def _loaded_openblas() -> list:
    """Paths of the OpenBLAS libraries mapped into this process, from ``/proc/self/maps``.

    Reading that file takes about a millisecond (the kernel writes it out), as much as a whole small
    training run's set-up, so it is read again only when modules were imported since (a new
    OpenBLAS arrives with an extension module, e.g. scipy's when ``scipy.linalg`` is first imported).
    """
    if _MAPS[0] != len(sys.modules):
        with open("/proc/self/maps") as maps:
            _MAPS[1] = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line})
        _MAPS[0] = len(sys.modules)
    return _MAPS[1]
