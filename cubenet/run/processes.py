"""Independent pieces of one run's work shared between this process and one forked child.

The per-layer numbers (a probe per layer and snapshot) and the figures are independent pieces that
each read the same run. On a machine with two or more cores, :func:`in_two` splits them into two
shares of about equal cost: this process works through its share while a forked child works through
the other, and the child's results come back through a pipe. Every piece is computed exactly once,
by the same code on the same inputs, so the results (and the files written from them) are the same
as in one process; only the wall time changes.

Sharing needs Linux (on macOS, fork is not safe once Apple's Accelerate or other system frameworks have
run, which is why Python's default there is spawn). One process is used instead elsewhere, when there
is one core, when ``CUBENET_PROCESSES=1`` is set, when this
process is itself a worker (e.g. of ``cubenet sweep``, which already keeps every core busy), or when
other threads are running (e.g. inside ``cubenet play``'s server; forking a threaded process is unsafe),
or while this process already shares work with a child (the shares do not nest: two cores, two processes).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from typing import Callable, Iterator, Sequence

from cubenet.errors import CubenetError

_sharing = [False]  # True while this process has a child working on a share


def forking_allowed(n_tasks: int) -> bool:
    """True when :func:`in_two` would share ``n_tasks`` pieces with a forked child."""
    return (n_tasks > 1 and sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1
            and os.environ.get("CUBENET_PROCESSES") != "1"
            and "fork" in multiprocessing.get_all_start_methods()
            and multiprocessing.parent_process() is None and threading.active_count() == 1 and not _sharing[0])


def split(costs: Sequence[float]) -> tuple[list[int], list[int]]:
    """Indices of two shares of about equal total cost (greedy, most expensive first), each in task order."""
    shares, load = ([], []), [0.0, 0.0]
    for i in sorted(range(len(costs)), key=lambda i: -costs[i]):
        side = 0 if load[0] <= load[1] else 1
        shares[side].append(i)
        load[side] += costs[i]
    return sorted(shares[0]), sorted(shares[1])


def in_two(tasks: Sequence[Callable[[], object]], costs: Sequence[float] | None = None) -> Iterator[tuple[int, object]]:
    """Run every task (a function of no arguments) once; yield ``(index, result)`` as results arrive.

    This process's share is yielded as each task finishes, then the child's. An exception in a task is
    raised here (the child's as a CubenetError naming it when it cannot be sent back as it is).
    """
    costs = [1.0] * len(tasks) if costs is None else list(costs)
    if not forking_allowed(len(tasks)):
        for i, task in enumerate(tasks):
            yield i, task()
        return
    mine, theirs = split(costs)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(tasks, theirs, send), daemon=True)
    child.start()
    send.close()
    _sharing[0] = True
    try:
        for i in mine:
            yield i, tasks[i]()
        try:
            status, value = receive.recv()
        except EOFError:
            child.join(5)
            raise CubenetError(f"a helper process stopped before finishing (exit code {child.exitcode}); "
                               "rerun with CUBENET_PROCESSES=1 to work in one process") from None
        if status == "error":
            raise value
        yield from zip(theirs, value)
    finally:
        _sharing[0] = False
        receive.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _child(tasks, indices: list[int], send) -> None:
    try:
        message = ("ok", [tasks[i]() for i in indices])
    except BaseException as error:  # noqa: BLE001  (sent to the parent, which raises it)
        message = ("error", error)
    try:
        send.send(message)
    except Exception as error:  # an exception or result that cannot be pickled
        send.send(("error", CubenetError(f"a helper process failed: {message[1] if message[0] == 'error' else error}")))
    send.close()
