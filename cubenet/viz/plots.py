"""Figures of a trained network, by one name: every plot function of the rooms below, re-exported.

The figures live in modules named by what they hold — :mod:`~cubenet.viz.style` (colours, legend
handles, titles, subsampling, ``new_ax``), :mod:`~cubenet.viz.panels` and
:mod:`~cubenet.viz.layer_panels` (the layer panels), :mod:`~cubenet.viz.warped_grid`,
:mod:`~cubenet.viz.unscramble_curve`, :mod:`~cubenet.viz.training_curves`,
:mod:`~cubenet.viz.confusion`, :mod:`~cubenet.viz.decision_regions` and
:mod:`~cubenet.viz.cube_prediction`. ``from cubenet.viz.plots import layer_panels_figure`` keeps
working for notebooks and the README. Plot functions take ``ax=None`` and return it; figure
builders (``*_figure``) create a ``matplotlib.figure.Figure(layout="constrained")`` and return it.
Nothing here shows or saves.
"""

from __future__ import annotations

from cubenet.viz.confusion import confusion_figure, confusion_matrix, plot_confusion
from cubenet.viz.cube_prediction import (
    cube_figure,
    draw_cells3d,
    draw_cells_net,
    face_frames,
    surface_cells,
    true_surface_labels,
)
from cubenet.viz.decision_regions import boundary_figure, plot_decision_regions
from cubenet.viz.layer_panels import layer_panels, layer_panels_figure
from cubenet.viz.panels import (
    FIDELITY_POINTS,
    Panel,
    axis_labels,
    draw_panel,
    feature_names,
    fidelity_points,
    panel_names,
    view_fidelities,
    wrap_caption,
)
from cubenet.viz.style import (
    AXES_GREY,
    EDGE,
    LABEL_ROOM_3D,
    SUBSCRIPTS,
    WIDTH_3D,
    class_handles,
    columns_3d,
    data_title,
    draw_points,
    few_ticks_3d,
    is_cube,
    is_scrambled,
    layer_equation,
    layout_3d,
    new_ax,
    style_axes,
    sub,
    subsample,
)
from cubenet.viz.training_curves import curves_figure, curves_title, plot_accuracy, plot_loss
from cubenet.viz.unscramble_curve import (
    plot_probe_heatmap,
    plot_singular_values,
    plot_unscramble_curve,
    unscramble_figure,
)
from cubenet.viz.warped_grid import grid_figure, grid_lines

__all__ = [
    "AXES_GREY", "EDGE", "FIDELITY_POINTS", "LABEL_ROOM_3D", "SUBSCRIPTS", "WIDTH_3D", "Panel", "axis_labels",
    "boundary_figure", "class_handles", "columns_3d", "confusion_figure", "confusion_matrix", "cube_figure",
    "curves_figure", "curves_title", "data_title", "draw_cells3d", "draw_cells_net", "draw_panel", "draw_points",
    "face_frames", "few_ticks_3d", "fidelity_points", "grid_figure", "grid_lines", "feature_names", "is_cube",
    "is_scrambled", "layer_equation", "layer_panels", "layer_panels_figure", "layout_3d", "new_ax", "panel_names",
    "plot_accuracy", "plot_confusion", "plot_decision_regions", "plot_loss", "plot_probe_heatmap",
    "plot_singular_values", "plot_unscramble_curve", "style_axes", "sub", "subsample", "surface_cells",
    "true_surface_labels", "unscramble_figure", "view_fidelities", "wrap_caption",
]
