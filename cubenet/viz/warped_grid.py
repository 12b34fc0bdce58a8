"""The warped grid: straight lines of the input space (a grid in 2-D, a lattice in 3-D) pushed through the layers."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cubenet.errors import CubenetError
from cubenet.nn.network import forward
from cubenet.run.metrics import check_max_points, check_pair, representations
from cubenet.viz import projection as proj
from cubenet.viz.panels import Panel, draw_panel, fidelity_points, panel_axes, panel_names, view_fidelities
from cubenet.viz.style import class_handles, columns_3d, data_title, is_cube, layer_equation, layout_3d, subsample


def grid_lines(X, *, n_lines: int | None = None, n_steps: int = 80) -> list[np.ndarray]:
    """Straight lines filling the bounding box of ``X`` (n, 2 or 3): a grid (2-D) or a lattice (3-D).

    Returns a list of arrays of shape (n_steps, dim), each one straight line in input space.
    """
    X = np.asarray(X, dtype=float)
    dim = X.shape[1]
    if dim not in (2, 3):
        raise CubenetError(f"a warped grid needs 2-D or 3-D inputs, got {dim} features")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    n_lines = n_lines or (13 if dim == 2 else 4)
    ticks = [np.linspace(lo[a], hi[a], n_lines) for a in range(dim)]
    t = np.linspace(0, 1, n_steps)
    lines = []
    for a in range(dim):
        others = [b for b in range(dim) if b != a]
        for fixed in np.array(np.meshgrid(*[ticks[b] for b in others])).reshape(len(others), -1).T:
            line = np.empty((n_steps, dim))
            line[:, a] = lo[a] + t * (hi[a] - lo[a])
            line[:, others] = fixed
            lines.append(line)
    return lines


def grid_figure(model, ds, *, stats=None, max_points: int = 3000, rng=0):
    """A grid (2-D inputs) or lattice (3-D inputs) pushed through the layers, drawn under the points.

    Shows the input and every layer's output (hidden post-activations, then the output logits).
    Returns None when the input is not 2-D or 3-D.
    """
    check_pair(model, ds, "grid_figure")
    check_max_points(max_points)
    if ds.n_features not in (2, 3):
        return None
    lines = grid_lines(ds.X)
    reps, line_reps = (depth_representations(model, Z) for Z in (ds.X_test, np.concatenate(lines)))
    views = proj.chain(reps)
    keep = subsample(ds.y_test, max_points, rng=rng)
    probe = {s.depth: s.probe_accuracy for s in stats} if stats else {}
    fidelity = _fidelities(model, ds, reps, views, probe)
    fig, grid, ncols = _figure_and_grid(model, views)
    for depth, (H, G, view) in enumerate(zip(reps, line_reps, views)):
        caption = view.caption() + (f"\nlinear probe: {probe[depth]:.1%}" if depth in probe else "") + \
            (f" · display fidelity {fidelity[depth]:.0%}" if depth in fidelity else "")
        plot_grid_panel(model, ds, depth, H, np.split(view(G), len(lines)), view, keep, caption=caption,
                        ax=panel_axes(fig, grid[depth // ncols, depth % ncols], view))
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=min(ds.n_classes, 10), fontsize=9)
    fig.suptitle(f"{data_title(ds)}: straight {'grid' if ds.n_features == 2 else 'lattice'} lines through the "
                 "network — watch space being rotated, stretched and folded", fontsize=12, weight="bold")
    return fig


def depth_representations(model, X) -> list[np.ndarray]:
    """The points ``X`` at the input and after every layer: hidden post-activations, then the output logits."""
    trace = forward(model, X)
    return [X] + [t.post for t in trace[:-1]] + [trace[-1].pre]


def _fidelities(model, ds, reps, views, probe: dict) -> dict:
    """Display fidelity of every layer's view, by depth (none without the probe numbers)."""
    if not probe:
        return {}

    tr = fidelity_points(ds)
    train_reps = representations(model, ds.X_train[tr])
    return view_fidelities(ds, {d: (v(train_reps[d]), v(H)) for d, (H, v) in enumerate(zip(reps, views)) if d > 0},
                           probe, tr)


def _figure_and_grid(model, views):
    """The Figure and its panel grid: up to 5 panels a row, wider columns for 3-D panels."""
    ncols = min(model.n_layers + 1, 5)
    nrows = -(-(model.n_layers + 1) // ncols)
    widths = columns_3d([d for d, v in enumerate(views) if v.k == 3], ncols)
    fig = Figure(figsize=(3.6 * sum(widths), 3.9 * nrows + 0.9), layout="constrained")
    layout_3d(fig, widths)
    return fig, fig.add_gridspec(nrows, ncols, width_ratios=widths), ncols


def plot_grid_panel(model, ds, depth: int, H, segments, view: proj.Projection, keep, *, caption: str, ax):
    """One panel of :func:`grid_figure`: the grid's ``segments`` (already in ``view``) under the test points
    ``keep`` of the representation ``H`` at ``depth``; returns ax."""
    L, cube = model.n_layers, depth == 0 and is_cube(ds)
    order = [0, 2, 1] if cube else slice(None)  # cube view: U up
    for segment in segments:
        ax.plot(*segment[:, order].T, color="#333333", lw=0.6, alpha=0.7)
    title = ("input x with a regular " + ("grid" if ds.n_features == 2 else "lattice")) if depth == 0 \
        else layer_equation(model, depth, "pre" if depth == L else "post")
    return draw_panel(ax, view, view(H)[keep], ds.y_test[keep], ds.class_colors, title=title, caption=caption, size=4,
                      alpha=0.8, input_names=panel_names(ds, Panel(title, H, depth, "input" if depth == 0 else "pre"), L),
                      cube=cube)
