"""``cubenet scramble`` (make a dataset file and its preview) and ``cubenet datasets`` (what exists)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.main
from typer.core import TyperCommand

from cubenet.cli.common import command, console, seed_rng

#: the help panel of the options generated from the registry
DATASET_PANEL = "Dataset options (each dataset takes its own; see 'cubenet datasets')"
#: where the command keeps those options, and the values given for them, in click's context
DATASET_PARAMS, DATASET_OPTIONS = "cubenet.scramble.params", "cubenet.scramble.options"


def flag(name: str) -> str:
    """The command-line spelling of a registry option: ``label_noise`` -> ``--label-noise``."""
    return "--" + name.replace("_", "-")


def option_help(name: str, *, defaults: bool = False) -> str:
    """One line for the option ``--name``: what it does for each dataset that takes it (with the defaults)."""
    from cubenet.data.registry import options_by_name

    groups: dict[str, list[str]] = {}
    for spec, option in options_by_name()[name]:
        text = option.help if name == option.name else f"another name for {flag(option.name)}"
        default = spec.default(option) if defaults and name == option.name else None
        groups.setdefault(text + ("" if default is None else f", default {show(default)}"), []).append(spec.name)
    return "; ".join(f"{text} ({', '.join(names)})" for text, names in groups.items())


def show(value) -> str:
    """A default as the command line would take it."""
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)


def dataset_params() -> list:
    """One click option per registry option name and alias, as typer makes them (a type, help, no default).

    They come from the records in :mod:`cubenet.data.registry`, so a new dataset's options exist on the command
    line without an edit here. Each defaults to None (not given): the generator's own default then applies.
    """
    from cubenet.data.registry import options_by_name

    def probe(**options):  # pragma: no cover - never called: typer reads only its signature
        pass

    probe.__signature__ = inspect.Signature([
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            Optional[records[0][1].type],
            typer.Option(flag(name), help=option_help(name), show_default=False, rich_help_panel=DATASET_PANEL)])
        for name, records in options_by_name().items()])
    maker = typer.Typer(add_completion=False)
    maker.command()(probe)
    return typer.main.get_command(maker).params


class ScrambleCommand(TyperCommand):
    """``cubenet scramble``, whose dataset options are the registry's (:func:`dataset_params`).

    They are made when the command itself is parsed or helped, because reading the registry imports numpy,
    which ``cubenet --help`` and the other commands never need. Their values reach :func:`scramble` as one dict,
    ``ctx.meta[DATASET_OPTIONS]``; the help names each generator's default.
    """

    def get_params(self, ctx):
        if DATASET_PARAMS not in ctx.meta:
            ctx.meta[DATASET_PARAMS] = dataset_params()
        *own, help_option = super().get_params(ctx)
        return [*own, *ctx.meta[DATASET_PARAMS], help_option]

    def invoke(self, ctx):
        names = {param.name for param in ctx.meta.get(DATASET_PARAMS, ())}
        ctx.meta[DATASET_OPTIONS] = {name: ctx.params.pop(name) for name in list(ctx.params) if name in names}
        return super().invoke(ctx)

    def format_help(self, ctx, formatter) -> None:
        self.get_params(ctx)
        for param in ctx.meta[DATASET_PARAMS]:
            param.help = option_help(param.name, defaults=True)
        super().format_help(ctx, formatter)


def scramble(
    ctx: typer.Context,
    dataset: Annotated[Optional[str], typer.Argument(help="Dataset to scramble (see 'cubenet datasets').", show_default=False)] = None,
    n: Annotated[Optional[int], typer.Option("--n", help="Number of points/images, train + test.", show_default=False)] = None,
    test_fraction: Annotated[float, typer.Option(help="Fraction held out for testing.")] = 0.25,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same file.")] = 0,
    from_csv: Annotated[Optional[Path], typer.Option("--from", help="Import your own CSV (x1,…,xd,label) instead of generating.", show_default=False)] = None,
    label_column: Annotated[Optional[str], typer.Option(help="CSV label column name (default: the last).", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Output .npz (default: DATASET.npz, replacing only the same dataset); a preview .png is written beside it.", show_default=False)] = None,
    no_preview: Annotated[bool, typer.Option("--no-preview", help="Skip the preview picture.")] = False,
):
    """Generate a scrambled dataset file (.npz) and a preview picture beside it.

    Example: [bold]cubenet scramble color-cube --twists 5 --n 10000 -o cube5.npz[/bold]
    """
    from cubenet.cli.outputs import check_implicit_dataset, check_not_input, check_preview
    from cubenet.errors import CubenetError

    given = {name: value for name, value in ctx.meta.get(DATASET_OPTIONS, {}).items() if value is not None}
    if from_csv is not None:
        if dataset is not None:
            raise CubenetError("give either a dataset name or --from FILE.csv, not both")
        if given:
            raise CubenetError(f"{flag(next(iter(given)))} only applies to a generated dataset, not to --from FILE.csv")
        out = output or Path(from_csv).with_suffix(".npz")
    else:
        if dataset is None:
            raise typer.BadParameter("name a dataset (see 'cubenet datasets') or import one with --from FILE.csv",
                                     param_hint="DATASET")
        if label_column is not None:
            raise CubenetError("--label-column only applies with --from FILE.csv")
        check_dataset_options(dataset, given)
        from cubenet.data.registry import get_generator

        out = output or Path(f"{get_generator(dataset).name}.npz")
    check_output_name(out)
    # before any work: never write over the input, nor over a file under a name cubenet chose itself
    check_not_input(out, [from_csv], "-o")
    if output is None:
        check_implicit_dataset(out, generator=dataset, source=from_csv)
    if not no_preview:
        check_not_input(out.with_suffix(".png"), [from_csv], "-o")
        check_preview(out.with_suffix(".png"))
    if from_csv is not None:
        from cubenet.data.csvio import read_csv

        ds = read_csv(from_csv, label_column=label_column, test_fraction=test_fraction, rng=seed_rng(seed))
    else:
        from cubenet.data.registry import make_dataset

        ds = make_dataset(dataset, n, rng=seed_rng(seed), test_fraction=test_fraction, **given)
        ds.meta["seed"] = seed
    write_dataset(ds, out, preview=not no_preview)


def check_dataset_options(dataset: str, given: dict) -> None:
    """Every dataset option given is one that ``dataset`` takes (one line naming the ones it does)."""
    from cubenet.data.registry import get_generator
    from cubenet.errors import CubenetError

    spec = get_generator(dataset)
    seen: dict = {}
    for name in given:
        option = spec.option(name)
        if option is None:
            offered = ", ".join(flag(o.name) for o in spec.options) or "none"
            raise CubenetError(f"{name!r} does not apply to {dataset}; its options are: {offered} "
                               "(see 'cubenet datasets')")
        if option in seen:
            raise CubenetError(f"{flag(seen[option])} and {flag(name)} are the same option of {dataset}; give one of them")
        seen[option] = name


def check_output_name(output: Path) -> None:
    """A dataset file's name ends in .npz."""
    if Path(output).suffix != ".npz":
        from cubenet.errors import CubenetError

        raise CubenetError(f"the output file must end in .npz, got {str(output)!r}")


def write_dataset(ds, output: Path, *, preview: bool = True) -> None:
    """Save the dataset and its preview; print what was written."""
    from cubenet.cli.outputs import preview_metadata
    from cubenet.data.io import save
    from cubenet.files import check_writable_dir, save_figure

    output = Path(output)
    check_output_name(output)
    check_writable_dir(output.parent if str(output.parent) else ".")
    fig = None
    if preview:
        from cubenet.viz.preview import preview_figure

        fig = preview_figure(ds)  # built before anything is written
    save(ds, output)
    out = console()
    out.print(f"[bold]{output}[/bold]: {ds.name}, {len(ds.y_train):,} train + {len(ds.y_test):,} test, "
              f"{ds.n_features} features, {ds.n_classes} classes")
    if ds.meta.get("scramble"):
        out.print(f"  scramble: {ds.meta['scramble']}")
        out.print(f"  inverse:  {ds.meta['inverse']}")
    replaced = ds.meta.get("replaced_moves")
    if replaced:
        out.print(f"  note:     --moves replaced the {ds.name} set's own moves ({replaced}): the points start from its solved "
                  f"arrangement ({ds.meta.get('solved', 'straight bands')}), not from {ds.name}; to keep them, "
                  f"give --moves \"{replaced} {ds.meta['scramble']}\"")
    if ds.meta.get("kind") == "digits":
        out.print(f"  moves per image (strength {ds.meta['params'].get('strength', ds.meta['params'].get('twists'))}): {', '.join(ds.meta.get('moves', []))}"
                  " (cubenet.data.digits.sample_moves(ds, i) lists one image's)")
    if ds.meta.get("facelets"):
        out.print(f"  facelets: {ds.meta['facelets']}")
    if fig is not None:
        png = output.with_suffix(".png")
        save_figure(fig, png, metadata=preview_metadata())  # marked, so the next scramble may redraw it
        out.print(f"  preview:  {png}")


def datasets():
    """List what can be scrambled, with each generator's classes and options (and their defaults).

    Example: [bold]cubenet datasets[/bold]
    """
    from rich.table import Table

    from cubenet.data.registry import GENERATORS

    table = Table(title="cubenet scramble DATASET", show_lines=True)
    table.add_column("dataset", style="bold")
    table.add_column("what it is")
    table.add_column("classes")
    table.add_column("options")
    for spec in GENERATORS.values():
        table.add_row(spec.name, spec.summary, classes_text(spec), "\n".join(option_line(spec, o) for o in spec.options))
    console().print(table)
    console().print("Every dataset also takes --n, --seed, --test-fraction and -o. Your own data: --from FILE.csv.")


def option_line(spec, option) -> str:
    """``--name (or --alias): what it does (default D)`` for one generator's option."""
    aliases = "".join(f" (or {flag(a)})" for a in option.aliases)
    default = spec.default(option)
    return f"{flag(option.name)}{aliases}: {option.help}" + ("" if default is None else f" (default {show(default)})")


def classes_text(spec) -> str:
    """How many classes a generator makes: its number, or the option that sets it and that option's default."""
    if isinstance(spec.classes, int):
        return str(spec.classes)
    return f"{flag(spec.classes)} (default {spec.n_classes()})"


def register(app: typer.Typer) -> None:
    command(app, scramble, cls=ScrambleCommand)
    command(app, datasets)
