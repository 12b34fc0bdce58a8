"""``cubenet learn``: train a network on a dataset (or the default scrambled cube) and write a run folder."""

from __future__ import annotations

import shlex
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cubenet.activations import ACTIVATIONS
from cubenet.cli.common import check_seed, command, console, parse_int_list

#: the zero-configuration first run: a 3-twist cube that a (16, 16, 16) ReLU net learns to ~98% in ~1-2 s
DEFAULT_CUBE = {"twists": 3}  # and the generator's default size (10,000 points), as 'cubenet scramble color-cube'
DEFAULT_HIDDEN = "16,16,16"
#: the inner width of each step of a step network (--steps N)
DEFAULT_INNER = 32
#: the zero-argument first run trains a step network of this many steps (every state a 3-D cloud in the cube's
#: own space: the article's "series of simple steps in 3D space"); with DATA the default stays --hidden 16,16,16
FIRST_RUN_STEPS = 5
#: the widest hidden layer and the most hidden layers 'learn' builds (cubenet's networks are small)
MAX_WIDTH, MAX_DEPTH = 4096, 64


class Optimizer(str, Enum):
    adam = "adam"
    sgd = "sgd"
    momentum = "momentum"
    lbfgs = "lbfgs"


#: ``--activation``'s choices: the names of the activation table (which imports no numpy)
Activation = Enum("Activation", {name: name for name in ACTIVATIONS}, type=str)


class Init(str, Enum):
    he = "he"
    glorot = "glorot"


class Schedule(str, Enum):
    cosine = "cosine"
    constant = "constant"


def learn(
    data: Annotated[Optional[Path], typer.Argument(help="Dataset file (.npz from 'cubenet scramble', or .csv). "
                                                   "Default: a freshly scrambled colour cube (3 twists).",
                                                   show_default=False)] = None,
    hidden: Annotated[Optional[str], typer.Option(help=f"Hidden layer widths, comma-separated (default {DEFAULT_HIDDEN}).",
                                                  show_default=False)] = None,
    steps: Annotated[Optional[int], typer.Option(help="Instead of --hidden: a step network of N steps that moves the "
                                                 "points in the data's own 2-D or 3-D space, then one flat cut.",
                                                 show_default=False)] = None,
    inner: Annotated[Optional[int], typer.Option(help="With --steps: the inner width of each step, "
                                                 f"h + relu(h·W + b)·V + c (default {DEFAULT_INNER}).",
                                                 show_default=False)] = None,
    motion: Annotated[Optional[float], typer.Option(help="With --steps: penalty on how far each step moves the points, "
                                                    "motion/2 · mean Σ‖Δ‖² (default 0.1; 0 lets the cloud grow "
                                                    "far beyond one camera's view).", show_default=False)] = None,
    activation: Annotated[Activation, typer.Option(help="Hidden-layer activation.")] = Activation.relu,
    init: Annotated[Init, typer.Option(help="Initial weights: he (He-normal) or glorot (scikit-learn's uniform).")] = Init.he,
    optimizer: Annotated[Optimizer, typer.Option(help="adam, sgd, momentum (minibatch) or lbfgs (full batch).")] = Optimizer.adam,
    epochs: Annotated[Optional[int], typer.Option(help="Passes over the data (default 60, with --steps 50; lbfgs: 300 iterations).",
                                                  show_default=False)] = None,
    batch_size: Annotated[int, typer.Option(help="Minibatch size (not used by lbfgs).")] = 64,
    lr: Annotated[Optional[float], typer.Option(help="Learning rate (default: adam 0.01, sgd 0.1, momentum 0.05).",
                                                show_default=False)] = None,
    schedule: Annotated[Schedule, typer.Option(help="Learning-rate schedule over the epochs.")] = Schedule.cosine,
    nesterov: Annotated[bool, typer.Option("--nesterov", help="Nesterov momentum (with --optimizer momentum).")] = False,
    l2: Annotated[float, typer.Option(help="L2 weight decay.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same run.")] = 0,
    target_accuracy: Annotated[Optional[float], typer.Option(help="Stop once the training accuracy reaches this (e.g. 0.97).",
                                                             show_default=False)] = None,
    patience: Annotated[Optional[int], typer.Option(help="Stop after this many epochs without improvement of the loss.",
                                                    show_default=False)] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="Continue training this model.npz instead of a new network.",
                                                  show_default=False)] = None,
    label_column: Annotated[Optional[str], typer.Option(help="CSV only: the label column (default: the last).",
                                                        show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Run folder to write (default: runs/DATASET, "
                                                   "numbered if it exists).", show_default=False)] = None,
    no_render: Annotated[bool, typer.Option("--no-render", help="Skip the figures and the report.")] = False,
):
    """Train a ReLU network and write a run folder (model, history, metrics, figures, report).

    With no DATA it scrambles a colour cube and trains a step network on it (5 steps of 3 → 32 → 3 in the cube's
    own space, then one flat cut) — the first run of a workshop; --hidden 16,16,16 trains the wide network instead.
    With DATA the default is --hidden 16,16,16.

    Example: [bold]cubenet learn cube.npz --hidden 16,16,16 --epochs 60 -o runs/cube[/bold]
    """
    from cubenet.errors import CubenetError
    from cubenet.nn.train import TrainConfig, check_config
    from cubenet.run.folder import check_run_target

    opt = optimizer.value
    if model is not None and hidden is not None:
        raise CubenetError("give either --hidden (a new network) or --model (continue one), not both")
    sizes_hidden = parse_int_list(DEFAULT_HIDDEN if hidden is None else hidden, "--hidden", empty_means="none",
                                  maximum=MAX_WIDTH, max_length=MAX_DEPTH)
    check_seed(seed)
    if data is None and hidden is None and steps is None and model is None and activation.value == "relu":
        steps = FIRST_RUN_STEPS  # the first run: the cube unscrambled in its own 3-D space
    spec = _step_spec(steps, inner, hidden, model, activation.value)
    if motion is not None and steps is None and model is None:
        raise CubenetError("--motion is a penalty on the moves of a step network; give it with --steps N")
    config = check_config(TrainConfig(
        optimizer=opt, epochs=_default_epochs(opt, spec) if epochs is None else epochs, batch_size=batch_size,
        lr=lr, schedule=schedule.value, l2=l2, nesterov=nesterov, motion=motion,
        target_accuracy=target_accuracy, patience=patience, activation=activation.value, init=init.value,
    ))
    if output is not None:
        check_run_target(output)
    dataset, source = _dataset(data, label_column, seed)
    if spec is not None and dataset.n_features not in (2, 3):
        raise CubenetError(f"a step network keeps the data's own dimension, and its pictures need 2 or 3 features; "
                           f"this data has {dataset.n_features}, so use --hidden for it")
    if model is not None:
        from cubenet.cli.provenance import model_data_warning, warn

        warn(model_data_warning(model, dataset, data))  # continuing on other data is allowed, never silent
    run_dir = output or _default_run_dir(dataset)
    from cubenet.run.replace import run_lock

    with run_lock(run_dir):  # one writer per run folder: a second 'learn -o' there is told, not mixed in
        check_run_target(run_dir)
        start = spec or _start(model, dataset, sizes_hidden)
        config = _step_defaults(start, config)
        cmd = _command(data, start, config, seed, model, label_column, run_dir, no_render)
        result = _train(start, dataset, config, seed, run_dir, cmd, source)
        figures = [] if no_render else _render(run_dir)
    _summary(run_dir, dataset, result, figures)


def _dataset(data: Path | None, label_column: str | None, seed: int):
    """The dataset to train on and the user's file (None when generated)."""
    from cubenet.errors import CubenetError

    if data is None:
        if label_column is not None:
            raise CubenetError("--label-column only applies to a CSV file given as DATA")
        from cubenet.data.cube import make_color_cube
        from cubenet.run.experiment import Seeds

        ds = make_color_cube(twists=DEFAULT_CUBE["twists"], rng=Seeds(seed).rng("data"))
        ds.meta["seed"] = seed  # the same file as 'cubenet scramble color-cube --twists 3 --n 10000 --seed SEED'
        return ds, None
    from cubenet.data.io import load

    options = {} if label_column is None else {"label_column": label_column}
    if Path(data).suffix.lower() == ".csv":
        from cubenet.cli.common import seed_rng

        options["rng"] = seed_rng(seed)
    return load(data, **options), data


def _default_run_dir(dataset) -> Path:
    base = Path("runs") / str(dataset.name).replace("/", "-")
    path, k = base, 2
    while path.exists():
        path, k = base.with_name(f"{base.name}-{k}"), k + 1
    return path


def _default_epochs(optimizer: str, spec) -> int:
    from cubenet.nn.train import DEFAULT_EPOCHS

    if spec is not None and optimizer != "lbfgs":
        from cubenet.nn.step_train import DEFAULT_EPOCHS as STEP_EPOCHS

        return STEP_EPOCHS
    return DEFAULT_EPOCHS[optimizer]


def _step_defaults(start, config):
    """A step network's training defaults (motion, Adam's rate) made explicit, so the recorded command has them."""
    from cubenet.nn.step_train import step_defaults, wants_steps

    return step_defaults(config) if wants_steps(start) else config


def _step_spec(steps, inner, hidden, model, activation):
    """The StepSpec of ``--steps N [--inner K]``, or None for a wide network; conflicting options are refused."""
    from cubenet.errors import CubenetError

    if steps is None:
        if inner is not None:
            raise CubenetError("--inner is the width inside each step; give it with --steps N")
        return None
    if hidden is not None or model is not None:
        raise CubenetError(f"give either --steps (a step network) or {'--hidden' if hidden else '--model'}, not both")
    if activation != "relu":
        raise CubenetError(f"a step network uses ReLU inside every step; drop --activation {activation}")
    from cubenet.nn.steps import MAX_INNER, MAX_STEPS, StepSpec
    from cubenet.validate import check_int

    return StepSpec(check_int("--steps", steps, minimum=1, maximum=MAX_STEPS),
                    check_int("--inner", DEFAULT_INNER if inner is None else inner, minimum=1, maximum=MAX_INNER))


def _start(model_path: Path | None, dataset, hidden: tuple):
    """A saved Model to continue (checked against the data), or the layer sizes of a new network."""
    if model_path is None:
        return (dataset.n_features, *hidden, dataset.n_classes)
    from cubenet.nn.model_io import load_model
    from cubenet.nn.network import check_fits

    start = load_model(model_path)
    check_fits(start, dataset, what=f"model {str(model_path)!r}", advice="train a new network (drop --model)")
    return start


def _train(start, dataset, config, seed: int, run_dir, cmd: str, source):
    """The run stage (train, measure, save) with a rich progress bar (loss and accuracies)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cubenet.run.experiment import run_experiment

    unit = "iteration" if config.optimizer == "lbfgs" else "epoch"
    columns = (TextColumn(f"[bold]training[/bold] {unit}"), MofNCompleteColumn(), BarColumn(bar_width=12),
               TextColumn("{task.fields[info]}"), TimeElapsedColumn())
    # no refresh thread (auto_refresh=False, redrawn at every epoch): with no other thread running, the
    # per-layer numbers and the figures can be shared with a forked child (cubenet.run.processes)
    with Progress(*columns, console=console(stderr=True), transient=False, auto_refresh=False) as progress:
        task = progress.add_task("train", total=config.epochs, info="")

        sampled = max(len(dataset.y_train), len(dataset.y_test)) > config.eval_points
        sample = f" ({config.eval_points:,}-pt sample)" if sampled else ""

        def callback(epoch, history):
            progress.update(task, completed=epoch, refresh=True, info=f"loss {history.loss[-1]:.4f}  "
                            f"train {history.train_accuracy[-1]:.1%}  test {history.test_accuracy[-1]:.1%}{sample}")

        result = run_experiment(dataset, start, config, seed=seed, run_dir=run_dir, command=cmd, source=source,
                                callback=callback)
        m = result.metrics  # the final numbers, on every point: the same as the summary's
        progress.update(task, total=max(int(result.history.epochs[-1]), 1), refresh=True,
                        info=f"loss {result.history.loss[-1]:.4f}  train {m['train_accuracy']:.1%}  "
                             f"test {m['test_accuracy']:.1%} (all)")
    return result


def _command(data, start, config, seed, model_path, label_column, run_dir, no_render) -> str:
    """The exact command that reproduces this run (every setting explicit)."""
    parts = ["cubenet", "learn"]
    if data is not None:
        parts.append(str(data))
    if model_path is not None:
        parts += ["--model", str(model_path)]
    elif hasattr(start, "n_steps"):  # a new step network (StepSpec)
        from cubenet.nn.step_train import motion_of

        parts += ["--steps", str(start.n_steps), "--inner", str(start.inner), "--motion", repr(motion_of(config)),
                  "--init", config.init]
    else:
        sizes = start.sizes if hasattr(start, "sizes") else start
        parts += ["--hidden", ",".join(str(s) for s in sizes[1:-1]) or "none",
                  "--activation", config.activation if isinstance(config.activation, str) else config.activation[0],
                  "--init", config.init]
    parts += ["--optimizer", config.optimizer, "--epochs", str(config.epochs)]
    if config.optimizer != "lbfgs":
        parts += ["--batch-size", str(config.batch_size), "--lr", repr(config.learning_rate),
                  "--schedule", config.schedule]
    if config.nesterov:
        parts.append("--nesterov")
    if config.l2:
        parts += ["--l2", repr(config.l2)]
    if model_path is not None and config.motion is not None:
        parts += ["--motion", repr(config.motion)]
    parts += ["--seed", str(seed)]
    if config.target_accuracy is not None:
        parts += ["--target-accuracy", repr(config.target_accuracy)]
    if config.patience is not None:
        parts += ["--patience", str(config.patience)]
    if label_column is not None:
        parts += ["--label-column", label_column]
    parts += ["-o", str(run_dir)]
    if no_render:
        parts.append("--no-render")
    return shlex.join(parts)


def _render(run_dir: Path) -> list:
    """The figures and the report (see cubenet.viz)."""
    from cubenet.viz.render import render_run
    from cubenet.viz.report import write_report

    err = console(stderr=True)
    err.print("rendering figures…")  # a line per figure, no spinner thread (the figures may be shared with a child)

    def callback(name, seconds, paths):
        err.print(f"  {', '.join(Path(p).name for p in paths) or name} ({seconds:.1f} s)")

    figures = list(render_run(run_dir, callback=callback))
    figures.append(write_report(run_dir))
    return figures


def _summary(run_dir, dataset, result, figures) -> None:
    from rich.table import Table

    model, history, metrics = result.model, result.history, result.metrics
    table = Table(title=f"cubenet learn: {dataset.name}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    scramble = dataset.meta.get("scramble")
    table.add_row("data", f"{dataset.name}, {len(dataset.y_train):,} train + {len(dataset.y_test):,} test, "
                  f"{dataset.n_features} features, {dataset.n_classes} classes" + (f"\nscramble: {scramble}" if scramble else ""))
    arch = " → ".join(str(s) for s in model.sizes)
    arch += f"  ({', '.join(model.activations) or 'linear'}, softmax output)"
    if getattr(model, "kind", "dense") == "steps":
        d = model.dim
        arch = (f"{model.n_steps} steps in {d}-D, each {d} → {model.inner} → {d}: h + relu(h·W + b)·V + c; "
                f"then one flat cut → {model.sizes[-1]} classes (softmax)")
    table.add_row("network", arch)
    training = model.config["training"]
    unit = "iterations" if training["optimizer"] == "lbfgs" else "epochs"
    table.add_row("training", f"{training['optimizer']}, {metrics['epochs_run']} {unit}, {history.seconds[-1]:.2f} s"
                  f"\n{metrics['stop_reason']}")
    table.add_row("accuracy", f"train {metrics['train_accuracy']:.2%}   [bold]test {metrics['test_accuracy']:.2%}[/bold]")
    per_class = ", ".join(f"{name} {acc:.0%}" for name, acc in metrics["per_class_accuracy"].items() if acc is not None)
    table.add_row("per class (test)", per_class)
    if figures:
        table.add_row("figures", ", ".join(Path(f).name for f in figures))
    console().print(table)
    for warning in result.warnings:  # a run at chance is saved, but never silently (cubenet.run.verdict)
        console(stderr=True).print(f"[bold]Warning:[/bold] {warning}", highlight=False)
    typer.echo(f"run folder: {run_dir}")
    if figures:
        typer.echo(f"report: open {Path(run_dir) / 'report.html'} in a browser")


def register(app: typer.Typer) -> None:
    command(app, learn)
