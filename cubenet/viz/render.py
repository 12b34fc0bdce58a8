"""Render a saved run's figures and animations into its folder.

Figures only read the run: the per-layer numbers come from metrics.json, written once by
``cubenet learn`` (:mod:`cubenet.run.experiment`). ``recompute=True`` (``cubenet render --recompute``)
measures them again and rewrites metrics.json; a 0.1 run folder without them gets them measured in
memory, and its metrics.json is left as it is.
"""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np

from cubenet.errors import CubenetError
from cubenet.files import save_figure, write_text
from cubenet.run.folder import load_run
from cubenet.run.metrics import LayerStats
from cubenet.run.numbers import layer_numbers as measure_layers
from cubenet.run.numbers import measure
from cubenet.run.processes import in_two
from cubenet.run.replace import record_files
from cubenet.run.seeds import Seeds
from cubenet.threads import single_blas_thread
from cubenet.viz import figures
from cubenet.viz.figures import FORMATS, applies  # noqa: F401  (render.applies is public)
from cubenet.viz.movie import save_gif, save_html

#: what ``--what`` can name, in reading order (the registry: :mod:`cubenet.viz.figures`)
WHAT = figures.names()
STATIC_FORMATS, MOVIE_FORMATS = FORMATS["static"], FORMATS["movie"]


def check_options(what: str, fmt: str, max_points: int) -> None:
    """Validate render options; raise CubenetError naming the option and echoing the value."""
    figure = None if what == "all" else figures.get(what)
    if fmt not in STATIC_FORMATS + MOVIE_FORMATS:
        raise CubenetError(f"unknown format {fmt!r}; choose png or svg (pictures), gif or html (animations)")
    if figure is not None and not figure.formats(fmt):
        movies = [f.name for f in figures.FIGURES if f.kind == "movie"]
        pages = [f.name for f in figures.FIGURES if f.kind == "page"]
        raise CubenetError(f"--format {fmt} is for animations (--what {', '.join(movies[:-1])} or {movies[-1]}) "
                           f"and the {' and the '.join(pages)} (html); draw {what!r} as "
                           + ("png, svg or html" if figure.kind == "page" else "png or svg"))
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 10:
        raise CubenetError(f"max_points must be an integer >= 10, got {max_points!r}")


def chosen(what: str, fmt: str, ds, model) -> list:
    """The figure records ``what`` names for this run: one, or all that apply and are drawn in ``fmt``."""
    if what != "all":
        return [figures.get(what)]
    return [f for f in figures.applicable(ds, model) if f.in_all(fmt)]


def render_run(run_dir, *, what: str = "all", fmt: str = "png", max_points: int = 3000,
               callback: Callable | None = None, recompute: bool = False) -> list[Path]:
    """Write the run's figures into its folder and return their paths.

    Parameters
    ----------
    run_dir : a folder written by ``cubenet learn``
    what : one of :data:`WHAT` or "all" (everything that applies to this run)
    fmt : "png" or "svg" for pictures (animations are then written as both GIF and HTML);
        "gif" or "html" to write only the animations, in that format
    max_points : at most this many points are drawn per figure (metrics always use every point)
    callback : called as ``callback(name, seconds, paths)`` after each figure is written (and after
        the per-layer numbers, as "numbers", when they had to be measured)
    recompute : measure the per-layer numbers again and rewrite metrics.json with them
    """
    check_options(what, fmt, max_points)
    run = load_run(run_dir)
    if what != "all":
        reason = applies(what, run.dataset, run.model)
        if reason:
            raise CubenetError(f"cannot draw {what!r} for {str(run_dir)!r}: {reason}")
    chosen_figures = chosen(what, fmt, run.dataset, run.model)
    written = []
    with single_blas_thread():
        numbers, needed = {}, any(f.numbers for f in chosen_figures)
        if recompute or (needed and "layers" not in run.metrics):
            start = time.perf_counter()
            layer_numbers(run, numbers, recompute=recompute)
            if callback is not None:
                callback("numbers", time.perf_counter() - start,
                         [Path(run.path) / "metrics.json"] if recompute else [])
        elif needed:
            layer_numbers(run, numbers)
        for name, seconds, paths in _draw_all(run, numbers, [f.name for f in chosen_figures], fmt=fmt,
                                              max_points=max_points):
            written += paths
            record_files(run.path, paths)
            if callback is not None:
                callback(name, seconds, paths)
    return written


def _draw_one(run, numbers, name: str, *, fmt, max_points) -> tuple:
    """Draw one figure: (name, seconds, paths)."""
    start = time.perf_counter()
    paths = draw(figures.get(name), run, numbers, fmt=fmt, max_points=max_points)
    return name, time.perf_counter() - start, paths


def _draw_all(run, numbers, names, *, fmt, max_points):
    """Yield (name, seconds, paths) for every figure; on a machine with two or more cores the figures are
    shared between this process and one forked child (:func:`cubenet.run.processes.in_two`: each figure
    is drawn once, and the files are the same as when drawn in one process)."""
    tasks = [partial(_draw_one, run, numbers, name, fmt=fmt, max_points=max_points) for name in names]
    for _, result in in_two(tasks, [figures.get(name).cost for name in names]):
        yield result


def run_seeds(run):
    """The run's :class:`~cubenet.run.experiment.Seeds`, from run.json."""
    seed = run.info.get("seed")
    return Seeds(seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else 0)


def layer_numbers(run, numbers: dict, *, recompute: bool = False) -> dict:
    """The per-layer statistics and the layer × epoch table: read from metrics.json (measured when it has
    none, or when ``recompute``; only ``recompute`` writes metrics.json)."""
    if numbers:
        return numbers

    metrics = run.metrics
    if recompute:
        metrics = measure(run.model, run.dataset, run.history, run_seeds(run))
        write_text(Path(run.path) / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    elif "layers" not in metrics:
        metrics = {**metrics, **measure_layers(run.model, run.dataset, run.history, run_seeds(run))}
    stats = [LayerStats(**{**s, "singular_values": None if s.get("singular_values") is None
                           else tuple(s["singular_values"])}) for s in metrics["layers"]]
    numbers.update(stats=stats, layer_epochs=metrics.get("layer_epochs"))
    return numbers


def draw(figure, run, numbers: dict, *, fmt: str, max_points: int) -> list[Path]:
    """Build one figure and write its files into the run folder (the one place that writes them); returns the paths."""
    if figure.max_points is not None:
        max_points = min(max_points, figure.max_points)
    built = figure.build(run, numbers, max_points)
    folder = Path(run.path)
    if figure.kind == "page":
        return [write_text(folder / f"{figure.stems[0]}.html", built)]
    if figure.kind == "movie":
        return [(save_gif if f == "gif" else save_html)(built, folder / f"{figure.stems[0]}.{f}")
                for f in figure.formats(fmt)]
    built = built if isinstance(built, tuple) else (built,)
    return [save_figure(fig, folder / f"{stem}.{fmt}") for stem, fig in zip(figure.stems, built) if fig is not None]
