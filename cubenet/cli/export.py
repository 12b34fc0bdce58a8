"""``cubenet export``: write a dataset file back out as CSV, for use in any other tool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cubenet.cli.common import command, console


def export(
    data: Annotated[Path, typer.Argument(help="A cubenet dataset file (.npz) or a CSV to normalise.", show_default=False)],
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Output CSV (default: DATA with .csv, only if no such file exists).", show_default=False)] = None,
    split: Annotated[bool, typer.Option("--split/--no-split", help="Add a 'split' column (train/test) so the split survives a round trip.")] = True,
):
    """Write a dataset as CSV: columns x1,…,xd,label[,split], train rows then test rows, labels as class names.

    'cubenet scramble --from out.csv' and 'cubenet learn out.csv' read it back with the same split.

    Example: [bold]cubenet export spirals.npz --csv spirals.csv[/bold]
    """
    from cubenet.cli.outputs import check_implicit_csv, check_not_input
    from cubenet.data.csvio import write_csv
    from cubenet.data.io import load
    from cubenet.errors import CubenetError

    out = csv if csv is not None else Path(data).with_suffix(".csv")
    if out.suffix.lower() != ".csv":
        raise CubenetError(f"the output file must end in .csv, got {str(out)!r}")
    check_not_input(out, [data], "--csv path (it would overwrite the input)")
    if csv is None:  # a name cubenet chose: it never replaces a file (see cubenet.cli.outputs)
        check_implicit_csv(out, data)
    ds = load(data)
    write_csv(ds, out, split=split)
    rows = (f"{len(ds.y_train):,} train + {len(ds.y_test):,} test rows" if split else
            f"{len(ds.y_train) + len(ds.y_test):,} rows (train then test, no split column)")
    console().print(f"[bold]{out}[/bold]: {rows}, "
                    f"{ds.n_features} features, {ds.n_classes} classes ({', '.join(ds.class_names[:8])}"
                    f"{', …' if ds.n_classes > 8 else ''})")


def register(app: typer.Typer) -> None:
    command(app, export)
