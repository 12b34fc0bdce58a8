"""Pictures for the workshop: "yours vs target" feedback panels and the statements' illustrations.

Figure builders create ``matplotlib.figure.Figure(layout="constrained")`` directly and return it;
the checker saves them through :mod:`cubenet.files`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cubenet.data.cube import CLASS_COLORS, FACES, sticker_centers
from cubenet.data.dataset import DEFAULT_COLORS
from cubenet.files import save_figure
from cubenet.workshop.datasets import CUBE, SPIRALS, V_SLOPE, V_TIP, rotated_band, training_data, v_set, xor_set

BACKGROUND = "#d9d9d9"  #: mid-grey axes, so white cube stickers stay visible
TWO_CLASSES = ("class 0", "class 1")


def _figure(n_panels: int, *, width: float = 4.2, height: float = 4.2, projection=None):
    from matplotlib.figure import Figure  # (matplotlib only when a picture is drawn: most checks draw none)

    fig = Figure(figsize=(width * n_panels, height), layout="constrained")
    axes = [fig.add_subplot(1, n_panels, i + 1, projection=projection) for i in range(n_panels)]
    return fig, axes


def scatter_classes(ax, X, y, *, colors=DEFAULT_COLORS, names=TWO_CLASSES, size: float = 14):
    """Points coloured by class with a thin dark edge; many points on one spot are marked "×N"."""
    ax.set_facecolor(BACKGROUND)
    for c, name in enumerate(names):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, color=colors[c], edgecolors="#333333", linewidths=0.3, label=name)
        if len(pts):
            spots, counts = np.unique(np.round(pts[:, :2], 9), axis=0, return_counts=True)
            for (px, py), count in zip(spots, counts):
                if count >= 5:
                    ax.scatter([px], [py], s=90, color=colors[c], edgecolors="black", linewidths=1.0, zorder=3)
                    ax.annotate(f"{name} ×{count}", (px, py), xytext=(8, 8), textcoords="offset points", fontsize=8,
                                bbox={"boxstyle": "round", "fc": "white", "ec": colors[c]}, zorder=4)
    return ax


def _finish(fig, axes, title: str) -> None:
    """One legend for all panels below them, and a bold overall title."""
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6), markerscale=1.5)
    fig.suptitle(title, fontweight="bold")


def _limits(arrays, pad: float = 0.15):
    pts = np.concatenate([np.asarray(a)[:, :2] for a in arrays])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = max(float((hi - lo).max()), 1e-9)
    mid = (hi + lo) / 2
    half = span / 2 * (1 + pad)
    return (mid[0] - half, mid[0] + half), (mid[1] - half, mid[1] + half)


def planar_panels(panels, *, title: str, colors=DEFAULT_COLORS, names=TWO_CLASSES, same_axes: bool = True,
                  labels=None):
    """Side-by-side 2-D scatter panels.

    panels : list of (panel title, X of shape (n, 2), y of shape (n,)), or with a fourth item: lines to draw,
        a list of (w of shape (2,), c) for the lines ``w·x + c = 0``.
    labels : list of (x label, y label) per panel (default x₁, x₂).
    """
    fig, axes = _figure(len(panels), width=6.4 if len(panels) == 1 else 4.2, height=5.4 if len(panels) == 1 else 4.2)
    lims = _limits([p[1] for p in panels]) if same_axes else None
    labels = labels or [("x₁", "x₂")] * len(panels)
    for ax, panel, (xlabel, ylabel) in zip(axes, panels, labels):
        name, X, y = panel[:3]
        scatter_classes(ax, X, y, colors=colors, names=names)
        xl, yl = lims or _limits([X])
        for w, c in (panel[3] if len(panel) > 3 else []):
            _draw_line(ax, np.asarray(w, float), float(c), xl, yl)
        ax.set(xlim=xl, ylim=yl, title=name, xlabel=xlabel, ylabel=ylabel, aspect="equal")
    _finish(fig, axes, title)
    return fig


def _draw_line(ax, w, c, xl, yl) -> None:
    """The line w·x + c = 0 inside the given limits."""
    if abs(w[1]) >= abs(w[0]) and w[1] != 0:
        xs = np.array(xl)
        ax.plot(xs, -(w[0] * xs + c) / w[1], color="black", lw=1.2, ls="--")
    elif w[0] != 0:
        ys = np.array(yl)
        ax.plot(-(w[1] * ys + c) / w[0], ys, color="black", lw=1.2, ls="--")


def region_panels(panels, X, y, *, title: str, colors=DEFAULT_COLORS, names=TWO_CLASSES, resolution: int = 200):
    """Decision regions side by side: panels is a list of (panel title, predict(points) -> labels, or None for
    the points alone)."""
    from matplotlib.colors import ListedColormap  # (matplotlib only when a picture is drawn)

    fig, axes = _figure(len(panels))
    xl, yl = _limits([X], pad=0.1)
    gx, gy = np.meshgrid(np.linspace(*xl, resolution), np.linspace(*yl, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    cmap = ListedColormap(list(colors[: len(names)]))
    for ax, (name, predict) in zip(axes, panels):
        if predict is None:  # points only
            scatter_classes(ax, X, y, colors=colors, names=names, size=10)
            ax.set(xlim=xl, ylim=yl, title=name, xlabel="x₁", ylabel="x₂")
            continue
        labels = np.asarray(predict(grid)).reshape(gx.shape)
        ax.imshow(labels, origin="lower", extent=(*xl, *yl), cmap=cmap, vmin=0, vmax=len(names) - 1, alpha=0.35,
                  aspect="auto", interpolation="nearest")
        scatter_classes(ax, X, y, colors=colors, names=names, size=10)
        ax.set(xlim=xl, ylim=yl, title=name, xlabel="x₁", ylabel="x₂")
    _finish(fig, axes, title)
    return fig


# ---------------------------------------------------------------- the cube, unfolded

#: where each face sits in the unfolded net (column, row) and its viewer frame (normal, right, down)
_NET = {
    "U": ((1, 0), (1, 0, 0), (0, 0, 1)),
    "L": ((0, 1), (0, 0, 1), (0, -1, 0)),
    "F": ((1, 1), (1, 0, 0), (0, -1, 0)),
    "R": ((2, 1), (0, 0, -1), (0, -1, 0)),
    "B": ((3, 1), (-1, 0, 0), (0, -1, 0)),
    "D": ((1, 2), (1, 0, 0), (0, 0, -1)),
}
_FACE_AXIS = {"U": (1, 1), "D": (1, -1), "R": (0, 1), "L": (0, -1), "F": (2, 1), "B": (2, -1)}


def unfold(X: np.ndarray) -> np.ndarray:
    """Points on the cube's surface ([-1.5, 1.5]³) -> 2-D positions in the unfolded cross (units of 3 per face)."""
    out = np.zeros((len(X), 2))
    face_of = np.argmax(np.abs(X), axis=1)
    for face, ((col, row), right, down) in _NET.items():
        axis, sign = _FACE_AXIS[face]
        mask = (face_of == axis) & (np.sign(X[:, axis]) == sign)
        u = X[mask] @ np.array(right, float)
        v = X[mask] @ np.array(down, float)
        out[mask, 0] = 3 * col + 1.5 + u
        out[mask, 1] = -(3 * row + 1.5 + v)
    return out


def _net_outline(ax) -> None:
    for (col, row), _, _ in _NET.values():
        for k in range(4):
            ax.plot([3 * col + k, 3 * col + k], [-3 * row, -3 * row - 3], color="#555555", lw=0.4)
            ax.plot([3 * col, 3 * col + 3], [-3 * row - k, -3 * row - k], color="#555555", lw=0.4)


def cube_net_panels(panels, X, *, title: str, colors, names):
    """Cube surface points unfolded into the cross, coloured by each panel's labels: list of (title, labels)."""
    fig, axes = _figure(len(panels), width=5.2, height=4.2)
    P = unfold(X)
    for ax, (name, labels) in zip(axes, panels):
        ax.set_facecolor(BACKGROUND)
        for c, cname in enumerate(names):
            pts = P[labels == c]
            ax.scatter(pts[:, 0], pts[:, 1], s=7, color=colors[c], edgecolors="#333333", linewidths=0.2, label=cname)
        _net_outline(ax)
        ax.set(title=name, xlim=(-0.3, 12.3), ylim=(-9.3, 0.3), aspect="equal", xticks=[], yticks=[],
               xlabel="the cube's surface, unfolded (U on top, then L F R B, D below)")
    _finish(fig, axes, title)
    return fig


def facelet_map_figure():
    """The 54 sticker slots in facelet order (URFDLB), numbered, on the unfolded solved cube."""
    centers, letters = sticker_centers()
    P = unfold(centers)
    fig, (ax,) = _figure(1, width=8.0, height=6.2)
    ax.set_facecolor(BACKGROUND)
    for i, ((x, y), letter) in enumerate(zip(P, letters)):
        color = CLASS_COLORS[FACES.index(letter)]
        ax.add_patch(_square(x, y, color))
        ax.text(x, y, f"{letter}\n{i}", ha="center", va="center", fontsize=8,
                color="black" if letter in "UDRL" else "white")
    _net_outline(ax)
    ax.set(xlim=(-0.3, 12.3), ylim=(-9.3, 0.3), aspect="equal", xticks=[], yticks=[],
           title="Sticker slots in facelet order U R F D L B (slot number under each face letter)")
    return fig


def _square(x, y, color):
    from matplotlib.patches import Rectangle  # (matplotlib only when a picture is drawn)

    return Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, facecolor=color, edgecolor="#333333", lw=0.6)


# ---------------------------------------------------------------- the statements' pictures

def _rotate_back_picture():
    X, _, y = rotated_band(400, rng=0)
    fig = planar_panels([("the scrambled set: rotated 120° about (0, 0), then shifted by (2, −1)", X, y)],
                        title="Put it back with one layer x·W + b")
    fig.axes[0].axhline(0, color="#555555", lw=0.6)
    fig.axes[0].axvline(0, color="#555555", lw=0.6)
    return fig


def _fold_picture():
    X, y = v_set(600, rng=0)
    fig = planar_panels([("class 1 lies above the V  y = 0.5 + 0.8·|x − 0.3|", X, y)],
                        title="Fold the V flat with one ReLU layer")
    xs = np.linspace(-2, 2, 101)
    fig.axes[0].plot(xs, V_TIP[1] + V_SLOPE * np.abs(xs - V_TIP[0]), color="black", lw=1.2, ls="--")
    return fig


def _xor_picture():
    X, y = xor_set(400, rng=0)
    return planar_panels([("class 1 where x₁ and x₂ have opposite signs", X, y)],
                         title="XOR with the fewest parameters")


def _golf_cube_picture():
    from cubenet.viz.cube_plots import cube_preview_figure  # (imports matplotlib: only when drawn)

    return cube_preview_figure(training_data(CUBE))


def _golf_spirals_picture():
    ds = training_data(SPIRALS)
    return planar_panels([("the training points you get (two swirled wedges)", ds.X_train, ds.y_train)],
                         title="Two spirals", names=ds.class_names, colors=ds.class_colors)


#: (puzzle folder, file name) -> builder of the picture shown with the statement
STATEMENT_IMAGES = {
    ("apply-scramble", "facelets.png"): facelet_map_figure,
    ("rotate-back", "data.png"): _rotate_back_picture,
    ("sticker-permutation", "facelets.png"): facelet_map_figure,
    ("fold", "data.png"): _fold_picture,
    ("xor", "data.png"): _xor_picture,
    ("golf-cube", "data.png"): _golf_cube_picture,
    ("golf-spirals", "data.png"): _golf_spirals_picture,
}


def write_statement_images(root) -> list:
    """Draw every statement picture into the puzzle folders under ``root`` (for maintainers)."""
    return [save_figure(build(), Path(root) / folder / name) for (folder, name), build in STATEMENT_IMAGES.items()]
