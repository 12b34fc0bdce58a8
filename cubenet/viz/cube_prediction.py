"""The cube, predicted: the network's answer on every cell of the cube surface beside the true scrambled cube."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from cubenet.data.cube import FACES, facelets, solved_labels, sticker_centers
from cubenet.data.moves import apply_moves
from cubenet.errors import CubenetError
from cubenet.nn.network import predict
from cubenet.run.metrics import check_pair
from cubenet.validate import check_int
from cubenet.viz.cube_plots import NET_POSITION, draw_cube, draw_net, style_3d, view_direction
from cubenet.viz.style import class_handles, data_title, is_cube


def face_frames() -> dict:
    """Per face letter: (outward normal, right, down) unit vectors of the facelet layout (from the stickers)."""
    centers, _ = sticker_centers()
    frames = {}
    for f, face in enumerate(FACES):
        c = centers[9 * f: 9 * f + 9]
        frames[face] = (c[4] / 1.5, c[1] - c[0], c[3] - c[0])
    return frames


def surface_cells(resolution: int = 15) -> dict:
    """A fine grid of square cells on the cube surface, ``resolution`` per face side.

    Returns a dict with ``centers`` (n, 3), ``corners`` (n, 4, 3), ``face`` (n,) face index,
    ``net_xy`` (n, 2) lower-left corner in the unfolded net (units of stickers) and ``size`` (cell side).
    """
    frames = face_frames()
    h = 3.0 / resolution
    steps = -1.5 + h * (np.arange(resolution) + 0.5)
    centers, corners, face, net_xy = [], [], [], []
    for f, letter in enumerate(FACES):
        normal, right, down = frames[letter]
        col, row = NET_POSITION[letter]
        for v in steps:
            for u in steps:
                c = 1.5 * normal + u * right + v * down
                centers.append(c)
                corners.append([c + (su * right + sv * down) * h / 2 for su, sv in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
                face.append(f)
                net_xy.append((3 * col + u + 1.5 - h / 2, -(3 * row + v + 1.5) - h / 2))
    return {"centers": np.array(centers), "corners": np.array(corners), "face": np.array(face),
            "net_xy": np.array(net_xy), "size": h}


def true_surface_labels(centers, ds) -> np.ndarray:
    """The sticker colour (class) of each surface point of the scrambled cube: undo the scramble, read the face."""
    return solved_labels(apply_moves(centers, ds.meta.get("inverse", "") or ""))


def draw_cells3d(ax, cells, colors, wrong=None, *, title=None):
    """Surface cells on a 3-D Axes (visible faces only), wrong cells hatched; cube_plots' orientation."""
    style_3d(ax, title)
    ax.computed_zorder = False
    normals = np.where(np.abs(cells["centers"]) > 1.5 - 1e-9, np.sign(cells["centers"]), 0.0)
    visible = normals @ view_direction(ax) > 1e-9
    polys = cells["corners"][visible][:, :, [0, 2, 1]]
    ax.add_collection3d(Poly3DCollection(list(polys), facecolors=np.asarray(colors)[visible], edgecolors="none"))
    if wrong is not None and np.any(wrong & visible):
        bad = Poly3DCollection(list(cells["corners"][wrong & visible][:, :, [0, 2, 1]]), facecolors="none",
                               edgecolors="black", linewidths=0.6, hatch="xxxx")
        ax.add_collection3d(bad)
    return ax


def draw_cells_net(ax, cells, colors, wrong=None, *, title=None):
    """Surface cells on the unfolded net (cube_plots' layout), sticker borders on top, wrong cells hatched."""
    h = cells["size"]
    rects = [Rectangle(xy, h, h) for xy in cells["net_xy"]]
    ax.add_collection(PatchCollection(rects, facecolors=colors, edgecolors="none"))
    if wrong is not None and np.any(wrong):
        ax.add_collection(PatchCollection([r for r, w in zip(rects, wrong) if w], facecolors="none",
                                          edgecolors="black", linewidths=0.5, hatch="xxxx"))
    draw_net(ax, ["none"] * 54, title=title, labels=True)
    return ax


def cube_figure(model, ds, *, resolution: int = 15):
    """The network's answer on the cube surface beside the true scrambled cube, in 3-D and unfolded.

    The surface is cut into ``resolution``² cells per face; each cell is coloured by the class the
    network predicts at its centre, and cells where that differs from the true sticker are hatched.
    """
    check_pair(model, ds, "cube_figure")
    if not is_cube(ds):
        raise CubenetError(f"cube_figure needs a colour-cube dataset (cubenet.make_color_cube), got {ds.name}; "
                           "use boundary_figure for 2-D data or layer_panels_figure for any data")
    check_int("resolution", resolution, minimum=2, maximum=60, advice="it is the cells per face edge")

    cells = surface_cells(resolution)
    truth = true_surface_labels(cells["centers"], ds)
    pred = predict(model, cells["centers"])
    wrong = pred != truth
    colors = np.asarray(ds.class_colors)[pred]
    state = ds.meta.get("facelets") or facelets(ds.meta.get("scramble", "") or "")
    fig = Figure(figsize=(11.5, 9.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.15, 1])
    draw_cube(fig.add_subplot(grid[0, 0], projection="3d"), state, title="the true scrambled cube")
    draw_cells3d(fig.add_subplot(grid[0, 1], projection="3d"), cells, colors, wrong,
                 title="the network's answer (hatched = wrong)")
    draw_net(fig.add_subplot(grid[1, 0]), state, title="true stickers, unfolded")
    draw_cells_net(fig.add_subplot(grid[1, 1]), cells, colors, wrong,
                   title="predicted colour of every surface cell, unfolded")
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=ds.n_classes, fontsize=9, title="class (sticker colour)")
    test = float(np.mean(predict(model, ds.X_test) == ds.y_test))
    fig.suptitle(f"{data_title(ds)}: the network colours {1 - wrong.mean():.1%} of the cube surface right "
                 f"({resolution}×{resolution} cells per face)\n"
                 f"That counts each cell's centre once. The test accuracy ({test:.2%}) counts the held-out points:\n"
                 f"random spots, which also fall right on sticker borders, where the mistakes sit.", fontsize=11.5)
    return fig
