"""The look every figure shares: colours, legend handles, titles, subsampling, axes styling, point drawing.

Points are drawn on a mid-grey background with thin dark edges so that white (the cube's U face) stays
visible. Plot functions take ``ax=None`` and return it; :func:`new_ax` gives them a fresh Axes of a
``matplotlib.figure.Figure(layout="constrained")`` when none is given. Nothing here shows or saves.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from cubenet.run.metrics import stratified_subset

AXES_GREY = "#bdbdbd"  # mid-grey so white stickers and white points stay visible
EDGE = "#222222"  # the dark edge of every drawn point
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(i: int) -> str:
    """``3`` -> ``₃`` (subscript digits for equations)."""
    return str(i).translate(SUBSCRIPTS)


def layer_equation(model, i: int, part: str = "post") -> str:
    """Panel title of layer ``i`` (1-based): e.g. ``layer 2: relu(W₂·h₁ + b₂), 8 → 8``.

    part : "pre" (``z = W·h + b``) or "post" (the activation applied).
    """
    fan_in, fan_out = model.params[i - 1][0].shape
    affine = f"W{sub(i)}·h{sub(i - 1)} + b{sub(i)}"
    name = "output" if i == model.n_layers else f"layer {i}"
    if part == "pre":
        what = "logits " if i == model.n_layers else ""
        return f"{name}: {what}z{sub(i)} = {affine}, {fan_in} → {fan_out}"
    act = "softmax" if i == model.n_layers else model.activations[i - 1]
    return f"{name}: {act}({affine}), {fan_in} → {fan_out}"


def data_title(ds, *, max_chars: int | None = None) -> str:
    """``spirals scrambled by swirl(9.4248)``; with ``max_chars`` a long scramble is cut with "…"
    (2-D scrambles with many parameters would run off a small frame)."""
    scramble = ds.meta.get("scramble")
    if not scramble:
        return ds.name
    if max_chars is not None and len(scramble) > max(12, max_chars - len(ds.name) - 14):
        keep = max(12, max_chars - len(ds.name) - 14)
        scramble = scramble[:keep].rsplit(" ", 1)[0] + " …"
    return f"{ds.name} scrambled by {scramble}"


def is_scrambled(ds) -> bool:
    """True when the dataset records moves that scrambled it (``meta["scramble"]``, or digits' image moves)."""
    return bool(ds.meta.get("scramble")) or len(ds.meta.get("moves") or ()) > 1


def is_cube(ds) -> bool:
    """True for colour-cube data (3-D points on the cube surface), drawn with U up."""
    return ds.meta.get("kind") == "cube" and ds.n_features == 3


def new_ax(ax=None, **subplot):
    """``ax``, or the Axes of a new ``Figure(layout="constrained")`` (for plot functions called with ``ax=None``)."""
    if ax is not None:
        return ax

    return Figure(layout="constrained").add_subplot(**subplot)


def class_handles(class_names, class_colors):
    """Legend handles: one dark-edged dot per class in its colour."""
    return [Line2D([], [], ls="", marker="o", markersize=7, markerfacecolor=c, markeredgecolor=EDGE,
                   markeredgewidth=0.6, label=n) for n, c in zip(class_names, class_colors)]


def subsample(y, max_points: int | None, *, rng=None) -> np.ndarray:
    """Indices of at most ``max_points`` points for drawing (random, sorted); all when it fits."""
    return stratified_subset(y, max_points, rng=rng)


def style_axes(ax, *, labels=("", ""), grey: bool = True) -> None:
    """Grey background, small ticks and axis labels (2-D or 3-D axes)."""
    is3d = hasattr(ax, "zaxis")
    if grey:
        if is3d:
            for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
                axis.set_pane_color((0.74, 0.74, 0.74, 1.0))
        else:
            ax.set_facecolor(AXES_GREY)
    if not is3d:  # at most 5 ticks per axis, so labels such as -0.75 and -0.50 never run together

        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.tick_params(labelsize=7)
    for setter, label in zip((ax.set_xlabel, ax.set_ylabel, getattr(ax, "set_zlabel", None)), labels):
        if setter is not None and label:
            setter(label, fontsize=8)


def draw_points(ax, P, y, colors, *, size: float = 6.0, alpha: float = 1.0, rng=0):
    """Scatter points ``P`` (n, 1–3) in class colours, in random order so no class hides another.

    A 1-D ``P`` is spread vertically by a small random jitter. Returns the PathCollection.
    """
    P = np.asarray(P, dtype=float)
    y = np.asarray(y)
    order = np.random.default_rng(rng).permutation(len(y))
    rgba = _rgba(colors)[y[order]]
    rgba[:, 3] = alpha
    P = P[order]
    kw = dict(s=size, c=rgba, edgecolors=EDGE, linewidths=0.25)
    if P.shape[1] == 1:
        jitter = np.random.default_rng(1).uniform(-1, 1, len(P))
        return ax.scatter(P[:, 0], jitter, **kw)
    if P.shape[1] == 3:
        return ax.scatter(P[:, 0], P[:, 1], P[:, 2], depthshade=False, **kw)
    return ax.scatter(P[:, 0], P[:, 1], **kw)


def _rgba(colors) -> np.ndarray:
    return to_rgba_array(list(colors)).copy()


#: a 3-D panel's column is this much wider than a 2-D one: its cube drawing sits inside a square with margins
WIDTH_3D = 1.3


#: inches kept free at the right edge for a last-column 3-D panel's z label (mplot3d leaves its axis labels
#: out of constrained layout, so nothing else reserves that room)
LABEL_ROOM_3D = 0.35


def columns_3d(depths_3d, ncols: int) -> list[float]:
    """Width ratios of ``ncols`` panel columns: ``WIDTH_3D`` for columns holding a 3-D panel (by depth)."""
    wide = {d % ncols for d in depths_3d}
    return [WIDTH_3D if c in wide else 1.0 for c in range(ncols)]


def layout_3d(fig, widths) -> None:
    """Spacing for panel columns of ``widths`` (see :func:`columns_3d`): gaps, and room for a right-edge z label."""
    right = 1 - LABEL_ROOM_3D / fig.get_figwidth() if widths[-1] > 1 else 1
    fig.get_layout_engine().set(wspace=0.08, rect=(0, 0, right, 1))  # wspace: 3-D axis labels between panels


def few_ticks_3d(ax, nbins: int = 3) -> None:
    """At most about ``nbins`` ticks per axis of a 3-D Axes: more run together on a small panel."""
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(nbins=nbins))
