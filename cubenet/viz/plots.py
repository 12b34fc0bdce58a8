"""Figures of a trained network: layer panels, warped grid, unscrambling curve, decision regions, cube view, curves.

Plot functions take ``ax=None`` and return it; figure builders (``*_figure``) create a
``matplotlib.figure.Figure(layout="constrained")`` and return it. Nothing here shows or saves.
Points are drawn on a mid-grey background with thin dark edges so that white (the cube's U face)
stays visible. Wide layers are shown through aligned PCA projections (:mod:`cubenet.viz.projection`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cubenet.errors import CubenetError
from cubenet.run.metrics import check_max_points, check_pair
from cubenet.validate import check_fraction, check_int
from cubenet.viz import projection as proj
from cubenet.viz.cube_plots import AXES_GREY

EDGE = "#222222"
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


def class_handles(class_names, class_colors):
    """Legend handles: one dark-edged dot per class in its colour."""
    from matplotlib.lines import Line2D

    return [Line2D([], [], ls="", marker="o", markersize=7, markerfacecolor=c, markeredgecolor=EDGE,
                   markeredgewidth=0.6, label=n) for n, c in zip(class_names, class_colors)]


def subsample(y, max_points: int | None, *, rng=None) -> np.ndarray:
    """Indices of at most ``max_points`` points for drawing (random, sorted); all when it fits."""
    from cubenet.run.metrics import stratified_subset

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
        from matplotlib.ticker import MaxNLocator

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
    from matplotlib.colors import to_rgba_array

    return to_rgba_array(list(colors)).copy()


def axis_labels(view: proj.Projection, *, input_names=None) -> tuple[str, ...]:
    """Axis labels for a panel: ``PC 1``/``PC 2`` for projections, ``unit i`` (or feature names) otherwise."""
    if not view.native:
        return tuple(f"aligned PC {j + 1}" for j in range(view.k))
    if view.k == 1:
        return ("unit 1", "(random jitter)")
    if input_names is not None:
        return tuple(input_names)
    return tuple(f"unit {j + 1}" for j in range(view.k))


# --------------------------------------------------------------------------- layer panels

@dataclass(frozen=True)
class Panel:
    """One picture of the data inside the network: what it shows and the representation (n, width)."""

    title: str
    H: np.ndarray
    depth: int
    part: str  # "input", "pre" or "post"


def layer_panels(model, X, *, scrambled: bool = True) -> list[Panel]:
    """The input, then every layer's pre- and post-activation for the points ``X`` (raw inputs).

    scrambled : title the input "the scrambled data" (False: "the input data", e.g. a CSV file).
    """
    from cubenet.nn.network import forward

    data = "the scrambled data" if scrambled else "the input data"
    panels = [Panel(f"input x: {data}, {X.shape[1]} feature{'s' if X.shape[1] > 1 else ''}",
                    np.asarray(X, float), 0, "input")]
    for i, t in enumerate(forward(model, X), start=1):
        panels.append(Panel(layer_equation(model, i, "pre"), t.pre, i, "pre"))
        panels.append(Panel(layer_equation(model, i, "post"), t.post, i, "post"))
    return panels


def is_scrambled(ds) -> bool:
    """True when the dataset records moves that scrambled it (``meta["scramble"]``, or digits' image moves)."""
    return bool(ds.meta.get("scramble")) or len(ds.meta.get("moves") or ()) > 1


def _is_cube(ds) -> bool:
    return ds.meta.get("kind") == "cube" and ds.n_features == 3


def _input_names(ds):
    if ds.meta.get("kind") == "cube":
        return ("x (→ R)", "y (→ U)", "z (→ F)")
    return tuple(f"x{sub(j + 1)}" for j in range(ds.n_features))


def _panel_names(ds, panel: Panel, n_layers: int):
    """Axis names for a panel drawn in its own coordinates: input features, or class scores for the output."""
    if panel.part == "input":
        return _input_names(ds)
    if panel.depth == n_layers:
        return tuple((f"logit {c}" if panel.part == "pre" else f"P({c})") for c in ds.class_names)
    return None


def _panel_axes(fig, spec, view: proj.Projection):
    return fig.add_subplot(spec, projection="3d" if view.k == 3 else None)


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
    from matplotlib.ticker import MaxNLocator

    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(nbins=nbins))


def _wrap_caption(caption: str, title: str) -> str:
    """Caption lines wrapped to the title's width: a 3-D panel's title must not widen (and shrink) its column."""
    import textwrap

    width = max(len(title), 30)
    return "\n".join(part for line in caption.split("\n") for part in textwrap.wrap(line, width) or [""])


def draw_panel(ax, view: proj.Projection, P, y, colors, *, title: str, caption: str, input_names=None,
               size: float = 6.0, alpha: float = 1.0, cube: bool = False):
    """One layer panel: points ``P`` (already projected) with title, caption and axis labels.

    cube : draw 3-D points as cube coordinates (x, y, z) = (R, U, F) with U up, as cube_plots does.
    """
    if cube:
        from cubenet.viz.cube_plots import draw_points3d

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
        ax.set_title(f"{title}\n{_wrap_caption(caption, title)}", fontsize=9)
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
    from cubenet.run.metrics import display_fidelity

    return {depth: display_fidelity(tr, ds.y_train[train_index], te, ds.y_test, probe[depth], n_classes=ds.n_classes)
            for depth, (tr, te) in drawn.items() if depth in probe}


def fidelity_points(ds):
    from cubenet.run.metrics import stratified_subset

    return stratified_subset(ds.y_train, FIDELITY_POINTS, rng=0)


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
    from matplotlib.figure import Figure

    X, y = ds.X_test, ds.y_test
    panels = layer_panels(model, X, scrambled=is_scrambled(ds))
    views = proj.chain([p.H for p in panels])
    keep = subsample(y, max_points, rng=rng)
    probe = {s.depth: s.probe_accuracy for s in stats} if stats else {}
    tr = fidelity_points(ds)
    train_panels = layer_panels(model, ds.X_train[tr], scrambled=is_scrambled(ds)) if probe else []
    fidelity = view_fidelities(ds, {p.depth: (v(q.H), v(p.H)) for p, q, v in zip(panels, train_panels, views)
                                    if p.part == "post"}, probe, tr)
    ncols = min(model.n_layers + 1, 5)
    blocks = -(-(model.n_layers + 1) // ncols)
    widths = columns_3d([p.depth for p, v in zip(panels, views) if v.k == 3], ncols)
    fig = Figure(figsize=(3.4 * sum(widths), 6.4 * blocks + 0.6), layout="constrained")
    layout_3d(fig, widths)
    grid = fig.add_gridspec(2 * blocks, ncols, width_ratios=widths)
    for panel, view in zip(panels, views):
        col, block = panel.depth % ncols, panel.depth // ncols
        row = 2 * block + (1 if panel.part == "post" else 0)
        ax = _panel_axes(fig, grid[row, col], view)
        caption = view.caption()
        if panel.part == "post" and panel.depth in probe:
            caption += f"\nlinear probe reads {probe[panel.depth]:.1%} of test points right"
            if panel.depth in fidelity:
                caption += f"\ndisplay fidelity {fidelity[panel.depth]:.0%} (what this view shows of that)"
        elif panel.part == "input" and 0 in probe:
            caption += f"\nlinear probe on the raw input: {probe[0]:.1%}"
        draw_panel(ax, view, view(panel.H)[keep], y[keep], ds.class_colors, title=panel.title, caption=caption,
                   input_names=_panel_names(ds, panel, model.n_layers), cube=panel.part == "input" and _is_cube(ds))
    legend_ax = fig.add_subplot(grid[1, 0])
    legend_ax.axis("off")
    legend_ax.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="upper center", title="class",
                     fontsize=9, title_fontsize=9, ncols=1 if ds.n_classes <= 8 else 2)
    legend_ax.text(0.5, 0.02, "Read left to right: each column is one layer.\nTop: the linear step W·h + b.\n"
                   "Bottom: after the activation.\nColours coming apart = the layer\nhas unscrambled the data.",
                   transform=legend_ax.transAxes, ha="center", va="bottom", fontsize=8)
    fig.suptitle(f"{data_title(ds)}: the test points inside the network "
                 f"({len(keep):,} of {len(y):,} drawn)", fontsize=12, weight="bold")
    return fig


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


# --------------------------------------------------------------------------- warped grid

def grid_lines(X, *, n_lines: int | None = None, n_steps: int = 80) -> list[np.ndarray]:
    """Straight lines filling the bounding box of ``X`` (n, 2 or 3): a grid (2-D) or a lattice (3-D).

    Returns a list of arrays of shape (n_steps, dim), each one straight line in input space.
    """
    X = np.asarray(X, dtype=float)
    dim = X.shape[1]
    if dim not in (2, 3):
        from cubenet.errors import CubenetError

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
    from matplotlib.figure import Figure

    from cubenet.nn.network import forward

    if ds.n_features not in (2, 3):
        return None
    X, y = ds.X_test, ds.y_test
    lines = grid_lines(ds.X)
    L = model.n_layers
    stacked = np.concatenate(lines)
    reps, line_reps = ([Z] + [t.post for t in trace[:-1]] + [trace[-1].pre]
                       for Z, trace in ((X, forward(model, X)), (stacked, forward(model, stacked))))
    views = proj.chain(reps)
    keep = subsample(y, max_points, rng=rng)
    probe = {s.depth: s.probe_accuracy for s in stats} if stats else {}
    tr = fidelity_points(ds)
    if probe:
        from cubenet.run.metrics import representations

        train_reps = representations(model, ds.X_train[tr])
    fidelity = view_fidelities(ds, {d: (v(train_reps[d]), v(H)) for d, (H, v) in enumerate(zip(reps, views))
                                    if d > 0}, probe, tr) if probe else {}
    ncols = min(L + 1, 5)
    nrows = -(-(L + 1) // ncols)
    widths = columns_3d([d for d, v in enumerate(views) if v.k == 3], ncols)
    fig = Figure(figsize=(3.6 * sum(widths), 3.9 * nrows + 0.9), layout="constrained")
    layout_3d(fig, widths)
    grid = fig.add_gridspec(nrows, ncols, width_ratios=widths)
    for depth, (H, G, view) in enumerate(zip(reps, line_reps, views)):
        ax = _panel_axes(fig, grid[depth // ncols, depth % ncols], view)
        order = [0, 2, 1] if depth == 0 and _is_cube(ds) else slice(None)  # cube view: U up
        for segment in np.split(view(G), len(lines)):
            ax.plot(*segment[:, order].T, color="#333333", lw=0.6, alpha=0.7)
        title = ("input x with a regular " + ("grid" if ds.n_features == 2 else "lattice")) if depth == 0 \
            else layer_equation(model, depth, "pre" if depth == L else "post")
        caption = view.caption() + (f"\nlinear probe: {probe[depth]:.1%}" if depth in probe else "") + \
            (f" · display fidelity {fidelity[depth]:.0%}" if depth in fidelity else "")
        draw_panel(ax, view, view(H)[keep], y[keep], ds.class_colors, title=title, caption=caption, size=4,
                   alpha=0.8, input_names=_panel_names(ds, Panel(title, H, depth, "input" if depth == 0 else "pre"), L),
                   cube=depth == 0 and _is_cube(ds))
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=min(ds.n_classes, 10), fontsize=9)
    fig.suptitle(f"{data_title(ds)}: straight {'grid' if ds.n_features == 2 else 'lattice'} lines through the "
                 "network — watch space being rotated, stretched and folded", fontsize=12, weight="bold")
    return fig


# --------------------------------------------------------------------------- unscrambling curve

def plot_unscramble_curve(stats, *, network_accuracy=None, n_classes=None, ax=None):
    """Probe and nearest-centroid accuracy per depth, dead-ReLU fraction as bars; returns ax."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    depth = np.array([s.depth for s in stats])
    dead = [s.dead_fraction if s.dead_fraction is not None else 0.0 for s in stats]
    ax.bar(depth, dead, width=0.35, color="#d9a5a5", edgecolor="#8a3b3b", label="dead ReLU units (fraction)")
    ax.plot(depth, [s.probe_accuracy for s in stats], "o-", color="#1f4e9c", lw=2.2, ms=7,
            label="linear probe accuracy (test)")
    ax.plot(depth, [s.centroid_accuracy for s in stats], "s--", color="#2e8b57", lw=1.5, ms=5,
            label="nearest class centre accuracy (test)")
    if network_accuracy is not None:
        ax.axhline(network_accuracy, color="#111111", ls=":", lw=1.2, label=f"network test accuracy {network_accuracy:.1%}")
    if n_classes:
        ax.axhline(1 / n_classes, color="#777777", ls="-.", lw=0.9, label=f"chance ({1 / n_classes:.0%})")
    for d, s in zip(depth, stats):  # clear of the marker, boxed so the dotted network line does not cross it
        ax.annotate(f"{s.probe_accuracy:.0%}", (d, s.probe_accuracy), textcoords="offset points", xytext=(0, 9),
                    ha="center", va="bottom", fontsize=8, color="#1f4e9c", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9))
    ax.set_xticks(depth, [f"{s.name}\n({s.width} wide)" for s in stats], fontsize=8)
    ax.set_ylim(0, 1.14)
    ax.set_xlabel("depth (representation after each layer)")
    ax.set_ylabel("accuracy / fraction")
    ax.set_title("How separable are the colours after each layer?", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    return ax


def plot_singular_values(stats, *, ax=None):
    """Each layer's weight-matrix singular values as dots (log scale); returns ax."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    layers = [s for s in stats if s.singular_values]
    for s in layers:
        sv = np.asarray(s.singular_values)
        ax.scatter(np.full(len(sv), s.depth), np.maximum(sv, 1e-6), s=18, color="#6a3d9a", edgecolors=EDGE,
                   linewidths=0.3, zorder=3)
        ax.annotate(f"{sv.max() / max(sv.min(), 1e-12):.0f}×", (s.depth, sv.max()),
                    textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7.5)
    ax.set_yscale("log")
    top = max(max(s.singular_values) for s in layers)
    ax.set_ylim(top=top * 4)
    ax.text(0.01, 0.99, "labels: largest ÷ smallest\n(how unevenly W stretches)", transform=ax.transAxes,
            ha="left", va="top", fontsize=7)
    ax.set_xticks([s.depth for s in layers], [f"W{sub(s.depth)}\n{s.name}" for s in layers], fontsize=8)
    ax.set_xlim(min(s.depth for s in layers) - 0.6, max(s.depth for s in layers) + 0.6)
    ax.set_ylabel("singular value (how much W stretches)")
    ax.set_title("Stretching per layer: singular values of W", fontsize=10)
    ax.grid(axis="y", alpha=0.3, which="both")
    return ax


def plot_probe_heatmap(layer_epochs: dict, *, ax=None):
    """Probe accuracy per layer (rows) and training snapshot (columns), annotated; returns ax."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    A = np.asarray(layer_epochs["probe_accuracy"], dtype=float)
    epochs, names = layer_epochs["epochs"], layer_epochs["layers"]
    im = ax.imshow(A, aspect="auto", cmap="viridis", vmin=min(0.0, A.min()), vmax=1.0, origin="lower")
    if A.shape[1] <= 14:
        for (i, j), v in np.ndenumerate(A):
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=6.5, color="white" if v < 0.6 else "black")
    step = max(1, len(epochs) // 12)
    ax.set_xticks(range(0, len(epochs), step), [str(e) for e in epochs[::step]], fontsize=7)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xlabel("training epoch (saved snapshots)")
    ax.set_ylabel("representation")
    points = layer_epochs.get("points", {}).get("train")
    ax.set_title("Linear-probe accuracy while training" + (f"\n({points:,} training points per probe, so the last "
                                                           f"column can differ a little from the curve)"
                                                           if points else ""),
                 fontsize=10)
    ax.figure.colorbar(im, ax=ax, label="probe accuracy (test)", shrink=0.85)
    return ax


def unscramble_figure(stats, layer_epochs=None, *, network_accuracy=None, n_classes=None, title=None):
    """The unscrambling curve, the singular values and (if given) the layer × epoch heatmap in one figure."""
    from matplotlib.figure import Figure

    from cubenet.run.metrics import LayerStats

    if isinstance(stats, (str, bytes)) or not hasattr(stats, "__len__") or not len(stats) or not all(
            isinstance(s, LayerStats) for s in stats):
        raise CubenetError("unscramble_figure needs the per-layer numbers: stats = layer_stats(model, dataset)")
    if network_accuracy is not None:
        check_fraction("network_accuracy", network_accuracy, advice="e.g. 0.983")

    n = 3 if layer_epochs else 2
    fig = Figure(figsize=(6.2 * n, 5.0), layout="constrained")
    axes = fig.subplots(1, n, width_ratios=[1.25, 0.9, 1.1][:n])
    plot_unscramble_curve(stats, network_accuracy=network_accuracy, n_classes=n_classes, ax=axes[0])
    plot_singular_values(stats, ax=axes[1])
    if layer_epochs:
        plot_probe_heatmap(layer_epochs, ax=axes[2])
    fig.suptitle(title or "The unscrambling curve: a linear classifier fitted on each layer's output",
                 fontsize=12, weight="bold")
    return fig


# --------------------------------------------------------------------------- training curves, confusion

def plot_loss(history, *, ax=None):
    """Training loss per epoch (log scale); returns ax."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    ax.plot(history.epochs, history.loss, color="#b03a2e", lw=1.8, label="training loss (cross-entropy)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)")
    ax.set_title("Loss", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return ax


def plot_accuracy(history, *, ax=None):
    """Train and test accuracy per epoch; returns ax."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    ax.plot(history.epochs, history.train_accuracy, color="#1f4e9c", lw=1.8,
            label=f"train (final {history.train_accuracy[-1]:.1%})")
    ax.plot(history.epochs, history.test_accuracy, color="#e67e22", lw=1.8, ls="--",
            label=f"test (final {history.test_accuracy[-1]:.1%})")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title("Accuracy", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def curves_title(history) -> str:
    """``Training: 60 epochs``, plus the stop reason when training stopped early (plateau, target, …).

    No wall-clock time: the same run draws the same picture, byte for byte (times are in run.json)."""
    title = f"Training: {int(history.epochs[-1])} epochs"
    reason = history.stop_reason or ""
    return title if not reason or reason.startswith("completed") else f"{title} — {reason}"


def curves_figure(history):
    """Loss and accuracy against epochs, with the reason training stopped."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    a, b = fig.subplots(1, 2)
    plot_loss(history, ax=a)
    plot_accuracy(history, ax=b)
    fig.suptitle(curves_title(history), fontsize=11, weight="bold")
    return fig


def plot_confusion(cm, class_names, *, ax=None):
    """Confusion matrix (rows = true class, columns = predicted), counts annotated, row-normalised colours."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    cm = np.asarray(cm, dtype=float)
    rates = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    im = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    if len(cm) <= 15:
        for (i, j), v in np.ndenumerate(cm):
            ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=8,
                    color="white" if rates[i, j] > 0.55 else "#222222")
    ax.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(class_names)), class_names, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.figure.colorbar(im, ax=ax, label="fraction of the true class", shrink=0.8)
    return ax


def confusion_figure(cm, class_names, *, accuracy=None):
    """The test-set confusion matrix with class names."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.2, 5.4), layout="constrained")
    ax = plot_confusion(cm, class_names, ax=fig.add_subplot())
    total = f" — accuracy {accuracy:.1%}" if accuracy is not None else ""
    ax.set_title(f"Confusion matrix on the test set{total}\n(diagonal = right; each row is one true class)",
                 fontsize=10)
    return fig


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts (n_classes, n_classes): rows true class, columns predicted class."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return cm


# --------------------------------------------------------------------------- 2-D decision regions

def plot_decision_regions(model, ds, *, resolution: int = 250, max_points: int = 3000, ax=None, rng=0):
    """Background coloured by the predicted class over the input plane, test points on top, errors marked."""
    check_pair(model, ds, "plot_decision_regions")
    check_max_points(max_points)
    from matplotlib.colors import ListedColormap

    from cubenet.nn.network import predict

    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(layout="constrained").add_subplot()
    X, y = ds.X_test, ds.y_test
    lo, hi = ds.X.min(axis=0), ds.X.max(axis=0)
    pad = 0.06 * (hi - lo)
    gx, gy = (np.linspace(lo[a] - pad[a], hi[a] + pad[a], resolution) for a in (0, 1))
    GX, GY = np.meshgrid(gx, gy)
    labels = predict(model, np.column_stack([GX.ravel(), GY.ravel()])).reshape(GX.shape)
    cmap = ListedColormap(list(ds.class_colors))
    ax.imshow(labels, origin="lower", extent=(gx[0], gx[-1], gy[0], gy[-1]), cmap=cmap, vmin=-0.5,
              vmax=ds.n_classes - 0.5, alpha=0.45, interpolation="nearest", aspect="auto")
    ax.contour(GX, GY, labels, levels=np.arange(ds.n_classes) + 0.5, colors=EDGE, linewidths=0.8)
    keep = subsample(y, max_points, rng=rng)
    draw_points(ax, X[keep], y[keep], ds.class_colors, size=9)
    wrong = keep[predict(model, X[keep]) != y[keep]]
    ax.scatter(X[wrong, 0], X[wrong, 1], marker="x", s=28, c="black", linewidths=1.2,
               label=f"misclassified ({len(wrong)} drawn)")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.legend(handles=class_handles(ds.class_names, ds.class_colors) + [ax.collections[-1]], fontsize=8,
              loc="upper left", bbox_to_anchor=(1.02, 1.0), framealpha=0.85)  # beside the axes: covers nothing
    return ax


def boundary_figure(model, ds, *, max_points: int = 3000):
    """Decision regions of a network on a 2-D dataset (None for other input sizes)."""
    check_pair(model, ds, "boundary_figure")
    check_max_points(max_points)
    from matplotlib.figure import Figure

    from cubenet.nn.network import predict

    if ds.n_features != 2:
        return None
    fig = Figure(figsize=(8.6, 6.2), layout="constrained")
    ax = plot_decision_regions(model, ds, max_points=max_points, ax=fig.add_subplot())
    acc = float(np.mean(predict(model, ds.X_test) == ds.y_test))
    ax.set_title(f"{data_title(ds)}\ndecision regions: background = the network's answer, dots = test points "
                 f"(accuracy {acc:.1%})", fontsize=10)
    return fig


# --------------------------------------------------------------------------- the cube, predicted

def face_frames() -> dict:
    """Per face letter: (outward normal, right, down) unit vectors of the facelet layout (from the stickers)."""
    from cubenet.data.cube import FACES, sticker_centers

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
    from cubenet.data.cube import FACES
    from cubenet.viz.cube_plots import NET_POSITION

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
    from cubenet.data.cube import solved_labels
    from cubenet.data.moves import apply_moves

    return solved_labels(apply_moves(centers, ds.meta.get("inverse", "") or ""))


def draw_cells3d(ax, cells, colors, wrong=None, *, title=None):
    """Surface cells on a 3-D Axes (visible faces only), wrong cells hatched; cube_plots' orientation."""
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    from cubenet.viz.cube_plots import style_3d, view_direction

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
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    from cubenet.viz.cube_plots import draw_net

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
    if not _is_cube(ds):
        raise CubenetError(f"cube_figure needs a colour-cube dataset (cubenet.make_color_cube), got {ds.name}; "
                           "use boundary_figure for 2-D data or layer_panels_figure for any data")
    check_int("resolution", resolution, minimum=2, maximum=60, advice="it is the cells per face edge")
    from matplotlib.figure import Figure

    from cubenet.data.cube import facelets
    from cubenet.nn.network import predict
    from cubenet.viz.cube_plots import draw_cube, draw_net

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
