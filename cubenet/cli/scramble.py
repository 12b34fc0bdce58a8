"""``cubenet scramble`` (make a dataset file and its preview) and ``cubenet datasets`` (what exists)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cubenet.cli.common import command, console, seed_rng


def scramble(
    dataset: Annotated[Optional[str], typer.Argument(help="Dataset to scramble (see 'cubenet datasets').", show_default=False)] = None,
    twists: Annotated[Optional[int], typer.Option(help="How many random moves scramble it (difficulty).", show_default=False)] = None,
    moves: Annotated[Optional[str], typer.Option(help="An explicit scramble from the solved state instead of random twists, e.g. \"R U F'\". On a 2-D set it replaces the set's own moves (moons --moves X moves straight bands by X; the command prints how to keep them).", show_default=False)] = None,
    n: Annotated[Optional[int], typer.Option("--n", help="Number of points/images, train + test.", show_default=False)] = None,
    noise: Annotated[Optional[float], typer.Option(help="Jitter added after the moves.", show_default=False)] = None,
    label_noise: Annotated[Optional[float], typer.Option(help="Fraction of labels flipped at random (2-D sets).", show_default=False)] = None,
    arms: Annotated[Optional[int], typer.Option(help="Spiral arms (spirals).", show_default=False)] = None,
    classes: Annotated[Optional[int], typer.Option(help="Number of classes (blobs) or rings (circles).", show_default=False)] = None,
    cells: Annotated[Optional[int], typer.Option(help="Squares per side, even (checker).", show_default=False)] = None,
    gap: Annotated[Optional[float], typer.Option(help="Bare border around each sticker, as a fraction of a cubie (color-cube; a real cube has about 0.1).", show_default=False)] = None,
    size: Annotated[Optional[int], typer.Option(help="Image side in pixels: 8, 16 or 28 (digits).", show_default=False)] = None,
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

    if from_csv is not None:
        if dataset is not None:
            raise CubenetError("give either a dataset name or --from FILE.csv, not both")
        out = output or Path(from_csv).with_suffix(".npz")
    else:
        if dataset is None:
            raise typer.BadParameter("name a dataset (see 'cubenet datasets') or import one with --from FILE.csv",
                                     param_hint="DATASET")
        if label_column is not None:
            raise CubenetError("--label-column only applies with --from FILE.csv")
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

        given = {"twists": twists, "moves": moves, "noise": noise, "label_noise": label_noise, "arms": arms,
                 "classes": classes, "cells": cells, "gap": gap, "size": size}
        params = {k: v for k, v in given.items() if v is not None}
        ds = make_dataset(dataset, n, rng=seed_rng(seed), test_fraction=test_fraction, **params)
        ds.meta["seed"] = seed
        if moves is not None and ds.meta.get("kind") == "planar":
            own = own_moves(dataset, params)
            if own and not ds.meta.get("scramble", "").startswith(own):  # the set's own moves kept: nothing replaced
                ds.meta["replaced_moves"] = own
    write_dataset(ds, out, preview=not no_preview)


def own_moves(name: str, params: dict) -> str:
    """The moves a 2-D set applies by itself (its signature, e.g. moons' wave), which ``--moves`` replaces."""
    from cubenet.data.registry import make_dataset

    keep = {k: v for k, v in params.items() if k not in ("moves", "twists", "noise", "label_noise")}
    return make_dataset(name, 96, rng=0, **keep).meta.get("scramble", "")


def check_output_name(output: Path) -> None:
    """A dataset file's name ends in .npz."""
    if Path(output).suffix != ".npz":
        from cubenet.errors import CubenetError

        raise CubenetError(f"the output file must end in .npz, got {str(output)!r}")


def write_dataset(ds, output: Path, *, preview: bool = True) -> None:
    """Save the dataset and its preview; print what was written."""
    from cubenet.data.io import save
    from cubenet.files import check_writable_dir, save_figure

    from cubenet.cli.outputs import preview_metadata

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
        out.print(f"  moves per image ({ds.meta['params'].get('twists')} twists): {', '.join(ds.meta.get('moves', []))}"
                  " (cubenet.data.digits.sample_moves(ds, i) lists one image's)")
    if ds.meta.get("facelets"):
        out.print(f"  facelets: {ds.meta['facelets']}")
    if fig is not None:
        png = output.with_suffix(".png")
        save_figure(fig, png, metadata=preview_metadata())  # marked, so the next scramble may redraw it
        out.print(f"  preview:  {png}")


def datasets():
    """List what can be scrambled, with each generator's parameters.

    Example: [bold]cubenet datasets[/bold]
    """
    from rich.table import Table

    from cubenet.data.registry import GENERATORS

    table = Table(title="cubenet scramble DATASET", show_lines=True)
    table.add_column("dataset", style="bold")
    table.add_column("what it is")
    table.add_column("options")
    for spec in GENERATORS.values():
        opts = "\n".join(f"--{k.replace('_', '-')}: {v}" for k, v in spec.params.items())
        table.add_row(spec.name, spec.summary, opts)
    console().print(table)
    console().print("Every dataset also takes --n, --seed, --test-fraction and -o. Your own data: --from FILE.csv.")


def register(app: typer.Typer) -> None:
    command(app, scramble)
    command(app, datasets)
