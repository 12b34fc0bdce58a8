"""Render a saved run's figures and animations into its folder.

Figures only read the run: the per-layer numbers come from metrics.json, written once by
``cubenet learn`` (:mod:`cubenet.run.experiment`). ``recompute=True`` (``cubenet render --recompute``)
measures them again and rewrites metrics.json; a 0.1 run folder without them gets them measured in
memory, and its metrics.json is left as it is.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np

from cubenet.errors import CubenetError

#: what ``--what`` can name, in rendering order
WHAT = ("layers", "steps", "grid", "lattice", "unscramble", "cube", "boundary", "curves", "confusion", "explorer",
        "animation", "flow", "training", "digits")
#: the animations (written as GIF and HTML); since the explorer plays every stage, epoch and step, they are drawn
#: only when named (``--what animation``), never by "all"
MOVIES = ("animation", "flow", "training")
#: views of a layered network only, and views of a step network only (cubenet.viz.step_plots, step_flow)
DENSE_ONLY, STEPS_ONLY = ("layers", "grid", "animation", "training"), ("steps", "lattice", "flow")
STATIC_FORMATS = ("png", "svg")
MOVIE_FORMATS = ("gif", "html")
#: points drawn in animations (the figures use ``max_points``)
ANIMATION_POINTS = 800


def check_options(what: str, fmt: str, max_points: int) -> None:
    """Validate render options; raise CubenetError naming the option and echoing the value."""
    if what != "all" and what not in WHAT:
        raise CubenetError(f"unknown figure {what!r}; choose from {', '.join(WHAT)} or all")
    if fmt not in STATIC_FORMATS + MOVIE_FORMATS:
        raise CubenetError(f"unknown format {fmt!r}; choose png or svg (pictures), gif or html (animations)")
    if fmt in MOVIE_FORMATS and what not in MOVIES + ("explorer", "all"):
        raise CubenetError(f"--format {fmt} is for animations (--what animation, flow or training) and the explorer; "
                           f"draw {what!r} as png or svg")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 10:
        raise CubenetError(f"max_points must be an integer >= 10, got {max_points!r}")


def applies(name: str, ds, model=None) -> str | None:
    """Why figure ``name`` does not apply to this run (None when it does)."""
    kind = ds.meta.get("kind")
    steps = getattr(model, "kind", "dense") == "steps"
    if steps and name in DENSE_ONLY:
        return "a step network's states are drawn in the data's own space by steps, lattice and flow"
    if name in STEPS_ONLY and not steps:
        return "this view draws a step network (cubenet learn --steps N); this run's network has layers"
    if name == "lattice" and ds.n_features != 3:
        return f"the lattice is 3-D; a 2-D step network's grid is drawn in steps.png (this data has {ds.n_features} features)"
    if name == "grid" and ds.n_features not in (2, 3):
        return f"the warped grid needs 2-D or 3-D inputs; this data has {ds.n_features} features"
    if name == "cube" and not (kind == "cube" and ds.n_features == 3):
        return f"the cube view needs a colour-cube run; this run's data is {kind or 'not a cube'}"
    if name == "boundary" and ds.n_features != 2:
        return f"decision regions are drawn for 2-D inputs; this data has {ds.n_features} features"
    if name == "digits" and kind != "digits":
        return f"digit views need a digits run; this run's data is {kind or 'unknown'}"
    if name == "training" and model is not None and model.n_layers < 2:
        return "the training animation shows a hidden layer; this network has none"
    return None


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
    from cubenet.nn.train import single_blas_thread
    from cubenet.run.folder import load_run
    from cubenet.run.replace import record_files

    check_options(what, fmt, max_points)
    run = load_run(run_dir)
    if what != "all":
        reason = applies(what, run.dataset, run.model)
        if reason:
            raise CubenetError(f"cannot draw {what!r} for {str(run_dir)!r}: {reason}")
    names = [what] if what != "all" else [n for n in WHAT if applies(n, run.dataset, run.model) is None
                                          and (n not in MOVIES or fmt in MOVIE_FORMATS)]
    if fmt in MOVIE_FORMATS:
        names = [n for n in names if n in MOVIES or (n == "explorer" and fmt == "html")]
    written = []
    with single_blas_thread():
        numbers = {}
        if recompute or "layers" not in run.metrics:
            start = time.perf_counter()
            layer_numbers(run, numbers, recompute=recompute)
            if callback is not None:
                callback("numbers", time.perf_counter() - start,
                         [Path(run.path) / "metrics.json"] if recompute else [])
        layer_numbers(run, numbers)
        for name, seconds, paths in _draw_all(run, numbers, names, fmt=fmt, max_points=max_points):
            written += paths
            record_files(run.path, paths)
            if callback is not None:
                callback(name, seconds, paths)
    return written


#: rough drawing cost of each figure (seconds on the default run), to share them fairly between two processes
COST = {"explorer": 2.5, "animation": 4.0, "training": 1.6, "layers": 1.5, "grid": 0.7, "unscramble": 0.6, "cube": 0.5,
        "digits": 1.5, "boundary": 0.6, "confusion": 0.3, "curves": 0.2, "flow": 3.5, "steps": 2.0, "lattice": 1.2}


def _draw(run, numbers, names, *, fmt, max_points) -> list:
    """Draw ``names`` in this process: [(name, seconds, paths)]."""
    out = []
    for name in names:
        start = time.perf_counter()
        paths = [p for p in _RENDERERS[name](run, numbers, fmt=fmt, max_points=max_points) if p is not None]
        out.append((name, time.perf_counter() - start, paths))
    return out


def _split(names: list[str]) -> tuple[list[str], list[str]]:
    """Two shares of about equal drawing cost (greedy, most expensive first)."""
    shares, load = ([], []), [0.0, 0.0]
    for name in sorted(names, key=lambda n: -COST.get(n, 1.0)):
        i = 0 if load[0] <= load[1] else 1
        shares[i].append(name)
        load[i] += COST.get(name, 1.0)
    return shares


def _draw_all(run, numbers, names, *, fmt, max_points):
    """Yield (name, seconds, paths) for every figure; on a machine with two or more cores the figures are
    shared between this process and one forked child (each draws its own figures once; no figure is
    drawn twice and the files are the same as when drawn in one process)."""
    import multiprocessing
    import os

    two = (len(names) > 1 and (os.cpu_count() or 1) > 1 and os.environ.get("CUBENET_RENDER_PROCESSES") != "1"
           and "fork" in multiprocessing.get_all_start_methods())
    if not two:
        yield from _draw(run, numbers, names, fmt=fmt, max_points=max_points)
        return
    from concurrent.futures import ProcessPoolExecutor

    mine, theirs = _split(names)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(_draw, run, numbers, theirs, fmt=fmt, max_points=max_points)
        yield from _draw(run, numbers, mine, fmt=fmt, max_points=max_points)
        yield from future.result()


def run_seeds(run):
    """The run's :class:`~cubenet.run.experiment.Seeds`, from run.json."""
    from cubenet.run.experiment import Seeds

    seed = run.info.get("seed")
    return Seeds(seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else 0)


def layer_numbers(run, numbers: dict, *, recompute: bool = False) -> dict:
    """The per-layer statistics and the layer × epoch table: read from metrics.json (measured when it has
    none, or when ``recompute``; only ``recompute`` writes metrics.json)."""
    if numbers:
        return numbers
    from cubenet.run.metrics import LayerStats

    metrics = run.metrics
    if recompute:
        from cubenet.files import write_text
        from cubenet.run.experiment import measure

        metrics = measure(run.model, run.dataset, run.history, run_seeds(run))
        write_text(Path(run.path) / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    elif "layers" not in metrics:
        from cubenet.run.experiment import layer_numbers as measure_layers

        metrics = {**metrics, **measure_layers(run.model, run.dataset, run.history, run_seeds(run))}
    stats = [LayerStats(**{**s, "singular_values": None if s.get("singular_values") is None
                           else tuple(s["singular_values"])}) for s in metrics["layers"]]
    numbers.update(stats=stats, layer_epochs=metrics.get("layer_epochs"))
    return numbers


def _save(fig, run, name: str, fmt: str) -> Path | None:
    from cubenet.files import save_figure

    if fig is None:
        return None
    return save_figure(fig, Path(run.path) / f"{name}.{fmt}")


def _layers(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import layer_panels_figure

    stats = layer_numbers(run, numbers)["stats"]
    return [_save(layer_panels_figure(run.model, run.dataset, stats=stats, max_points=max_points), run, "layers", fmt)]


def _grid(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import grid_figure

    stats = layer_numbers(run, numbers)["stats"]
    return [_save(grid_figure(run.model, run.dataset, stats=stats, max_points=max_points), run, "grid", fmt)]


def _curve(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import unscramble_figure
    from cubenet.viz.step_plots import step_curve_figure

    nums = layer_numbers(run, numbers)
    figure = step_curve_figure if getattr(run.model, "kind", "dense") == "steps" else unscramble_figure
    fig = figure(nums["stats"], nums["layer_epochs"], network_accuracy=run.metrics.get("test_accuracy"),
                            n_classes=run.dataset.n_classes)
    return [_save(fig, run, "unscramble", fmt)]


def _cube(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import cube_figure

    return [_save(cube_figure(run.model, run.dataset), run, "prediction", fmt)]


def _boundary(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import boundary_figure

    return [_save(boundary_figure(run.model, run.dataset, max_points=max_points), run, "boundary", fmt)]


def _curves(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import curves_figure

    return [_save(curves_figure(run.history), run, "curves", fmt)]


def _confusion(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import confusion_figure

    cm = run.metrics.get("confusion_matrix")
    if cm is None:
        from cubenet.nn.network import predict
        from cubenet.viz.plots import confusion_matrix

        cm = confusion_matrix(run.dataset.y_test, predict(run.model, run.dataset.X_test), run.dataset.n_classes)
    fig = confusion_figure(cm, run.dataset.class_names, accuracy=run.metrics.get("test_accuracy"))
    return [_save(fig, run, "confusion", fmt)]


def _explorer(run, numbers, *, fmt, max_points):
    """explorer.html: the interactive page (the run's data inlined), with metrics.json's per-layer numbers."""
    from dataclasses import replace

    from cubenet.viz.explorer import write_explorer

    nums = layer_numbers(run, numbers)
    metrics = {**run.metrics, "layers": [s.as_dict() for s in nums["stats"]], "layer_epochs": nums["layer_epochs"]}
    return [write_explorer(replace(run, metrics=metrics), Path(run.path) / "explorer.html",
                           max_points=min(max_points, 2500))]


def _movie_paths(run, name: str, fmt: str, movie) -> list[Path]:
    from cubenet.viz.animate import save_gif, save_html

    formats = [fmt] if fmt in MOVIE_FORMATS else list(MOVIE_FORMATS)
    out = []
    for f in formats:
        path = Path(run.path) / f"{name}.{f}"
        out.append(save_gif(movie, path) if f == "gif" else save_html(movie, path))
    return out


def _animation(run, numbers, *, fmt, max_points):
    from cubenet.viz.animate import forward_movie

    movie = forward_movie(run.model, run.dataset, max_points=min(max_points, ANIMATION_POINTS))
    return _movie_paths(run, "animation", fmt, movie)


def _training(run, numbers, *, fmt, max_points):
    from cubenet.viz.animate import training_movie

    nums = layer_numbers(run, numbers)
    movie = training_movie(run.model, run.dataset, run.history.snapshots, history=run.history,
                           layer_epochs=nums["layer_epochs"], max_points=min(max_points, ANIMATION_POINTS))
    return _movie_paths(run, "training", "gif" if fmt not in MOVIE_FORMATS else fmt, movie)


def _digits(run, numbers, *, fmt, max_points):
    """The digit views: one digit through the layers, and the class separation per layer."""
    from cubenet.viz.digit_plots import digit_layers_figure, digit_separation_figure

    stats = layer_numbers(run, numbers)["stats"]
    return [_save(digit_layers_figure(run.model, run.dataset), run, "digits", fmt),
            _save(digit_separation_figure(run.model, run.dataset, stats=stats), run, "digits_separation", fmt)]


def _steps(run, numbers, *, fmt, max_points):
    from cubenet.viz.step_plots import steps_figure

    stats = layer_numbers(run, numbers)["stats"]
    return [_save(steps_figure(run.model, run.dataset, stats=stats, max_points=max_points), run, "steps", fmt)]


def _lattice(run, numbers, *, fmt, max_points):
    from cubenet.viz.step_plots import lattice_figure

    stats = layer_numbers(run, numbers)["stats"]
    return [_save(lattice_figure(run.model, run.dataset, stats=stats, max_points=min(max_points, 1500)), run,
                  "lattice", fmt)]


def _flow(run, numbers, *, fmt, max_points):
    from cubenet.viz.step_flow import flow_movie

    movie = flow_movie(run.model, run.dataset, max_points=min(max_points, ANIMATION_POINTS))
    return _movie_paths(run, "flow", fmt, movie)


_RENDERERS = {"layers": _layers, "steps": _steps, "grid": _grid, "lattice": _lattice, "unscramble": _curve,
              "cube": _cube, "boundary": _boundary, "curves": _curves, "confusion": _confusion, "explorer": _explorer,
              "animation": _animation, "flow": _flow, "training": _training, "digits": _digits}

