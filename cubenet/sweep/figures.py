"""Sweep figures: the phase diagram (twists × depth → accuracy), the smallest network that reads a target, probe curves.

Each builder takes the parsed rows of ``results.csv`` and returns a matplotlib ``Figure``; failed cells
count as missing, never as zero accuracy. ``x`` is the data option swept (``twists`` for the cube).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from matplotlib import colormaps, ticker
from matplotlib.figure import Figure


def ok_rows(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["status"] == "ok" and r["test_accuracy"] is not None]


def swept_option(rows: list[dict]) -> str:
    """The data option with the most distinct values (``twists`` in the usual sweep)."""
    counts = defaultdict(set)
    for r in rows:
        for name, value in (r["data_params"] or {}).items():
            counts[name].add(value)
    return max(counts, key=lambda n: len(counts[n])) if counts else "twists"


def _x_value(row: dict, option: str):
    return (row["data_params"] or {}).get(option, 0)


def median_table(rows: list[dict], option: str, width: int) -> tuple[list, list, np.ndarray]:
    """Median test accuracy over seeds, for one width: (x values, depths, table[depth, x])."""
    cells = defaultdict(list)
    for r in rows:
        if r["width"] == width:
            cells[(r["depth"], _x_value(r, option))].append(r["test_accuracy"])
    xs = sorted({x for _, x in cells})
    depths = sorted({d for d, _ in cells})
    table = np.full((len(depths), len(xs)), np.nan)
    for (d, x), accs in cells.items():
        table[depths.index(d), xs.index(x)] = np.median(accs)
    return xs, depths, table


def plot_phase(rows: list[dict], option: str, width: int, *, ax, target: float | None = None):
    """One width's heatmap: median test accuracy by depth (rows) and swept option (columns)."""
    xs, depths, table = median_table(rows, option, width)
    image = ax.imshow(table * 100, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=100)
    ax.set_xticks(range(len(xs)), [str(x) for x in xs])
    ax.set_yticks(range(len(depths)), [str(d) for d in depths])
    ax.set_xlabel(option)
    ax.set_ylabel("steps" if rows and all(r.get("network") == "steps" for r in rows) else "hidden layers (depth)")
    ax.set_title(f"width {width}")
    if table.size <= 200:
        for (i, j), value in np.ndenumerate(table):
            if np.isfinite(value):
                good = target is not None and value >= target
                ax.text(j, i, f"{value:.0%}".replace("%", ""), ha="center", va="center", fontsize=8,
                        color="black" if value > 0.6 else "white", fontweight="bold" if good else "normal")
    return image


def phase_figure(rows: list[dict], *, target: float | None = 0.95) -> Figure:
    """A heatmap per width of median test accuracy over seeds, the swept option × depth."""
    rows = ok_rows(rows)
    option = swept_option(rows)
    widths = sorted({r["width"] for r in rows}) or [0]
    fig = Figure(figsize=(3.6 * len(widths) + 1.2, 3.8), layout="constrained")
    axes = fig.subplots(1, len(widths), squeeze=False)[0]
    image = None
    for ax, width in zip(axes, widths):
        image = plot_phase(rows, option, width, ax=ax, target=target)
    if image is not None:
        fig.colorbar(image, ax=list(axes), label="median test accuracy (%)", shrink=0.9)
    seeds = len({r["seed"] for r in rows})
    note = f"; bold: ≥ {target:.0%}" if target is not None else ""
    fig.suptitle(f"How much network does it take? Median test accuracy over {seeds} seed(s) by {option} "
                 f"and depth{note}", fontsize=11)
    return fig


def smallest_networks(rows: list[dict], option: str, target: float) -> dict:
    """For each value of the option: the fewest parameters of a (width, depth) whose median accuracy ≥ target."""
    groups = defaultdict(list)
    for r in ok_rows(rows):
        groups[(_x_value(r, option), r["width"], r["depth"])].append(r)
    best = {}
    for (x, width, depth), group in groups.items():
        accuracy = float(np.median([r["test_accuracy"] for r in group]))
        params = group[0]["params"]
        if accuracy >= target and (x not in best or params < best[x]["params"]):
            best[x] = {"params": params, "width": width, "depth": depth, "accuracy": accuracy}
    return dict(sorted(best.items()))


def smallest_figure(rows: list[dict], *, target: float = 0.95) -> Figure:
    """The smallest network (in parameters) that reaches ``target`` median test accuracy, against the option."""
    option = swept_option(ok_rows(rows))
    best = smallest_networks(rows, option, target)
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    xs = sorted({_x_value(r, option) for r in ok_rows(rows)})
    if best:
        ax.plot(list(best), [b["params"] for b in best.values()], "o-", color="#3465a4")
        for x, b in best.items():
            ax.annotate(f"{b['depth']}×{b['width']}", (x, b["params"]), textcoords="offset points",
                        xytext=(0, 7), ha="center", fontsize=8)
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _: f"{v:,.0f}"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    missing = [x for x in xs if x not in best]
    for x in missing:
        ax.axvline(x, color="#cc0000", alpha=0.25, lw=6)
    ax.set_xlabel(option)
    ax.set_ylabel("parameters of the smallest network (log scale)")
    ax.set_title(f"The smallest network in the grid that reads ≥ {target:.0%} (median over seeds)\n"
                 f"labels: hidden layers × width" + ("; red bands: no network in the grid did" if missing else ""),
                 fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def probe_curves_figure(rows: list[dict]) -> Figure:
    """The per-layer probe accuracy of the best cell at each value of the option: unscrambling vs scramble."""
    option = swept_option(ok_rows(rows))
    best = {}
    for r in ok_rows(rows):
        x = _x_value(r, option)
        if r["probe_accuracy"] and (x not in best or r["test_accuracy"] > best[x]["test_accuracy"]):
            best[x] = r
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    cmap = colormaps["plasma"]
    for i, (x, r) in enumerate(sorted(best.items())):
        probes = r["probe_accuracy"]
        ax.plot(range(len(probes)), np.asarray(probes) * 100, "o-", ms=3,
                color=cmap(i / max(len(best) - 1, 1) * 0.85),
                label=f"{option} {x}: {r['depth']}×{r['width']}, test {r['test_accuracy']:.1%}")
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax.set_xlabel("representation (0 = the input, then each hidden layer; the last point is the output)")
    ax.set_ylabel("linear-probe accuracy (%)")
    ax.set_title("Unscrambling layer by layer: the best cell for each scramble", fontsize=10)
    ax.grid(alpha=0.3)
    if best:
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return fig
