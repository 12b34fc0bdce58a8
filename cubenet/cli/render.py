"""``cubenet render`` (figures and animations of a saved run) and ``cubenet report`` (its offline HTML page)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from cubenet.cli.common import command, console
from cubenet.viz import figures

#: the figures ``--what`` names, built from the figure registry (cubenet.viz.figures), plus their aliases and "all"
What = Enum("What", {name: name for name in figures.choices()}, type=str)


def _what_help() -> str:
    """``--what``'s help, from the registry: every figure with a few words on what it is."""
    items = [f"{f.name} ({f.short}" + ("; step networks" if f.network == "steps" else "") + ")"
             for f in figures.FIGURES]
    return (f"Which figure: {', '.join(items)}; or all that apply (the animations only when named: the explorer "
            "shows them).")


class Format(str, Enum):
    png = "png"
    svg = "svg"
    gif = "gif"
    html = "html"


def render(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by 'cubenet learn'.", show_default=False)],
    what: Annotated[What, typer.Option(help=_what_help())] = What.all,
    fmt: Annotated[Format, typer.Option("--format", help="png or svg for pictures (animations then as GIF and "
                                        "HTML); gif or html for animations only.")] = Format.png,
    max_points: Annotated[int, typer.Option(help="Draw at most this many points per figure (the numbers always "
                                            "use every point).")] = 3000,
    recompute: Annotated[bool, typer.Option("--recompute", help="Measure the per-layer numbers again and rewrite "
                                            "metrics.json (by default render only reads them).")] = False,
):
    """Re-draw a saved run's figures and animations into its folder, without training again.

    Example: [bold]cubenet render runs/color-cube --what animation --format html[/bold]
    """
    out = console()
    touched = []  # figures, and metrics.json when the per-layer numbers were (re)computed

    def done(name, seconds, paths):
        touched.extend(paths)
        out.print(f"  {name:<10} {seconds:5.1f} s  " + ", ".join(str(p) for p in paths))

    from cubenet.cli.provenance import warn_if_source_changed
    from cubenet.viz.render import render_run

    warn_if_source_changed(run_dir)
    render_run(run_dir, what=what.value, fmt=fmt.value, max_points=max_points, callback=done, recompute=recompute)
    n = len(set(touched))
    out.print(f"[bold]{n} file{'s' if n != 1 else ''}[/bold] written to {run_dir}")


def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by 'cubenet learn'.", show_default=False)],
):
    """Write RUN_DIR/report.html: one offline page with the command, data, numbers, layer equations and figures.

    Missing figures are rendered first. Example: [bold]cubenet report runs/color-cube[/bold]
    """
    from cubenet.cli.provenance import warn_if_source_changed
    from cubenet.viz.report import write_report

    warn_if_source_changed(run_dir)
    path = write_report(run_dir)
    console().print(f"[bold]{path}[/bold]: open it in a browser (works offline, a single file)")


def register(app: typer.Typer) -> None:
    command(app, render)
    command(app, report)
