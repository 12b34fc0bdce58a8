"""Drawing the colour cube: stickers in 3-D, the unfolded net, and the scrambled point cloud."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from cubenet.data.cube import CLASS_COLORS, CLASS_NAMES, FACES, facelets, sticker_centers
from cubenet.run.metrics import stratified_subset

FACE_COLOR = dict(zip(FACES, CLASS_COLORS))
# where each face sits in the unfolded net (column, row of 3×3 blocks), the usual cross
NET_POSITION = {"U": (1, 0), "L": (0, 1), "F": (1, 1), "R": (2, 1), "B": (3, 1), "D": (1, 2)}
CUBE_TICKS = (-1.5, 0.0, 1.5)  # faces and centre: more ticks run together on a small 3-D panel


def sticker_colors(state) -> list[str]:
    """54 colours from a facelet string (``"UUU…"``) or pass through a list of 54 colours."""
    if isinstance(state, str):
        if len(state) != 54:
            raise ValueError(f"a facelet string has 54 letters, got {len(state)}")
        return [FACE_COLOR[c] for c in state]
    colors = list(state)
    if len(colors) != 54:
        raise ValueError(f"expected 54 sticker colours, got {len(colors)}")
    return colors


def _sticker_square(center: np.ndarray, size: float = 0.92) -> np.ndarray:
    """Corners of the square sticker centred at ``center`` on the cube surface."""
    axis = int(np.argmax(np.abs(center)))
    u, v = [a for a in range(3) if a != axis]
    h = size / 2
    corners = np.repeat(center[None, :], 4, axis=0)
    for k, (du, dv) in enumerate([(-h, -h), (h, -h), (h, h), (-h, h)]):
        corners[k, u] += du
        corners[k, v] += dv
    return corners


def style_3d(ax, title: str | None = None, lim: float = 1.6) -> None:
    """Equal aspect, grey panes, labelled axes for cube-space 3-D plots.

    Cube points (x, y, z) are plotted as (x, z, y) with the plot's second axis reversed: a rotation
    (not a mirror) that puts U up and shows the F, R and U faces, the usual view of a cube.
    """
    ax.set_xlim(-lim, lim)
    ax.set_ylim(lim, -lim)
    ax.set_zlim(-lim, lim)
    ax.set_box_aspect((1, 1, 1))
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_pane_color((0.74, 0.74, 0.74, 1.0))
        axis.set_ticks(CUBE_TICKS)
    ax.set_xlabel("x (→ R)")
    ax.set_ylabel("z (→ F)")
    ax.set_zlabel("y (→ U)")
    ax.view_init(elev=28, azim=-58)
    if title:
        ax.set_title(title)


def view_direction(ax) -> np.ndarray:
    """Unit vector from the cube's centre towards the viewer, in cube coordinates (x, y, z)."""
    e, a = np.radians(ax.elev), np.radians(ax.azim)
    # display axes are (x, -z, y) (see style_3d)
    return np.array([np.cos(e) * np.cos(a), np.sin(e), -np.cos(e) * np.sin(a)])


def draw_cube(ax, state="U" * 9 + "R" * 9 + "F" * 9 + "D" * 9 + "L" * 9 + "B" * 9, *, title=None):
    """Draw a cube state (facelets or 54 colours) on a 3-D Axes: the three faces the viewer sees.

    Cube coordinates (x, y, z) = (R, U, F) are drawn with U pointing up the screen.
    """
    colors = sticker_colors(state)
    centers, _ = sticker_centers()
    style_3d(ax, title)
    ax.computed_zorder = False
    normals = np.where(np.abs(centers) == 1.5, np.sign(centers), 0.0)
    visible = np.flatnonzero(normals @ view_direction(ax) > 0)
    backing = [_sticker_square(centers[i], 1.0)[:, [0, 2, 1]] for i in visible]
    squares = [_sticker_square(centers[i])[:, [0, 2, 1]] for i in visible]
    ax.add_collection3d(Poly3DCollection(backing, facecolors="#1a1a1a", edgecolors="#1a1a1a", linewidths=0.5))
    ax.add_collection3d(Poly3DCollection(squares, facecolors=[colors[i] for i in visible], edgecolors="#111111",
                                         linewidths=0.8))
    return ax


def draw_net(ax=None, state="U" * 9 + "R" * 9 + "F" * 9 + "D" * 9 + "L" * 9 + "B" * 9, *, title=None, labels=True):
    """Draw the unfolded cube net (U above; L F R B in a row; D below) from facelets or 54 colours."""
    if ax is None:
        ax = Figure(layout="constrained").add_subplot()
    colors = sticker_colors(state)
    for f, face in enumerate(FACES):
        col, row = NET_POSITION[face]
        for k in range(9):
            r, c = divmod(k, 3)
            x, y = 3 * col + c, -(3 * row + r)
            ax.add_patch(Rectangle((x + 0.04, y - 0.96), 0.92, 0.92, facecolor=colors[9 * f + k],
                                   edgecolor="#111111", linewidth=0.8))
        if labels:
            ax.text(3 * col + 1.5, -3 * row - 1.5, face, ha="center", va="center", fontsize=10, weight="bold",
                    color="#111111", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
    ax.set_xlim(-0.3, 12.3)
    ax.set_ylim(-9.3, 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def draw_points3d(ax, X, y, colors, *, class_names=None, size=5.0, title=None, legend=True):
    """Scatter cube-space points (x, y, z) = (R, U, F) in their class colours, near points on top.

    Points are drawn far to near with the far ones faded, so the visible surface reads like a
    solid object while the hidden side still shows through faintly.
    """
    X, y = np.asarray(X), np.asarray(y)
    style_3d(ax, title)
    ax.computed_zorder = False
    depth = X @ view_direction(ax)
    order = np.argsort(depth)
    span = np.ptp(depth) or 1.0
    near = (depth[order] - depth.min()) / span
    rgba = np.array([to_rgba(colors[k]) for k in y[order]])
    rgba[:, 3] = 0.15 + 0.85 * near ** 2
    ax.scatter(X[order, 0], X[order, 2], X[order, 1], s=size, c=rgba, edgecolors=np.where(
        near[:, None] > 0.5, [[0.2, 0.2, 0.2, 0.8]], [[0.2, 0.2, 0.2, 0.1]]), linewidths=0.25, depthshade=False)
    if legend:
        names = class_names if class_names is not None else [str(k) for k in range(len(colors))]
        handles = [Line2D([], [], ls="", marker="o", markersize=6, markerfacecolor=c, markeredgecolor="#333333",
                          label=n) for n, c in zip(names, colors)]
        ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.0, 1.0), fontsize=7,  # left of the cube
                  title="class (sticker colour)", title_fontsize=7, framealpha=0.9)
    return ax


def cube_preview_figure(ds, *, max_points: int = 4000):
    """The scrambled cube of a colour-cube dataset: point cloud, sticker cube and unfolded net."""
    X, y = ds.X, ds.y

    keep = stratified_subset(y, max_points, rng=0)  # subsample for drawing only
    X, y = X[keep], y[keep]
    state = ds.meta.get("facelets") or facelets(ds.meta.get("scramble", ""))
    scramble = ds.meta.get("scramble") or "(none)"
    fig = Figure(figsize=(13.5, 4.8), layout="constrained")
    fig.get_layout_engine().set(wspace=0.06)  # room for each 3-D panel's z label before the next panel
    twists = len(scramble.split()) if ds.meta.get("scramble") else 0
    fig.suptitle(f"colour cube scrambled by {twists} twist{'s' if twists != 1 else ''}: {scramble}", fontsize=13,
                 weight="bold")
    names = [f"{n} ({f})" for n, f in zip(ds.class_names, ds.meta.get("faces", FACES))] \
        if ds.class_names == CLASS_NAMES else list(ds.class_names)
    ax1 = fig.add_subplot(1, 3, 1, projection="3d")
    draw_points3d(ax1, X, y, ds.class_colors, class_names=names,
                  title=f"the dataset: {len(ds.y):,} points, colour = class")
    ax2 = fig.add_subplot(1, 3, 2, projection="3d")
    draw_cube(ax2, state, title="the same state as a Rubik's cube")
    ax3 = fig.add_subplot(1, 3, 3)
    draw_net(ax3, state, title=f"unfolded (facelets {state[:9]}…)")
    fig.text(0.99, 0.01, f"undo with: {ds.meta.get('inverse') or '(nothing)'}", ha="right", va="bottom", fontsize=9)
    return fig
