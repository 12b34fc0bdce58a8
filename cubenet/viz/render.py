"""Render a saved run's figures and animations into its folder, and add the per-layer numbers to metrics.json."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np

from cubenet.errors import CubenetError

#: what ``--what`` can name, in rendering order
WHAT = ("layers", "grid", "unscramble", "cube", "boundary", "curves", "confusion", "explorer", "animation", "training",
        "digits")
STATIC_FORMATS = ("png", "svg")
MOVIE_FORMATS = ("gif", "html")
#: points drawn in animations (the figures use ``max_points``)
ANIMATION_POINTS = 800
#: snapshots in the layer × epoch probe table (each costs one probe per layer)
HEATMAP_SNAPSHOTS = 8


def check_options(what: str, fmt: str, max_points: int) -> None:
    """Validate render options; raise CubenetError naming the option and echoing the value."""
    if what != "all" and what not in WHAT:
        raise CubenetError(f"unknown figure {what!r}; choose from {', '.join(WHAT)} or all")
    if fmt not in STATIC_FORMATS + MOVIE_FORMATS:
        raise CubenetError(f"unknown format {fmt!r}; choose png or svg (pictures), gif or html (animations)")
    if fmt in MOVIE_FORMATS and what not in ("animation", "training", "explorer", "all"):
        raise CubenetError(f"--format {fmt} is for animations (--what animation or training); "
                           f"draw {what!r} as png or svg")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 10:
        raise CubenetError(f"max_points must be an integer >= 10, got {max_points!r}")


def applies(name: str, ds, model=None) -> str | None:
    """Why figure ``name`` does not apply to this run (None when it does)."""
    kind = ds.meta.get("kind")
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
               callback: Callable | None = None) -> list[Path]:
    """Write the run's figures into its folder and return their paths.

    Parameters
    ----------
    run_dir : a folder written by ``cubenet learn``
    what : one of :data:`WHAT` or "all" (everything that applies to this run)
    fmt : "png" or "svg" for pictures (animations are then written as both GIF and HTML);
        "gif" or "html" to write only the animations, in that format
    max_points : at most this many points are drawn per figure (metrics always use every point)
    callback : called as ``callback(name, seconds, paths)`` after each figure is written (and after
        the per-layer numbers, as "numbers", when a figure needs them)

    Also stores the per-layer numbers in metrics.json: ``"layers"`` (probe and centroid
    accuracy, dead units and singular values per representation) and ``"layer_epochs"``
    (probe accuracy per layer and snapshot).
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
    names = [what] if what != "all" else [n for n in WHAT if applies(n, run.dataset, run.model) is None]
    if fmt in MOVIE_FORMATS:
        names = [n for n in names if n in ("animation", "training") or (n == "explorer" and fmt == "html")]
    written = []
    with single_blas_thread():
        numbers = {}
        if set(names) & {"layers", "grid", "unscramble", "training", "digits", "explorer"}:
            start = time.perf_counter()
            layer_numbers(run, numbers)
            if callback is not None:
                callback("numbers", time.perf_counter() - start, [Path(run.path) / "metrics.json"])
        for name in names:
            start = time.perf_counter()
            paths = _RENDERERS[name](run, numbers, fmt=fmt, max_points=max_points)
            paths = [p for p in paths if p is not None]
            written += paths
            record_files(run.path, paths)
            if callback is not None:
                callback(name, time.perf_counter() - start, paths)
    return written


def layer_numbers(run, numbers: dict) -> dict:
    """The per-layer statistics and the layer × epoch table, computed once and saved in metrics.json."""
    if numbers:
        return numbers
    from cubenet.files import write_text
    from cubenet.viz.animate import pick_snapshots
    from cubenet.run.metrics import layer_stats, probe_by_epoch

    stats = layer_stats(run.model, run.dataset)
    snaps = [run.history.snapshots[i] for i in pick_snapshots(len(run.history.snapshots), HEATMAP_SNAPSHOTS)]
    by_epoch = probe_by_epoch(run.model, snaps, run.dataset) if snaps else None
    numbers.update(stats=stats, layer_epochs=by_epoch)
    path = Path(run.path) / "metrics.json"
    metrics = json.loads(path.read_text(encoding="utf-8"))
    metrics["layers"] = [s.as_dict() for s in stats]
    metrics["layer_epochs"] = by_epoch
    write_text(path, json.dumps(metrics, indent=2) + "\n")
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

    nums = layer_numbers(run, numbers)
    fig = unscramble_figure(nums["stats"], nums["layer_epochs"], network_accuracy=run.metrics.get("test_accuracy"),
                            n_classes=run.dataset.n_classes)
    return [_save(fig, run, "unscramble", fmt)]


def _cube(run, numbers, *, fmt, max_points):
    from cubenet.viz.plots import cube_figure

    return [_save(cube_figure(run.model, run.dataset), run, "cube", fmt)]


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


_RENDERERS = {"layers": _layers, "grid": _grid, "unscramble": _curve, "cube": _cube, "boundary": _boundary,
              "curves": _curves, "confusion": _confusion, "explorer": _explorer, "animation": _animation,
              "training": _training,
              "digits": _digits}

