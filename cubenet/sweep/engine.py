"""Running a sweep's cells: in this process, on a local process pool, or on a Dask cluster — the same function.

:func:`run_cell` is the unit of work: plain settings in, one result row out, one BLAS thread, and
never an exception (a failed cell is a row with ``status="failed"`` and its reason). :func:`run_sweep`
feeds the cells that are not yet in ``results.csv`` to an engine and appends each row as it arrives.
The engines are the standard library's ``concurrent.futures`` process pool and, past one machine,
``dask.distributed`` (the optional extra ``cubenet[dask]``); there is no home-made scheduler.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable

from cubenet import __version__
from cubenet.data.registry import make_dataset
from cubenet.errors import CubenetError
from cubenet.nn.steps import StepSpec
from cubenet.nn.train import DEFAULT_EPOCHS, TrainConfig
from cubenet.run.experiment import Seeds, run_experiment
from cubenet.sweep.grid import Cell
from cubenet.sweep.results import ResultsFile
from cubenet.threads import single_blas_thread

#: environment that caps every BLAS library at one thread in pool workers (set before numpy loads)
ONE_THREAD_ENV = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                         "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


def cell_from_settings(settings: dict) -> Cell:
    return Cell(data=settings["data"], data_params=tuple(sorted(settings["data_params"].items())),
                n_samples=settings["n_samples"], hidden=tuple(settings["hidden"]),
                training=tuple(sorted(settings["training"].items())), seed=settings["seed"],
                steps=settings.get("steps", 0))


def run_cell(settings: dict) -> dict:
    """Train one cell and return its row; failures (bad values, divergence, a dead network) become rows too.

    With ``settings["run_dir"]`` (``cubenet sweep --keep-runs``) the cell also writes its full run folder there.
    """
    cell = cell_from_settings(settings)
    row = {"key": cell.key, "data": cell.data, "data_params": dict(cell.data_params), "n_samples": cell.n_samples,
           "network": "steps" if cell.steps else "wide", "hidden": list(cell.hidden),
           "depth": cell.steps or len(cell.hidden), "width": cell.hidden[0] if cell.hidden else 0,
           "training": dict(cell.training), "seed": cell.seed, "cubenet_version": __version__,
           "command": cell.command()}
    start = time.perf_counter()
    try:
        with single_blas_thread():
            row.update(_train_and_measure(cell, settings.get("run_dir")))
    except CubenetError as exc:
        row.update(status="failed", reason=str(exc))
    except MemoryError:
        row.update(status="failed", reason="ran out of memory")
    except Exception as exc:  # noqa: BLE001 - a sweep records every failure and goes on
        row.update(status="failed", reason=f"{type(exc).__name__}: {exc}")
    row["seconds"] = round(time.perf_counter() - start, 3)
    return row


def cell_dataset(cell: Cell):
    """The cell's data, exactly as ``cubenet scramble … --seed SEED`` writes it."""
    dataset = make_dataset(cell.data, cell.n_samples, rng=Seeds(cell.seed).rng("data"), **dict(cell.data_params))
    dataset.meta["seed"] = cell.seed
    return dataset


def cell_config(cell: Cell):
    """The cell's training settings, with ``cubenet learn``'s defaults for what the grid leaves out."""
    settings = dict(cell.training)
    settings.setdefault("epochs", DEFAULT_EPOCHS[settings.get("optimizer", "adam")])
    return TrainConfig(**settings)


def _train_and_measure(cell: Cell, run_dir=None) -> dict:
    """The cell as an ordinary run: the library's run stage (the code path of ``cubenet learn``)."""
    dataset = cell_dataset(cell)
    if cell.steps:
        sizes = StepSpec(cell.steps, cell.hidden[0])
    else:
        sizes = (dataset.n_features, *cell.hidden, dataset.n_classes)
    try:
        result = run_experiment(dataset, sizes, cell_config(cell), seed=cell.seed, run_dir=run_dir,
                                command=cell.command())
    except CubenetError as exc:
        if "diverged" not in str(exc):
            raise
        return {"status": "failed", "reason": str(exc)}
    metrics, model = result.metrics, result.model
    return {"status": "ok", "reason": "; ".join(result.warnings), "test_accuracy": metrics["test_accuracy"],
            "train_accuracy": metrics["train_accuracy"],
            "probe_accuracy": [round(s["probe_accuracy"], 6) for s in metrics["layers"]],
            "params": int(sum(W.size + b.size for W, b in model.params)), "epochs_run": metrics["epochs_run"]}


def pending(cells: list[Cell], results: ResultsFile) -> list[Cell]:
    """The cells whose key is not yet in the table."""
    done = results.keys()
    return [c for c in cells if c.key not in done]


def run_sweep(cells: list[Cell], results: ResultsFile, *, workers: int = 1, scheduler: str | None = None,
              callback: Callable[[dict], None] | None = None, keep_runs=None) -> list[dict]:
    """Run every pending cell and append its row as it arrives; returns the new rows.

    ``workers=1`` runs in this process; ``workers>1`` on a local process pool with one BLAS thread
    per worker; ``scheduler="tcp://host:port"`` submits the cells to a Dask distributed scheduler.
    The pool starts its workers with 'spawn', so a script that calls this with ``workers > 1`` needs the
    usual ``if __name__ == "__main__":`` guard (notebooks and the CLI do not).
    ``keep_runs``: a folder where every cell also writes its full run folder, named by the cell's key.
    """
    todo = pending(cells, results)

    def settings(cell):
        out = cell.settings()
        if keep_runs is not None:
            out["run_dir"] = str(os.path.abspath(os.path.join(keep_runs, cell.key)))
        return out

    new = []

    def arrived(row):
        results.append(row)
        new.append(row)
        if callback is not None:
            callback(row)

    if scheduler is not None:
        _run_dask(todo, scheduler, arrived, settings)
    elif workers == 1:
        for cell in todo:
            arrived(run_cell(settings(cell)))
    else:
        _run_pool(todo, workers, arrived, settings)
    return new


def _run_pool(cells: list[Cell], workers: int, arrived, settings) -> None:
    saved = {name: os.environ.get(name) for name in ONE_THREAD_ENV}
    os.environ.update(ONE_THREAD_ENV)  # inherited by the spawned workers before they import numpy
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_cell, settings(cell)) for cell in cells]
            try:
                for future in as_completed(futures):
                    arrived(future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def connect(scheduler: str, *, timeout: float = 8.0):
    """A ``dask.distributed.Client`` for ``scheduler``, or one clear line when it cannot be reached."""
    try:
        from distributed import Client  # (optional dependency: distributed, the 'dask' extra)
    except ImportError:
        raise CubenetError("--scheduler needs Dask's distributed scheduler: pip install 'cubenet-geometry[dask]' "
                           "(from a checkout: pip install -e '.[dask]')") from None
    if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise CubenetError(f"--scheduler must be an address like tcp://HOST:8786, got {scheduler!r}")
    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise CubenetError(f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s ({exc}); "
                           f"start one with 'dask scheduler' or check the address") from None


def _run_dask(cells: list[Cell], scheduler: str, arrived, settings) -> None:
    from distributed import as_completed as dask_completed  # (optional dependency: distributed)

    client = connect(scheduler)
    try:
        futures = client.map(run_cell, [settings(cell) for cell in cells], pure=False)
        for future in dask_completed(futures):
            arrived(future.result())
    finally:
        client.close()
