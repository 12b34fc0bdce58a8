"""The layer panels: the test points at the input and after every layer's linear step and activation.

A comic strip read left to right: one column per layer, the pre-activation above and the
post-activation below, wide layers through aligned PCA views, each caption with its linear probe
and display fidelity.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cubenet.nn.network import forward
from cubenet.run.metrics import check_max_points, check_pair
from cubenet.viz import projection as proj
from cubenet.viz.panels import Panel, draw_panel, fidelity_points, panel_axes, panel_names, view_fidelities
from cubenet.viz.style import (
    class_handles,
    columns_3d,
    data_title,
    is_cube,
    is_scrambled,
    layer_equation,
    layout_3d,
    subsample,
)


def layer_panels(model, X, *, scrambled: bool = True) -> list[Panel]:
    """The input, then every layer's pre- and post-activation for the points ``X`` (raw inputs).

    scrambled : title the input "the scrambled data" (False: "the input data", e.g. a CSV file).
    """
    data = "the scrambled data" if scrambled else "the input data"
    panels = [Panel(f"input x: {data}, {X.shape[1]} feature{'s' if X.shape[1] > 1 else ''}",
                    np.asarray(X, float), 0, "input")]
    for i, t in enumerate(forward(model, X), start=1):
        panels.append(Panel(layer_equation(model, i, "pre"), t.pre, i, "pre"))
        panels.append(Panel(layer_equation(model, i, "post"), t.post, i, "post"))
    return panels


def layer_panels_figure(model, ds, *, stats=None, max_points: int = 3000, rng=0):
    """The unscrambling, panel by panel: one column per layer (pre-activation above, post below).

    Parameters
    ----------
    model : Model
    ds : Dataset (its test points are drawn)
    stats : list of LayerStats, optional
        When given, each post-activation caption also says its linear-probe accuracy.
    max_points : int
        At most this many points are drawn (projections are still fitted on all test points).

    Returns
    -------
    Figure with ``1 + 2·n_layers`` data panels (input, then pre/post per layer) and a legend panel.
    """
    check_pair(model, ds, "layer_panels_figure")
    check_max_points(max_points)
    panels = layer_panels(model, ds.X_test, scrambled=is_scrambled(ds))
    views = proj.chain([p.H for p in panels])
    keep = subsample(ds.y_test, max_points, rng=rng)
    probe = {s.depth: s.probe_accuracy for s in stats} if stats else {}
    fidelity = panel_fidelities(model, ds, panels, views, probe)
    fig, grid, ncols = _figure_and_grid(model, panels, views)
    for panel, view in zip(panels, views):
        row = 2 * (panel.depth // ncols) + (1 if panel.part == "post" else 0)
        plot_layer_panel(model, ds, panel, view, keep, caption=panel_caption(panel, view, probe, fidelity),
                         ax=panel_axes(fig, grid[row, panel.depth % ncols], view))
    plot_panel_legend(ds, ax=fig.add_subplot(grid[1, 0]))
    fig.suptitle(f"{data_title(ds)}: the test points inside the network "
                 f"({len(keep):,} of {len(ds.y_test):,} drawn)", fontsize=12, weight="bold")
    return fig


def panel_fidelities(model, ds, panels, views, probe: dict) -> dict:
    """Display fidelity of every post-activation view, by depth (none without the probe numbers)."""
    tr = fidelity_points(ds)
    train_panels = layer_panels(model, ds.X_train[tr], scrambled=is_scrambled(ds)) if probe else []
    return view_fidelities(ds, {p.depth: (v(q.H), v(p.H)) for p, q, v in zip(panels, train_panels, views)
                                if p.part == "post"}, probe, tr)


def _figure_and_grid(model, panels, views):
    """The Figure and its panel grid: up to 5 columns of (pre, post) pairs, wider columns for 3-D panels."""
    ncols = min(model.n_layers + 1, 5)
    blocks = -(-(model.n_layers + 1) // ncols)
    widths = columns_3d([p.depth for p, v in zip(panels, views) if v.k == 3], ncols)
    fig = Figure(figsize=(3.4 * sum(widths), 6.4 * blocks + 0.6), layout="constrained")
    layout_3d(fig, widths)
    return fig, fig.add_gridspec(2 * blocks, ncols, width_ratios=widths), ncols


def panel_caption(panel: Panel, view: proj.Projection, probe: dict, fidelity: dict) -> str:
    """What the view keeps, and for a post-activation the layer's linear probe and the view's display fidelity."""
    caption = view.caption()
    if panel.part == "post" and panel.depth in probe:
        caption += f"\nlinear probe reads {probe[panel.depth]:.1%} of test points right"
        if panel.depth in fidelity:
            caption += f"\ndisplay fidelity {fidelity[panel.depth]:.0%} (what this view shows of that)"
    elif panel.part == "input" and 0 in probe:
        caption += f"\nlinear probe on the raw input: {probe[0]:.1%}"
    return caption


def plot_layer_panel(model, ds, panel: Panel, view: proj.Projection, keep, *, caption: str, ax):
    """One panel of :func:`layer_panels_figure`: the test points ``keep`` of ``panel`` in ``view``; returns ax."""
    y = ds.y_test
    return draw_panel(ax, view, view(panel.H)[keep], y[keep], ds.class_colors, title=panel.title, caption=caption,
                      input_names=panel_names(ds, panel, model.n_layers), cube=panel.part == "input" and is_cube(ds))


def plot_panel_legend(ds, *, ax):
    """The legend panel: the class colours and how to read the figure; returns ax."""
    ax.axis("off")
    # two or three columns keep the legend short, clear of the reading note below it in a short panel
    ax.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="upper center", title="class",
              fontsize=9, title_fontsize=9, ncols=1 if ds.n_classes <= 3 else 2 if ds.n_classes <= 8 else 3)
    ax.text(0.5, 0.02, "Read left to right: each column is one layer.\nTop: the linear step W·h + b.\n"
            "Bottom: after the activation.\nColours coming apart = the layer\nhas unscrambled the data.",
            transform=ax.transAxes, ha="center", va="bottom", fontsize=8)
    return ax
