"""Figures of a step network in the data's own coordinates: every step, the warped lattice or grid, the curve.

A step network's state is a point of the data's own 2-D or 3-D space, so nothing here projects:
each panel draws the state itself, shown in the data's units (``x = input_mean + input_scale · h``,
one fixed map for every panel), with one set of axis limits and one camera for all the panels of a
figure (and all the frames of :mod:`cubenet.viz.step_flow`). Display fidelity — a linear probe on
the drawn coordinates ÷ the probe on the whole state — is 100 % by construction; the captions show
it, computed with :func:`cubenet.run.metrics.display_fidelity`. Cube data is drawn as the cube
views draw it: (x, y, z) = (R, U, F) with U up.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, to_rgba_array
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d.art3d import Line3DCollection, Poly3DCollection

from cubenet.errors import CubenetError
from cubenet.nn.network import predict
from cubenet.nn.steps import is_step_model, step_states
from cubenet.run.metrics import (
    LayerStats,
    check_max_points,
    check_pair,
    probe_and_fidelity,
    stratified_subset,
)
from cubenet.viz.style import (
    EDGE,
    class_handles,
    data_title,
    draw_points,
    few_ticks_3d,
    is_cube,
    layout_3d,
    style_axes,
    sub,
    subsample,
)
from cubenet.viz.unscramble_curve import plot_accuracy_lines, plot_probe_heatmap
from cubenet.viz.warped_grid import grid_lines

#: the camera of every 3-D panel and frame (the cube views' camera)
CAMERA = {"elev": 28.0, "azim": -58.0}
#: the axis limits keep this quantile of every drawn coordinate inside (a few far-flung points may leave the box)
LIMIT_QUANTILE = 0.999


def check_step_pair(model, ds, what: str) -> None:
    """``model`` must be a step network fitting ``ds``, whose data has 2 or 3 features."""
    check_pair(model, ds, what)
    if not is_step_model(model):
        raise CubenetError(f"{what} draws a step network (cubenet learn --steps N); this is a "
                           f"{type(model).__name__} with layers {model.sizes}")
    if ds.n_features not in (2, 3):
        raise CubenetError(f"{what} draws states in the data's own 2-D or 3-D space; this data has "
                           f"{ds.n_features} features")


def data_units(model, H) -> np.ndarray:
    """States ``H`` (n, d) in the data's units: ``input_mean + input_scale · H`` (as they are without standardisation)."""
    H = np.asarray(H, dtype=float)
    return H if model.input_mean is None else H * model.input_scale + model.input_mean


def states(model, X) -> list[np.ndarray]:
    """``[x0, x1, …, xN]``: the input and the state after every step, in the data's units, each (n, d)."""
    return [data_units(model, h) for h in step_states(model, X)]


def screen(P, cube: bool) -> np.ndarray:
    """Drawing coordinates: cube points (x, y, z) go on the plot's axes as (x, z, y), so U points up."""
    P = np.asarray(P, dtype=float)
    return P[..., [0, 2, 1]] if cube else P


def shared_limits(arrays, *, quantile: float = LIMIT_QUANTILE, margin: float = 0.08) -> np.ndarray:
    """One box for all ``arrays`` (each (n, d)): a square (2-D) or cube (3-D) centred on the data, shape (d, 2).

    Equal spans on every axis keep the geometry undistorted; the box holds the ``quantile`` of every
    coordinate, so a handful of points flung far out does not shrink everything else to a dot.
    """
    P = np.concatenate([np.asarray(a, dtype=float) for a in arrays])
    lo, hi = np.quantile(P, 1 - quantile, axis=0), np.quantile(P, quantile, axis=0)
    centre, half = (lo + hi) / 2, (1 + margin) * float(np.max(hi - lo)) / 2
    return np.column_stack([centre - half, centre + half])


def state_axes(fig, spec, lims: np.ndarray, *, cube: bool, labels=None):
    """An Axes (3-D for d = 3) with the shared limits and camera; cube axes keep the cube views' orientation."""
    d = len(lims)
    if d == 3:
        ax = fig.add_subplot(spec, projection="3d")
        ax.set(xlim=lims[0], ylim=lims[1][::-1] if cube else lims[1], zlim=lims[2])
        ax.view_init(**CAMERA)
        ax.set_box_aspect((1, 1, 1), zoom=0.92)
        style_axes(ax, labels=labels or ("x (→ R)", "z (→ F)", "y (→ U)") if cube else labels or ("x₁", "x₂", "x₃"))
        few_ticks_3d(ax)
        ax.tick_params(labelsize=6.5, pad=0)
    else:
        ax = fig.add_subplot(spec)
        ax.set(xlim=lims[0], ylim=lims[1], aspect="equal")
        style_axes(ax, labels=labels or ("x₁", "x₂"))
    return ax


def fidelities(model, ds, stats=None, *, max_points: int = 4000, rng=0) -> list[tuple[float, float]]:
    """``(probe accuracy on the state, display fidelity of the drawn coordinates)`` for h0 … hN.

    The fidelity is :func:`~cubenet.run.metrics.display_fidelity`: a probe on the drawn coordinates (the
    state in the data's units) over a probe on the state, both fitted on the same training points (at most
    ``max_points``, a stratified subset) and scored on every test point. The probe accuracy shown is the
    run's own number from ``stats`` (layer_stats, as in metrics.json) when given.
    """
    keep = stratified_subset(ds.y_train, max_points, rng=rng)
    y_train = ds.y_train[keep]
    tr, te = step_states(model, ds.X_train[keep]), step_states(model, ds.X_test)
    out = []
    for i, (Htr, Hte) in enumerate(zip(tr, te)):
        full, fidelity = probe_and_fidelity(lambda H: data_units(model, H), Htr, y_train, Hte, ds.y_test,
                                            n_classes=ds.n_classes)
        out.append((stats[i].probe_accuracy if stats else full, fidelity))
    return out


def step_title(i: int, cube: bool = False) -> str:
    if i == 0:
        return "input h₀: the scrambled " + ("cube" if cube else "data")
    return f"step {i}: h{sub(i)} = h{sub(i - 1)} + relu(h{sub(i - 1)}·W{sub(i)} + b{sub(i)})·V{sub(i)} + c{sub(i)}"


def step_caption(probe: float, fidelity: float, moved: float | None) -> str:
    text = f"linear probe {probe:.1%} · display fidelity {fidelity:.0%}"
    return text + (f"\npoints moved {moved:.2f} on average" if moved is not None else "")


def draw_state(ax, P, y, colors, *, cube: bool, size: float = 5.0, alpha: float = 0.85):
    """Scatter one state's points (data units) in class colours, random order so no class hides another."""
    P = screen(P, cube)
    if P.shape[1] == 3:
        order = np.random.default_rng(0).permutation(len(y))

        rgba = to_rgba_array(list(colors))[np.asarray(y)[order]]
        rgba[:, 3] = alpha
        return ax.scatter(*P[order].T, s=size, c=rgba, edgecolors=EDGE, linewidths=0.2, depthshade=False,
                          axlim_clip=True)
    return draw_points(ax, P, y, colors, size=size, alpha=alpha)


def draw_lines(ax, lines, *, cube: bool, color="#1b1b1b", lw: float = 0.6, alpha: float = 0.55):
    """Polylines (each (m, d), data units) on a 2-D or 3-D Axes; returns the collection."""
    segs = [screen(L, cube) for L in lines]
    if segs[0].shape[1] == 3:
        coll = Line3DCollection(segs, colors=color, linewidths=lw, alpha=alpha, axlim_clip=True)
        ax.add_collection3d(coll)
        return coll

    return ax.add_collection(LineCollection(segs, colors=color, linewidths=lw, alpha=alpha, zorder=1))


def head_in_data_units(model) -> tuple[np.ndarray, np.ndarray]:
    """The head ``(W, b)`` acting on states in data units: scores = x·W' + b'."""
    W, b = (np.asarray(a, dtype=float) for a in model.head)
    if model.input_mean is None:
        return W, b
    W2 = W / model.input_scale[:, None]
    return W2, b - model.input_mean @ W2


def draw_cut(ax, model, lims: np.ndarray, colors, *, cube: bool, resolution: int = 60):
    """The flat cut of the head inside the box: shaded class regions (2-D) or the planes between classes (3-D).

    Returns the artist drawn (None when no boundary crosses the box)."""
    W, b = head_in_data_units(model)
    if len(lims) == 2:
        g = [np.linspace(*lims[a], 240) for a in (0, 1)]
        GX, GY = np.meshgrid(*g)
        labels = (np.column_stack([GX.ravel(), GY.ravel()]) @ W + b).argmax(axis=1).reshape(GX.shape)
        return ax.imshow(labels, origin="lower", extent=(*lims[0], *lims[1]), cmap=ListedColormap(list(colors)),
                         vmin=-0.5, vmax=len(colors) - 0.5, alpha=0.4, interpolation="nearest", aspect="equal",
                         zorder=0)

    quads = cut_quads(W, b, lims, resolution)
    if not quads:
        return None
    planes = Poly3DCollection([screen(q, cube) for q in quads], facecolors=(0.1, 0.1, 0.1, 0.11), edgecolors="none",
                              axlim_clip=True)
    ax.add_collection3d(planes)
    return planes


def cut_quads(W, b, lims: np.ndarray, resolution: int = 36) -> list[np.ndarray]:
    """Small squares covering every face between two classes' regions of ``argmax(x·W + b)`` inside the box.

    For each pair (a, b) of classes: a grid of squares on the plane where their scores tie, kept where
    the tie is for first place and the square's centre lies in the box. Returns (4, 3) corner arrays.
    """
    centre, half = lims.mean(axis=1), (lims[:, 1] - lims[:, 0]) / 2
    s = np.linspace(-1, 1, resolution + 1) * np.sqrt(3) * half.max()
    mid, step = (s[:-1] + s[1:]) / 2, s[1] - s[0]
    quads = []
    for a in range(W.shape[1]):
        for c in range(a + 1, W.shape[1]):
            n, off = W[:, a] - W[:, c], b[a] - b[c]
            if np.linalg.norm(n) < 1e-12:
                continue
            u = np.linalg.svd(n[None, :])[2][1:]  # two unit vectors spanning the plane
            foot = centre - (centre @ n + off) / (n @ n) * n
            A, B = np.meshgrid(mid, mid)
            P = foot + A.reshape(-1, 1) * u[0] + B.reshape(-1, 1) * u[1]
            scores = P @ W + b
            top = np.maximum(scores[:, a], scores[:, c])
            others = np.delete(scores, [a, c], axis=1).max(axis=1, initial=-np.inf)
            ok = (top >= others) & np.all(np.abs(P - centre) <= half, axis=1)
            corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * step / 2
            quads += [p + corners[:, :1] * u[0] + corners[:, 1:] * u[1] for p in P[ok]]
    return quads


def _grid_of_panels(fig, n_panels: int, ncols: int, dim: int):
    """A grid for ``n_panels`` panels; 3-D panels get room between columns and at the right edge for their labels."""
    if dim == 3:
        layout_3d(fig, [1.3] * ncols)
    nrows = -(-n_panels // ncols)
    return fig.add_gridspec(nrows, ncols), nrows


def steps_figure(model, ds, *, stats=None, max_points: int = 3000, rng=0):
    """Every state of the test points, one panel per step in the data's own coordinates, then the flat cut.

    2-D data also shows a grid pushed through the steps (Olah's picture). All panels share one box and
    one camera. ``stats`` (layer_stats) gives the captions' probe accuracies; otherwise they are computed.

    Returns a Figure with ``n_steps + 2`` data Axes (3-D for 3-D data): h₀, h₁ … h_N, and the cut.
    """
    check_step_pair(model, ds, "steps_figure")
    check_max_points(max_points)

    cube, keep = is_cube(ds), subsample(ds.y_test, max_points, rng=rng)
    y, xs = ds.y_test[keep], states(model, ds.X_test[keep])
    lims = screen(shared_limits(xs).T, cube).T
    lines = _pushed_grid(model, ds) if ds.n_features == 2 else None
    numbers = fidelities(model, ds, stats)
    n = model.n_steps + 2
    ncols = min(n, 4 if ds.n_features == 3 else 5)
    fig = Figure(figsize=(3.7 * ncols, 3.9 * -(-n // ncols) + 0.9), layout="constrained")
    grid, _ = _grid_of_panels(fig, n, ncols, ds.n_features)
    for i, P in enumerate(xs):
        ax = state_axes(fig, grid[i // ncols, i % ncols], lims, cube=cube)
        if lines is not None:
            draw_lines(ax, lines[i], cube=cube)
        draw_state(ax, P, y, ds.class_colors, cube=cube)
        moved = float(np.mean(np.linalg.norm(P - xs[i - 1], axis=1))) if i else None
        ax.set_title(f"{step_title(i, cube)}\n{step_caption(*numbers[i], moved)}", fontsize=8.5)
    ax = state_axes(fig, grid[(n - 1) // ncols, (n - 1) % ncols], lims, cube=cube)
    draw_cut(ax, model, shared_limits(xs), ds.class_colors, cube=cube)
    draw_state(ax, xs[-1], y, ds.class_colors, cube=cube)
    acc = float(np.mean(model_predict(model, ds.X_test) == ds.y_test))
    what = "shaded: each class's region" if ds.n_features == 2 else "grey: the planes between class regions"
    ax.set_title(f"the flat cut: softmax(h{sub(model.n_steps)}·W + b)\n{what} · test accuracy {acc:.1%}",
                 fontsize=8.5)
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=min(ds.n_classes, 10), fontsize=9)
    fig.suptitle(f"{data_title(ds, max_chars=90)}: {model.n_steps} steps in the data's own {ds.n_features}-D space, "
                 f"then one flat cut ({len(keep):,} test points; same box and camera in every panel)",
                 fontsize=11.5, weight="bold")
    return fig


def model_predict(model, X):
    return predict(model, X)


def _pushed_grid(model, ds, n_lines: int = 13) -> list[list[np.ndarray]]:
    """Straight grid lines over the data, pushed through the steps: one list of lines per state."""
    lines = grid_lines(ds.X, n_lines=n_lines, n_steps=60)
    per_state = states(model, np.concatenate(lines))
    return [np.split(P, len(lines)) for P in per_state]


def cubie_lattice(ds, n_steps: int = 30) -> list[np.ndarray]:
    """The solved cube's 3×3×3 cubie grid on its surface, where the stickers are (lines at -1.5, -0.5, 0.5, 1.5
    on each face); other 3-D data: a straight 4×4×4 lattice over the data's box."""
    if not is_cube(ds):
        return grid_lines(ds.X, n_lines=4, n_steps=n_steps)
    ticks, t = np.array([-1.5, -0.5, 0.5, 1.5]), np.linspace(-1.5, 1.5, n_steps)
    lines = []
    for a in range(3):
        others = [k for k in range(3) if k != a]
        for u in ticks:
            for v in ticks:
                if abs(u) < 1.5 and abs(v) < 1.5:
                    continue  # inside the cube: no sticker there
                line = np.empty((n_steps, 3))
                line[:, a], line[:, others[0]], line[:, others[1]] = t, u, v
                lines.append(line)
    return lines


def lattice_figure(model, ds, *, stats=None, max_points: int = 1500, rng=0):
    """The solved cube's cubie lattice (or a lattice over 3-D data) pushed through every step, points faint behind.

    Returns a Figure with ``n_steps + 1`` 3-D Axes sharing one box and one camera; None for 2-D data
    (its grid is drawn in :func:`steps_figure`).
    """
    check_step_pair(model, ds, "lattice_figure")
    check_max_points(max_points)
    if ds.n_features != 3:
        return None

    cube, keep = is_cube(ds), subsample(ds.y_test, max_points, rng=rng)
    y, xs = ds.y_test[keep], states(model, ds.X_test[keep])
    lattice = cubie_lattice(ds)
    pushed = [np.split(P, len(lattice)) for P in states(model, np.concatenate(lattice))]
    lims = screen(shared_limits(xs).T, cube).T
    numbers = fidelities(model, ds, stats)
    n, ncols = model.n_steps + 1, min(model.n_steps + 1, 4)
    fig = Figure(figsize=(3.7 * ncols, 3.9 * -(-n // ncols) + 0.9), layout="constrained")
    grid, _ = _grid_of_panels(fig, n, ncols, 3)
    for i, (P, lines) in enumerate(zip(xs, pushed)):
        ax = state_axes(fig, grid[i // ncols, i % ncols], lims, cube=cube)
        draw_state(ax, P, y, ds.class_colors, cube=cube, size=2.5, alpha=0.3)
        draw_lines(ax, lines, cube=cube, lw=0.8, alpha=0.8)
        ax.set_title(f"{step_title(i, cube)}\n{step_caption(*numbers[i], None)}", fontsize=8.5)
    grid_name = "the solved cube's 3×3×3 cubie lattice" if cube else "a straight 4×4×4 lattice over the data"
    fig.suptitle(f"{data_title(ds, max_chars=80)}: {grid_name}, pushed through the {model.n_steps} steps "
                 "(same box and camera in every panel)", fontsize=11.5, weight="bold")
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=min(ds.n_classes, 10), fontsize=9)
    return fig


def plot_step_curve(stats, *, network_accuracy=None, n_classes=None, ax=None):
    """Probe and nearest-centroid accuracy after every step, and each step's mean displacement as bars; returns ax."""
    if ax is None:
        ax = Figure(layout="constrained").add_subplot()
    depth = np.array([s.depth for s in stats])
    moved = ax.twinx()
    steps = [s for s in stats if s.displacement is not None]
    moved.bar([s.depth for s in steps], [s.displacement for s in steps], width=0.45, color="#c9b8e0",
              edgecolor="#5b3f8c", label="mean distance a point moved in this step (right axis)", zorder=0)
    moved.set_ylabel("distance moved (standardised units)", fontsize=8, color="#5b3f8c")
    moved.set_ylim(0, 2.6 * max([s.displacement for s in steps] + [1e-9]))
    moved.tick_params(labelsize=7, colors="#5b3f8c")
    ax.set_zorder(moved.get_zorder() + 1)
    ax.patch.set_visible(False)  # the bars show through, behind the lines

    plot_accuracy_lines(ax, depth, stats, network_accuracy=network_accuracy, n_classes=n_classes)
    ax.set_xticks(depth, [s.name.replace("output", "output\n(logits)") for s in stats], fontsize=8)
    ax.set_ylim(0, 1.14)
    ax.set_xlabel("after each step (the state is always the data's own space)")
    ax.set_ylabel("accuracy")
    ax.set_title("How separable are the colours after each step?", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    handles = ax.get_legend_handles_labels()[0] + moved.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    return ax


def step_curve_figure(stats, layer_epochs=None, *, network_accuracy=None, n_classes=None, title=None):
    """The unscrambling curve over steps and (if given) the probe per step and training snapshot."""
    if isinstance(stats, (str, bytes)) or not hasattr(stats, "__len__") or not len(stats) or not all(
            isinstance(s, LayerStats) for s in stats):
        raise CubenetError("step_curve_figure needs the per-step numbers: stats = layer_stats(model, dataset)")
    n = 2 if layer_epochs else 1
    fig = Figure(figsize=(7.4 * n, 5.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n, width_ratios=[1.3, 1.0][:n]))
    plot_step_curve(stats, network_accuracy=network_accuracy, n_classes=n_classes, ax=axes[0])
    if layer_epochs:
        plot_probe_heatmap(layer_epochs, ax=axes[1])
    fig.suptitle(title or "The unscrambling curve over steps: a linear classifier fitted on the state after each step",
                 fontsize=12, weight="bold")
    return fig
