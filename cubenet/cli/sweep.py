"""``cubenet sweep``: a grid of ordinary runs (scramble size × depth × width × seeds) on all cores or a Dask cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cubenet.cli.common import command, console

#: data options with their own flag (registry options most generators take; their kinds are the registry's);
#: any other generator option goes through --set NAME=VALUES
DATA_FLAGS = ("twists", "noise")
#: training options that take lists, with the kind of their values
TRAIN_FLAGS = {"optimizer": str, "epochs": int, "lr": float, "batch_size": int, "l2": float, "activation": str}
#: cells at most, validated by actually building their dataset before the first run
PREFLIGHT_DATASETS = 200


def sweep(
    data: Annotated[str, typer.Option(help="Dataset to scramble for every cell (see 'cubenet datasets').")] = "color-cube",
    twists: Annotated[Optional[str], typer.Option(help="Scramble sizes: a list or an inclusive range, e.g. 0:20.",
                                                  show_default=False)] = None,
    noise: Annotated[Optional[str], typer.Option(help="Noise levels, e.g. 0,0.05.", show_default=False)] = None,
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Another dataset option NAME=VALUES, "
                                                      "e.g. --set arms=2,3 (repeatable).", show_default=False)] = None,
    n: Annotated[Optional[int], typer.Option("--n", help="Points per dataset (default: the generator's).",
                                             show_default=False)] = None,
    hidden: Annotated[str, typer.Option(help="Hidden-layer widths, one network per width, e.g. 4,8,16,32.")] = "16",
    depth: Annotated[str, typer.Option(help="Hidden layers per network, e.g. 1:8 (inclusive).")] = "3",
    steps: Annotated[Optional[str], typer.Option(help="Step networks instead of layers: step counts, e.g. 2,4,8 "
                                                 "(inner widths from --hidden; 2-D/3-D data).",
                                                 show_default=False)] = None,
    seeds: Annotated[str, typer.Option(help="Seeds, e.g. 0:4 (inclusive: 5 seeds).")] = "0",
    optimizer: Annotated[Optional[str], typer.Option(help="Optimisers, e.g. adam,lbfgs.", show_default=False)] = None,
    epochs: Annotated[Optional[str], typer.Option(help="Epochs, e.g. 30,60.", show_default=False)] = None,
    lr: Annotated[Optional[str], typer.Option(help="Learning rates, e.g. 0.01,0.003.", show_default=False)] = None,
    batch_size: Annotated[Optional[str], typer.Option(help="Minibatch sizes.", show_default=False)] = None,
    l2: Annotated[Optional[str], typer.Option(help="L2 penalties.", show_default=False)] = None,
    activation: Annotated[Optional[str], typer.Option(help="Hidden activations, e.g. relu,tanh.", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Sweep folder: results.csv, figures, sweep.html.")] = Path("sweeps/sweep"),
    workers: Annotated[Optional[int], typer.Option(help="Local worker processes (default: every core).",
                                                   show_default=False)] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="A Dask scheduler address, e.g. tcp://HOST:8786 "
                                                     "(needs the 'dask' extra).", show_default=False)] = None,
    target: Annotated[float, typer.Option(help="The accuracy the 'smallest network' figure asks for.")] = 0.95,
    keep_runs: Annotated[bool, typer.Option("--keep-runs", help="Also write every cell's full run folder "
                                            "(OUTPUT/runs/KEY; render or report any of them).")] = False,
):
    """Run a grid of ordinary training runs and draw how much network each scramble needs.

    Each cell is one run with the same code path as 'cubenet learn'; results.csv gets one row per cell,
    appended as it finishes, and a rerun of the same command skips the cells it already has.

    Example: [bold]cubenet sweep --twists 0:6 --hidden 8,16 --depth 1:4 --seeds 0:2 -o sweeps/depth[/bold]
    """
    import os

    from cubenet.errors import CubenetError
    from cubenet.sweep.engine import connect, run_sweep
    from cubenet.sweep.report import write_sweep_report
    from cubenet.sweep.results import ResultsFile

    grid = _grid(data, {"twists": twists, "noise": noise}, set_ or [], n, hidden, depth if steps is None else None,
                 seeds,
                 {"optimizer": optimizer, "epochs": epochs, "lr": lr, "batch_size": batch_size, "l2": l2,
                  "activation": activation}, steps=steps)
    if workers is not None and not 1 <= workers <= 256:
        raise CubenetError(f"--workers must be between 1 and 256, got {workers}")
    if workers is not None and scheduler is not None:
        raise CubenetError("give either --workers (this machine) or --scheduler (a Dask cluster), not both")
    if not 0 < target <= 1:
        raise CubenetError(f"--target must be an accuracy in (0, 1], e.g. 0.95, got {target}")
    cells = grid.cells()
    _preflight(grid, cells)
    if scheduler is not None:
        connect(scheduler).close()
    if output.exists() and not output.is_dir():
        raise CubenetError(f"-o {str(output)!r} is a file; give a folder for the sweep")
    output.mkdir(parents=True, exist_ok=True)
    results = ResultsFile(output / "results.csv")
    done = len(cells) - len([c for c in cells if c.key not in results.keys()])
    workers = workers or os.cpu_count() or 1
    where = f"Dask at {scheduler}" if scheduler else f"{workers} worker{'s' * (workers > 1)}"
    console(stderr=True).print(f"{len(cells):,} cells ({done:,} already in {output / 'results.csv'}), on {where}")
    if done < len(cells):
        _run_with_progress(cells, results, done, workers=workers, scheduler=scheduler, run_sweep=run_sweep,
                           keep_runs=output / "runs" if keep_runs else None)
    report = output / "sweep.html"
    if done < len(cells) or not report.exists():
        report = write_sweep_report(output, target=target)[-1]
    rows = results.rows()
    failed = sum(r["status"] != "ok" for r in rows)
    typer.echo(f"results: {output / 'results.csv'} ({len(rows):,} rows, {failed:,} failed)")
    typer.echo(f"report: open {report} in a browser")


def _grid(data, data_flags: dict, sets: list[str], n, hidden, depth, seeds, train_flags: dict, steps=None):
    from cubenet.data.registry import get_generator, options_by_name
    from cubenet.errors import CubenetError
    from cubenet.sweep.grid import Grid, check_axes, parse_values
    from cubenet.validate import check_count

    get_generator(data)
    data_params = []
    for name, text in data_flags.items():
        if text is not None:
            data_params.append((name, parse_values(text, f"--{name}", kind=options_by_name()[name][0][1].type)))
    for item in sets:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise CubenetError(f"--set wants NAME=VALUES, e.g. --set arms=2,3, got {item!r}")
        data_params.append((name.strip().replace("-", "_"), _values_of_any_kind(text, f"--set {name}")))
    training = [(name, parse_values(text, f"--{name.replace('_', '-')}", kind=kind) if kind is not str
                 else tuple(v.strip() for v in text.split(",") if v.strip()))
                for name, text in train_flags.items() if text is not None for kind in (TRAIN_FLAGS[name],)]
    widths = parse_values(hidden, "--hidden")
    depths = parse_values(depth, "--depth") if depth is not None else (1,)
    step_counts = () if steps is None else parse_values(steps, "--steps")
    seed_values = parse_values(seeds, "--seeds")
    check_axes(widths, depths, seed_values)
    for s in step_counts:
        check_count("--steps (a step count)", s, maximum=64)
    return Grid(data=data, data_params=tuple(data_params), n_samples=n, widths=widths, depths=depths,
                training=tuple(training), seeds=seed_values, steps=step_counts)


def _values_of_any_kind(text: str, option: str) -> tuple:
    from cubenet.errors import CubenetError
    from cubenet.sweep.grid import parse_values

    for kind in (int, float):
        try:
            return parse_values(text, option, kind=kind)
        except CubenetError:
            continue
    values = tuple(v.strip() for v in text.split(",") if v.strip())
    if not values:
        raise CubenetError(f"{option} needs at least one value")
    return values


def _preflight(grid, cells) -> None:
    """Validate every distinct dataset and training setting before the first run (one line on the first bad one)."""
    from cubenet.data.registry import make_dataset
    from cubenet.nn.train import check_config
    from cubenet.sweep.engine import cell_config

    seen_data, seen_train = set(), set()
    for cell in cells:
        if cell.data_params not in seen_data and len(seen_data) < PREFLIGHT_DATASETS:
            seen_data.add(cell.data_params)
            sample = make_dataset(grid.data, 60, rng=0, **dict(cell.data_params))
            if grid.steps and sample.n_features not in (2, 3):
                from cubenet.errors import CubenetError

                raise CubenetError(f"--steps: a step network keeps the data's own dimension (2 or 3 features); "
                                   f"{grid.data} has {sample.n_features}, so sweep --depth instead")
        if cell.training not in seen_train:
            seen_train.add(cell.training)
            check_config(cell_config(cell))


def _run_with_progress(cells, results, done: int, *, workers, scheduler, run_sweep, keep_runs) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    counts = {"failed": 0}
    columns = (TextColumn("[bold]sweep[/bold]"), MofNCompleteColumn(), BarColumn(),
               TextColumn("{task.fields[info]}"), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True)) as progress:
        task = progress.add_task("sweep", total=len(cells), completed=done, info="")

        def callback(row):
            counts["failed"] += row["status"] != "ok"
            progress.advance(task)
            remaining = progress.tasks[0].total - progress.tasks[0].completed
            progress.update(task, info=f"failed {counts['failed']}  remaining {remaining:,.0f}")

        run_sweep(cells, results, workers=workers, scheduler=scheduler, callback=callback, keep_runs=keep_runs)


def register(app: typer.Typer) -> None:
    command(app, sweep)
