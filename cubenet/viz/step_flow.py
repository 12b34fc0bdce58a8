"""The staged animation of a step network: each step as one continuous motion h + t·Δ, with one camera and fixed axes.

Inside a step the points move on straight lines, ``h + t·Δ`` with ``Δ = relu(h·W + b)·V + c``, from the
state before the step (t = 0) to the state after it (t = 1); the grid (2-D data) or the solved cube's
sticker lattice (3-D) flows with them. The axes, their limits and the camera are set once for the
whole movie — nothing rescales between steps — and the last scene shows the flat cut of the head.
Frames are rendered with the machinery of :mod:`cubenet.viz.movie` (a static background drawn once
per scene, the moving artists blitted over it) into the same :class:`~cubenet.viz.movie.Movie`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cubenet.run.metrics import check_max_points
from cubenet.viz.movie import Blitter, check_movie_settings, legend_columns, scatter_setup, set_points
from cubenet.viz.step_plots import (
    check_step_pair,
    cubie_lattice,
    draw_cut,
    draw_lines,
    is_cube,
    screen,
    shared_limits,
    state_axes,
    states,
)
from cubenet.viz.style import class_handles, data_title, sub, subsample
from cubenet.viz.warped_grid import grid_lines


def flow_movie(model, ds, *, max_points: int = 800, frames_per_step: int = 10, hold: int = 3, cut: int = 10,
               fps: int = 12, dpi: int = 80, rng=0):
    """The test points (and a grid or the cube's sticker lattice) flowing through every step, then the cut.

    Parameters
    ----------
    model : StepModel; ds : Dataset with 2 or 3 features
    max_points : points drawn (a random subset of the test set)
    frames_per_step : frames of the motion t = 0 … 1 of each step (after its t = 0 frame)
    hold : still frames at the end of every step
    cut : still frames of the last state with the head's flat cut

    Returns
    -------
    Movie with ``n_steps · (frames_per_step + 1 + hold) + cut`` frames.
    """
    check_step_pair(model, ds, "flow_movie")
    check_max_points(max_points)
    check_movie_settings(fps=fps, dpi=dpi, hold=hold, cut=cut, frames_per_step=frames_per_step)

    cube, keep = is_cube(ds), subsample(ds.y_test, max_points, rng=rng)
    y = ds.y_test[keep]
    order = np.random.default_rng(rng).permutation(len(y))
    xs = [P[order] for P in states(model, ds.X_test[keep])]
    lines = cubie_lattice(ds) if ds.n_features == 3 else grid_lines(ds.X, n_lines=13, n_steps=60)
    pushed = states(model, np.concatenate(lines))
    box = shared_limits(xs)
    fig = Figure(figsize=(6.4, 6.4), dpi=dpi, layout="constrained")
    ax = state_axes(fig, 111, screen(box.T, cube).T, cube=cube)
    ax.set_title("same axes and camera for every step: the motion you see is the network's", fontsize=9)
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=legend_columns(ds.n_classes), fontsize=8)
    caption = fig.suptitle("\n", fontsize=10)
    counter = fig.text(0.985, 0.015, "", ha="right", va="bottom", fontsize=10, family="monospace", animated=True)
    scatter = scatter_setup(ax, np.asarray(ds.class_colors)[y[order]], len(y))
    grid = draw_lines(ax, np.split(pushed[0], len(lines)), cube=cube, lw=0.5, alpha=0.45)
    grid.set_animated(True)
    regions = draw_cut(ax, model, box, ds.class_colors, cube=cube)
    if regions is not None:
        regions.set_visible(False)
    blit = Blitter(fig, model.n_steps * (frames_per_step + 1 + hold) + cut)
    title = data_title(ds, max_chars=54)
    ts = np.linspace(0, 1, frames_per_step + 1)
    for i in range(1, model.n_steps + 1):
        caption.set_text(f"{title} — step {i} of {model.n_steps}\nh + t·Δ, Δ = relu(h·W{sub(i)} + b{sub(i)})·V{sub(i)}"
                         f" + c{sub(i)}: every point moves on a straight line")
        blit.new_scene()
        for t in list(ts) + [1.0] * hold:
            _flow_frame(blit, scatter, grid, counter, xs, pushed, len(lines), i, t, cube)
    caption.set_text(f"{title} — the flat cut\nthe last state, and the regions of softmax(h{sub(model.n_steps)}·W + b)"
                     if ds.n_features == 2 else f"{title} — the flat cut\nthe last state, and the planes between "
                     f"the classes of softmax(h{sub(model.n_steps)}·W + b)")
    if regions is not None:
        regions.set_visible(True)
    blit.new_scene()
    for _ in range(cut):
        _flow_frame(blit, scatter, grid, counter, xs, pushed, len(lines), model.n_steps, 1.0, cube, label="cut")
    return blit.movie(fps, f"{data_title(ds)}: {model.n_steps} steps in the data's own space, then the flat cut")


def _flow_frame(blit, scatter, grid, counter, xs, pushed, n_lines, i, t, cube, label=None):
    """One frame: the points and the lines at ``h_{i-1} + t·(h_i - h_{i-1})``."""
    P = screen(xs[i - 1] + t * (xs[i] - xs[i - 1]), cube)
    L = screen(pushed[i - 1] + t * (pushed[i] - pushed[i - 1]), cube)
    set_points(scatter, P, np.zeros(len(P)))
    grid.set_segments(np.split(L, n_lines))
    if hasattr(grid, "do_3d_projection"):
        grid.do_3d_projection()
    counter.set_text("" if label else f"t = {t:.2f}")
    blit.grab(f"the flat cut after step {i}" if label else f"step {i}, t = {t:.2f}", grid, scatter, counter)
