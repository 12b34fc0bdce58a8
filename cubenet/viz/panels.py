"""One panel of the data inside a network: its representation, axis names, caption and display fidelity.

Shared by the layer panels (:mod:`cubenet.viz.layer_panels`) and the warped grid
(:mod:`cubenet.viz.warped_grid`). Wide layers are shown through aligned PCA projections
(:mod:`cubenet.viz.projection`); a panel's caption says what the view keeps.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from cubenet.run.metrics import display_fidelity, stratified_subset
from cubenet.viz import projection as proj
from cubenet.viz.cube_plots import draw_points3d
from cubenet.viz.style import draw_points, few_ticks_3d, style_axes, sub


@dataclass(frozen=True)
class Panel:
    """One picture of the data inside the network: what it shows and the representation (n, width)."""

    title: str
    H: np.ndarray
    depth: int
    part: str  # "input", "pre" or "post"


def axis_labels(view: proj.Projection, *, input_names=None) -> tuple[str, ...]:
    """Axis labels for a panel: ``PC 1``/``PC 2`` for projections, ``unit i`` (or feature names) otherwise."""
    if not view.native:
        return tuple(f"aligned PC {j + 1}" for j in range(view.k))
    if view.k == 1:
        return ("unit 1", "(random jitter)")
    if input_names is not None:
        return tuple(input_names)
    return tuple(f"unit {j + 1}" for j in range(view.k))


def feature_names(ds) -> tuple[str, ...]:
    """Axis names of the input: the cube's (x → R, y → U, z → F), else x₁, x₂, …"""
    if ds.meta.get("kind") == "cube":
        return ("x (→ R)", "y (→ U)", "z (→ F)")
    return tuple(f"x{sub(j + 1)}" for j in range(ds.n_features))


def panel_names(ds, panel: Panel, n_layers: int):
    """Axis names for a panel drawn in its own coordinates: input features, or class scores for the output."""
    if panel.part == "input":
        return feature_names(ds)
    if panel.depth == n_layers:
        return tuple((f"logit {c}" if panel.part == "pre" else f"P({c})") for c in ds.class_names)
    return None


def panel_axes(fig, spec, view: proj.Projection):
    """The Axes of a panel at ``spec``: 3-D when the view draws three coordinates."""
    return fig.add_subplot(spec, projection="3d" if view.k == 3 else None)


def wrap_caption(caption: str, title: str) -> str:
    """Caption lines wrapped to the title's width: a 3-D panel's title must not widen (and shrink) its column."""
    width = max(len(title), 30)
    return "\n".join(part for line in caption.split("\n") for part in textwrap.wrap(line, width) or [""])


def draw_panel(ax, view: proj.Projection, P, y, colors, *, title: str, caption: str, input_names=None,
               size: float = 6.0, alpha: float = 1.0, cube: bool = False):
    """One layer panel: points ``P`` (already projected) with title, caption and axis labels.

    cube : draw 3-D points as cube coordinates (x, y, z) = (R, U, F) with U up, as cube_plots does.
    """
    if cube:
        draw_points3d(ax, P, y, colors, size=size, legend=False)
        lim = 1.05 * np.abs(P).max()
        ax.set(xlim=(-lim, lim), ylim=(lim, -lim), zlim=(-lim, lim))
        style_axes(ax)
    else:
        draw_points(ax, P, y, colors, size=size, alpha=alpha)
        style_axes(ax, labels=axis_labels(view, input_names=input_names))
    if hasattr(ax, "zaxis"):  # 3-D tick labels fill the space below: caption goes under the title
        if not cube:
            few_ticks_3d(ax)
        ax.tick_params(labelsize=6.5, pad=0)
        ax.set_title(f"{title}\n{wrap_caption(caption, title)}", fontsize=9)
        ax.set_box_aspect((1, 1, 1), zoom=1.1)  # its wider column (WIDTH_3D) leaves room for the labels
    else:
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"{ax.get_xlabel()}\n{caption}".strip(), fontsize=7.5)
    return ax


#: training points the display-fidelity probes of a figure's views are fitted on
FIDELITY_POINTS = 2000


def view_fidelities(ds, drawn: dict, probe: dict, train_index) -> dict:
    """Display fidelity of each drawn view, by depth: a linear probe on the coordinates the view draws
    (fitted on the training points ``train_index``, scored on the test points) ÷ the probe on the whole
    representation (``probe[depth]``, the run's number). ``drawn[d]`` is (train coordinates, test
    coordinates) of the view of depth ``d``."""
    return {depth: display_fidelity(tr, ds.y_train[train_index], te, ds.y_test, probe[depth], n_classes=ds.n_classes)
            for depth, (tr, te) in drawn.items() if depth in probe}


def fidelity_points(ds):
    return stratified_subset(ds.y_train, FIDELITY_POINTS, rng=0)
