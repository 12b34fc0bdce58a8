"""The sweep's figures and ``sweep.html``: one offline page with the phase diagram, smallest networks and probe curves."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from cubenet.files import save_figure, write_text
from cubenet.sweep.figures import phase_figure, probe_curves_figure, smallest_figure, smallest_networks, swept_option
from cubenet.sweep.results import ResultsFile, parse_row

FIGURES = (
    ("phase", "The phase diagram",
     "Median test accuracy over seeds for each scramble size (columns) and network depth (rows), one panel per "
     "width. Bright cells read the colours; dark ones could not undo that much scramble."),
    ("smallest", "The smallest network that reads the target",
     "For each scramble size, the network with the fewest parameters whose median test accuracy reaches the "
     "target; a red band where none in the grid did."),
    ("probes", "Unscrambling layer by layer",
     "The linear-probe accuracy of each representation of the best cell for every scramble size: how far a "
     "single linear read-out gets after each layer."),
)


def write_sweep_report(folder: str | Path, *, target: float = 0.95) -> list[Path]:
    """Draw phase.png, smallest.png and probes.png from ``folder/results.csv`` and write ``sweep.html``."""
    folder = Path(folder)
    rows = [parse_row(r) for r in ResultsFile(folder / "results.csv").rows()]
    builders = {"phase": lambda: phase_figure(rows, target=target),
                "smallest": lambda: smallest_figure(rows, target=target),
                "probes": lambda: probe_curves_figure(rows)}
    written = [save_figure(builders[name](), folder / f"{name}.png") for name, _, _ in FIGURES]
    write_text(folder / "sweep.html", _page(folder, rows, target))
    return [*written, folder / "sweep.html"]


def _page(folder: Path, rows: list[dict], target: float) -> str:
    ok = [r for r in rows if r["status"] == "ok"]
    failed = [r for r in rows if r["status"] != "ok"]
    option = swept_option(ok)
    best = smallest_networks(rows, option, target)
    parts = [f"<h1>cubenet sweep: {escape(rows[0]['data']) if rows else 'no cells yet'}</h1>",
             f"<p>{len(rows):,} cells: {len(ok):,} finished, {len(failed):,} failed. Every cell is an ordinary "
             f"run; its row in <code>results.csv</code> holds the exact commands that reproduce it.</p>"]
    for name, heading, caption in FIGURES:
        data = base64.b64encode((folder / f"{name}.png").read_bytes()).decode()
        parts.append(f"<h2>{heading}</h2><p>{caption}</p><img alt='{name}' src='data:image/png;base64,{data}'>")
    if best:
        table = "".join(f"<tr><td>{escape(str(x))}</td><td>{b['depth']} × {b['width']}</td><td>{b['params']:,}</td>"
                        f"<td>{b['accuracy']:.1%}</td></tr>" for x, b in best.items())
        parts.append(f"<h2>Smallest networks reaching {target:.0%}</h2><table><tr><th>{escape(option)}</th>"
                     f"<th>depth × width</th><th>parameters</th><th>median test accuracy</th></tr>{table}</table>")
    if failed:
        items = "".join(f"<li><code>{escape(r['key'])}</code> ({escape(r['command'])}): {escape(r['reason'])}</li>"
                        for r in failed[:50])
        parts.append(f"<h2>Failed cells</h2><ul>{items}</ul>")
    style = ("body{font:16px/1.5 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
             "img{max-width:100%}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px}"
             "code{font-size:14px}")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>cubenet sweep</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")
