"""``cubenet bench``: the reference benchmark, cubenet beside scikit-learn's MLPClassifier at equal settings."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from cubenet.cli.common import command, console


def bench(
    full: Annotated[bool, typer.Option("--full", help="The full reference table (minutes); the default is the "
                                       "quick suite (about 20 s).")] = False,
    processes: Annotated[bool, typer.Option("--processes/--no-processes", help="Also time whole processes (Adam): "
                                            "one script written with cubenet and with scikit-learn, 'cubenet learn "
                                            "DATA --no-render', and the default 'cubenet learn'.")] = True,
    repeats: Annotated[int, typer.Option(help="Repeats, one seed each: times are their medians, accuracies their "
                                         "means.")] = 3,
    solver: Annotated[str, typer.Option(help="adam, lbfgs or all.")] = "all",
    task: Annotated[Optional[list[str]], typer.Option(help="Only tasks whose name contains this (repeatable): cube, "
                                                      "spirals, digits, real-digits.",
                                                      show_default=False)] = None,
    sklearn: Annotated[Optional[bool], typer.Option("--sklearn/--no-sklearn", help="Compare with scikit-learn "
                                                    "(default: when installed).", show_default=False)] = None,
    seed: Annotated[int, typer.Option(help="Seed of the first repeat (repeat r uses seed + r) for the data and both "
                                      "libraries' initialisation.")] = 0,
):
    """Time cubenet's training against scikit-learn's MLPClassifier on the reference tasks and print a table.

    Tasks: cube (colour cube, 20 twists, 20,000 + 20,000 points, hidden 64,64,64), spirals (2,000 +
    2,000, 16,16,16), digits (synthetic 8×8, 3,000 + 2,000, hidden 64; with scikit-learn installed
    also scored on the 1,797 real UCI optdigits images, never trained on), real-digits (those real
    images, split 50/50, hidden 64; needs scikit-learn). Adam: batch 64, lr 0.001, 100/200/100/100
    epochs; L-BFGS: up to 200/300/200/200 iterations. One BLAS thread for both.

    Example: [bold]cubenet bench[/bold] (quick, about 20 s) or [bold]cubenet bench --full[/bold]
    """
    if "numpy" not in sys.modules:  # BLAS threads only help big products; set before numpy loads
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
    from cubenet.bench import has_sklearn, process_repeats_for, run_bench

    if solver not in ("adam", "lbfgs", "all"):
        raise typer.BadParameter(f"{solver!r}: choose adam, lbfgs or all", param_hint="--solver")
    solvers = ("adam", "lbfgs") if solver == "all" else (solver,)
    use_sklearn = has_sklearn() if sklearn is None else sklearn
    out = console()
    if not use_sklearn and sklearn is None:
        out.print("scikit-learn is not installed: timing cubenet alone (pip install scikit-learn to compare)")
    rows = {}

    def progress(result):
        rows.setdefault((result.task, result.solver), {})[result.library] = result
        real = "" if result.real_accuracy is None else f", real handwritten digits {result.real_accuracy:.2%}"
        out.print(f"  {result.task} · {result.solver} · {result.library}: {result.seconds:.2f} s, "
                  f"test accuracy {result.accuracy:.2%}{real}")

    with out.status("benchmarking…"):
        run_bench(quick=not full, repeats=repeats, solvers=solvers, sklearn=use_sklearn, task_names=task, seed=seed,
                  callback=progress, processes=processes)
        default = _default_learn_seconds(process_repeats_for(not full, repeats)) if processes and not task else None
    from rich.console import Console

    table = _table(rows, full=full, repeats=repeats, seed=seed, use_sklearn=use_sklearn, processes=processes)
    # never squeeze a column away: the table is laid out 160 wide, and a narrow terminal wraps its lines instead
    Console(width=max(160, out.width), highlight=False, soft_wrap=True).print(table)
    digits_n = (15_000 if full else 3_000) if not task or any(t.lower() in "digits" for t in task) else None
    _notes(out, rows, default, process_repeats_for(not full, repeats), use_sklearn, digits_n)


def _default_learn_seconds(repeats: int) -> float:
    """The default 'cubenet learn' as a whole process, median of ``repeats`` (in a scratch folder)."""
    import tempfile

    from cubenet.bench import default_learn_seconds

    with tempfile.TemporaryDirectory(prefix="cubenet-bench-") as folder:
        return default_learn_seconds(repeats, folder)


def _table(rows: dict, *, full: bool, repeats: int, seed: int, use_sklearn: bool, processes: bool):
    """The results as a rich Table: one row per (task, solver), the libraries side by side."""
    from rich import box
    from rich.table import Table

    runs = (f"times: median of {repeats}, accuracies: "
            + (f"mean over seeds {seed}–{seed + repeats - 1}" if repeats > 1 else f"seed {seed}")
            + ("" if full or not processes else "; processes: one run each"))
    table = Table(title=f"cubenet bench{' --full' if full else ''} ({runs}, one BLAS thread)",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in ("task", "solver", "epochs", "cubenet s", "acc %"):
        table.add_column(col, justify="left" if col in ("task", "solver") else "right", no_wrap=True,
                         min_width={"task": 11, "acc %": 6}.get(col, len(col)))
    if use_sklearn:
        for col in ("sklearn s", "acc %", "speed-up", "Δ acc"):
            table.add_column(col, justify="right", no_wrap=True, min_width=max(6, len(col)))
    table.add_column("defaults acc %", justify="right", no_wrap=True)
    if processes:
        for col in ("cubenet script s", *(("sklearn script s", "speed-up ") if use_sklearn else ()), "cubenet learn s"):
            table.add_column(col, justify="right", min_width=len(col))
    for (name, solv), libs in rows.items():
        table.add_row(*_cells(name, solv, libs, use_sklearn=use_sklearn, processes=processes))
    return table


def _cells(name: str, solv: str, libs: dict, *, use_sklearn: bool, processes: bool) -> list[str]:
    ours = libs["cubenet"]
    theirs = libs.get("scikit-learn")
    epochs = str(ours.epochs) if theirs is None or theirs.epochs == ours.epochs else f"{ours.epochs}/{theirs.epochs}"
    cells = [name, solv, epochs, f"{ours.seconds:.2f}", f"{100 * ours.accuracy:.2f}"]
    if theirs is not None:
        cells += [f"{theirs.seconds:.2f}", f"{100 * theirs.accuracy:.2f}", f"{theirs.seconds / ours.seconds:.1f}×",
                  f"{round(100 * (ours.accuracy - theirs.accuracy), 2) + 0.0:+.2f}"]
    cells.append("–" if ours.default_accuracy is None else f"{100 * ours.default_accuracy:.2f}")
    if processes:
        if ours.process_seconds is None:
            cells += ["–"] + (["–", "–"] if use_sklearn else []) + ["–"]
        else:
            cells.append(f"{ours.process_seconds:.2f}")
            if theirs is not None:
                cells += [f"{theirs.process_seconds:.2f}", f"{theirs.process_seconds / ours.process_seconds:.1f}×"]
            cells.append(f"{ours.learn_seconds:.2f}")
    return cells


def _notes(out, rows: dict, default: float | None, repeats: int, use_sklearn: bool, digits_n: int | None) -> None:
    """The lines under the table: the default run's time, the digits' drawing speed (measured now, on
    ``digits_n`` images), the real digits read, what the columns mean."""
    from cubenet.bench import digits_rate

    if default is not None:
        out.print(f"the default 'cubenet learn' (train, per-layer numbers, figures, report), whole process: "
                  f"{default:.2f} s ({f'median of {repeats}' if repeats > 1 else 'one run'})")
    if digits_n is not None:
        out.print(f"synthetic 8×8 digits: {digits_rate(repeats, n=digits_n):,.0f} images per second of CPU on one "
                  f"core (make_digits({digits_n}) " + (f"at seeds 0–{repeats - 1}, median)" if repeats > 1 else "at seed 0)"))
    real = [(k, libs) for k, libs in rows.items() if libs["cubenet"].real_accuracy is not None]
    for (name, solv), libs in real:
        theirs = libs.get("scikit-learn")
        out.print(f"{name} · {solv}: trained on synthetic digits only, read {libs['cubenet'].real_accuracy:.2%} of the "
                  f"1,797 real optdigits images" + (f" (scikit-learn: {theirs.real_accuracy:.2%})" if theirs else ""))
    if use_sklearn:
        out.print("Both start from the same weights (cubenet's initialisation, handed to scikit-learn). "
                  "epochs: run by cubenet/scikit-learn (L-BFGS: iterations, both stop at gradient tolerance 1e-4). "
                  "speed-up = scikit-learn time / cubenet time; Δ acc = cubenet − scikit-learn test accuracy, "
                  "in percentage points.")
    out.print("defaults acc %: cubenet's test accuracy with its own defaults (initialisation, learning rate, "
              "schedule; the task's architecture, epochs and batch size; Adam rows).")
    out.print("script: a whole process that loads the data file, standardises, fits and scores, written with "
              "cubenet and with scikit-learn (equal work); cubenet learn: the whole 'cubenet learn DATA --no-render', "
              "which also measures every layer and writes the run folder.")



def register(app: typer.Typer) -> None:
    command(app, bench)
