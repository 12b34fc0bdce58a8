"""Digit pictures: a preview grid of samples per class, one digit passing through the layers, class separation per layer.

Plot functions take ``ax=None`` and return it; figure builders create a
``matplotlib.figure.Figure(layout="constrained")`` and return it. Nothing here shows or saves.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cubenet.activations import TABLE
from cubenet.errors import CubenetError
from cubenet.nn.network import activation_grad, forward, predict
from cubenet.run.metrics import check_max_points, check_pair, layer_names, layer_stats, representations
from cubenet.validate import check_int
from cubenet.viz import projection as proj
from cubenet.viz.panels import fidelity_points, view_fidelities
from cubenet.viz.style import class_handles, draw_points, layer_equation, style_axes, subsample
from cubenet.viz.unscramble_curve import plot_unscramble_curve

INK = "gray_r"  #: digits as ink on paper: 0 white, full black
UNITS = "magma"  #: activation strength of hidden units


def image_shape(ds) -> tuple[int, int]:
    """(height, width) of the dataset's images: ``meta["image_shape"]``, else the nearest square."""
    shape = ds.meta.get("image_shape")
    if shape:
        return int(shape[0]), int(shape[1])
    side = int(round(np.sqrt(ds.n_features)))
    if side * side != ds.n_features:
        raise CubenetError(f"{ds.name} has {ds.n_features} features, not a square image; digit views need images")
    return side, side


def value_range(ds) -> tuple[float, float]:
    """Pixel range for drawing: 0..16 for optdigits-style 8×8 counts, 0..1 for greyscale."""
    lo, hi = ds.meta.get("value_range") or (0.0, max(1.0, float(np.max(ds.X_train))))
    return float(lo), float(hi)


def draw_digit(image, *, ax=None, vmin: float = 0.0, vmax: float = 1.0, title: str | None = None, color=None):
    """One image (h, w) as ink on paper, pixel grid visible, no ticks; returns ax."""
    if ax is None:
        ax = Figure(layout="constrained").add_subplot()
    ax.imshow(image, cmap=INK, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color(color or "#999999")
        spine.set_linewidth(2.0 if color else 0.6)
    if title:
        ax.set_title(title, fontsize=8)
    return ax


def _first_per_class(y, n_classes: int, per_class: int) -> list[np.ndarray]:
    return [np.flatnonzero(y == c)[:per_class] for c in range(n_classes)]


def digits_preview_figure(ds, *, per_class: int = 10):
    """A grid of sample images, one row per class (label in the class colour), and each class's mean image.

    Parameters
    ----------
    ds : Dataset of images (``meta["image_shape"]``, or square images)
    per_class : int
        Samples shown per class (from the training part, in file order).
    """
    h, w = image_shape(ds)
    vmin, vmax = value_range(ds)
    X, y = ds.X, ds.y
    rows = _first_per_class(y, ds.n_classes, per_class)
    fig = Figure(figsize=(0.78 * (per_class + 2) + 0.6, 0.78 * ds.n_classes + 1.2), layout="constrained")
    grid = fig.add_gridspec(ds.n_classes, per_class + 2, width_ratios=[1] * per_class + [0.35, 1])
    for c, idx in enumerate(rows):
        for j in range(per_class):
            ax = fig.add_subplot(grid[c, j])
            if j < len(idx):
                draw_digit(X[idx[j]].reshape(h, w), ax=ax, vmin=vmin, vmax=vmax)
            else:
                ax.axis("off")
            if j == 0:
                ax.set_ylabel(ds.class_names[c], rotation=0, ha="right", va="center", fontsize=13,
                              fontweight="bold", color=_label_color(ds.class_colors[c]))
        ax = fig.add_subplot(grid[c, per_class + 1])
        draw_digit(X[y == c].mean(axis=0).reshape(h, w) if np.any(y == c) else np.zeros((h, w)), ax=ax,
                   vmin=vmin, vmax=vmax, color=ds.class_colors[c])
        if c == 0:
            ax.set_title("class\nmean", fontsize=8)
    params = ds.meta.get("params", {})
    scale = "optdigits counts 0–16" if (vmin, vmax) == (0.0, 16.0) else f"values {vmin:g}–{vmax:g}"
    level = params.get("strength", params.get("twists"))
    level = "" if level is None else f", strength {level}"
    fig.suptitle(f"{ds.name}: {len(y):,} images of {h}×{w} ({scale}){level} — {per_class} samples per class",
                 fontsize=11, fontweight="bold")
    return fig


def _label_color(color: str) -> str:
    """The class colour, or a dark grey where it would vanish on white (light colours)."""
    r, g, b = to_rgb(color)
    return "#333333" if 0.299 * r + 0.587 * g + 0.114 * b > 0.8 else color


# --------------------------------------------------------------------------- one digit through the layers

def pick_digit(model, ds, *, prefer: str = "4") -> int:
    """Index into ``ds.X`` (train then test) of a test image the model reads right, of class ``prefer`` if any."""
    offset = len(ds.y_train)
    right = predict(model, ds.X_test) == ds.y_test
    wanted = ds.class_names.index(prefer) if prefer in ds.class_names else -1
    for candidates in (right & (ds.y_test == wanted), right, np.ones_like(right)):
        if candidates.any():
            return offset + int(np.argmax(candidates))
    return offset


def unit_grid(values) -> np.ndarray:
    """A layer's units (n,) laid out as a near-square image, row by row; unused cells are NaN."""
    values = np.asarray(values, dtype=float)
    cols = int(np.ceil(np.sqrt(len(values))))
    rows = -(-len(values) // cols)
    grid = np.full(rows * cols, np.nan)
    grid[: len(values)] = values
    return grid.reshape(rows, cols)


def input_filters(model, x) -> list[np.ndarray]:
    """For every hidden layer, each unit's local linear filter on the network's input at image ``x`` (n_in,).

    Around ``x`` a ReLU network is linear: unit j of layer l changes by ``filters[l-1][:, j] · dh0``
    for a small change ``dh0`` of the (standardised) input. Returns arrays of shape (n_in, width_l),
    one per hidden layer.
    """
    trace = forward(model, np.asarray(x, dtype=float)[None, :])
    J = np.eye(model.sizes[0])
    out = []
    for (W, _), act, t in zip(model.params[:-1], model.activations, trace[:-1]):
        J = (J @ W) * activation_grad(act, t.pre, t.post)[0]
        out.append(J)
    return out


def _layer_cmap(act: str, values) -> tuple[str, float, float]:
    top = float(np.nanmax(np.abs(values))) or 1.0
    return (UNITS, 0.0, top) if TABLE[act].nonnegative else ("RdBu_r", -top, top)


def digit_layers_figure(model, ds, index: int | None = None, *, n_filters: int = 3):
    """One digit passing through the network: the image, every hidden layer's units, the class probabilities.

    Top row: the input image, then each hidden layer's activations as a small picture (one cell per
    unit, brighter = stronger), then the output probabilities as bars in the class colours. Bottom
    row: for each hidden layer, the pixel filters of its ``n_filters`` strongest units on this digit
    (the local linear map from pixels to that unit: red pixels push it up, blue pull it down).

    Parameters
    ----------
    model : Model trained on ``ds``
    ds : Dataset of images
    index : int, optional
        Row of ``ds.X`` (train then test); by default a correctly read test "4" (or any test image).
    """
    check_pair(model, ds, "digit_layers_figure")

    n = len(ds.y_train) + len(ds.y_test)
    if index is None:
        index = pick_digit(model, ds)
    check_int("index", index, minimum=0, maximum=n - 1, advice="it is an image's number in the dataset")
    x, label = ds.X[index], int(ds.y[index])
    trace = forward(model, x[None, :])
    filters = input_filters(model, x)
    probs = trace[-1].post[0]
    hidden = model.n_layers - 1
    fig = Figure(figsize=(2.9 * (hidden + 2), 6.4), layout="constrained")
    grid = fig.add_gridspec(2, hidden + 2, height_ratios=[1.5, 1])
    plot_input_digit(ds, x, label, ax=fig.add_subplot(grid[0, 0]))
    for i in range(1, hidden + 1):
        strongest = plot_layer_units(model, i, trace[i - 1].post[0], n_filters=n_filters, ax=fig.add_subplot(grid[0, i]))
        _unit_filters(fig, grid[1, i], filters[i - 1], strongest, image_shape(ds))
    pred = plot_class_bars(model, ds, probs, ax=fig.add_subplot(grid[0, hidden + 1]))
    note = fig.add_subplot(grid[1, 0])
    note.axis("off")
    note.text(0.0, 0.95, "Read left to right: each layer\nre-describes the digit with its own\nunits, "
              "h = relu(h·W + b).\nThe last layer turns the final\ndescription into class\nprobabilities.",
              transform=note.transAxes, va="top", fontsize=8.5)
    fig.add_subplot(grid[1, hidden + 1]).axis("off")
    verdict = "right" if pred == label else "wrong"
    fig.suptitle(f"One handwritten {ds.class_names[label]} passing through the network: read as "
                 f"{ds.class_names[pred]} ({probs[pred]:.0%}, {verdict}) — image {index} of {ds.name}",
                 fontsize=11, fontweight="bold")
    return fig


def plot_input_digit(ds, x, label: int, *, ax):
    """The input image with its size and true class; returns ax."""
    h, w = image_shape(ds)
    vmin, vmax = value_range(ds)
    draw_digit(x.reshape(h, w), ax=ax, vmin=vmin, vmax=vmax)
    ax.set_title(f"input: {h}×{w} pixels\n(true class {ds.class_names[label]})", fontsize=9)
    ax.set_xlabel(f"{h * w} numbers go in", fontsize=8)
    return ax


def plot_layer_units(model, i: int, post, *, n_filters: int, ax) -> np.ndarray:
    """Hidden layer ``i``'s activations ``post`` as a picture (one cell per unit), its ``n_filters`` strongest
    units framed and numbered, with a colour bar; returns those units' indices, strongest first."""
    cmap, lo, hi = _layer_cmap(model.activations[i - 1], post)
    ax.set_facecolor("#d0d0d0")
    im = ax.imshow(unit_grid(post), cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
    cols = unit_grid(post).shape[1]
    strongest = np.argsort(post)[::-1][:n_filters]
    for rank, j in enumerate(strongest, start=1):
        ax.add_patch(Rectangle((j % cols - 0.5, j // cols - 0.5), 1, 1, fill=False, ec="#00c0ff", lw=1.6))
        ax.text(j % cols, j // cols, str(rank), ha="center", va="center", fontsize=6.5, color="#00c0ff")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(layer_equation(model, i).replace(": ", ":\n", 1), fontsize=9)
    ax.set_xlabel(f"{int(np.sum(post > 0))} of {len(post)} units active\n(one cell per unit)", fontsize=8)
    ax.figure.colorbar(im, ax=ax, shrink=0.7, label="activation")
    return strongest


def _unit_filters(fig, spec, filters, strongest, shape) -> None:
    """The pixel filters (n_in, width) of the ``strongest`` units, side by side in ``spec``."""
    sub = spec.subgridspec(1, len(strongest))
    top = float(np.abs(filters[:, strongest]).max()) or 1.0
    for rank, j in enumerate(strongest, start=1):
        fax = fig.add_subplot(sub[0, rank - 1])
        fax.imshow(filters[:, j].reshape(shape), cmap="RdBu_r", vmin=-top, vmax=top, interpolation="nearest")
        fax.set_xticks([])
        fax.set_yticks([])
        fax.set_title(f"#{rank}: unit {j + 1}", fontsize=7.5)
        if rank == 2:
            fax.set_xlabel("what the strongest units\nread from the pixels here\n(red adds, blue subtracts)",
                           fontsize=7.5)


def plot_class_bars(model, ds, probs, *, ax) -> int:
    """The output probabilities as bars in the class colours; returns the predicted class."""
    order = np.arange(len(probs))
    ax.barh(order, probs, color=list(ds.class_colors), edgecolor="#222222", linewidth=0.6)
    ax.set_yticks(order, ds.class_names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_facecolor("#e5e5e5")
    ax.set_xlabel("probability", fontsize=8)
    pred = int(np.argmax(probs))
    ax.set_title(f"{layer_equation(model, model.n_layers).replace(': ', ':' + chr(10), 1)}", fontsize=9)
    ax.annotate(f"{probs[pred]:.0%}", (probs[pred], pred), xytext=(3, 0), textcoords="offset points",
                va="center", fontsize=8)
    return pred


# --------------------------------------------------------------------------- class separation per layer

def digit_separation_figure(model, ds, *, stats=None, max_points: int = 1500, rng=0):
    """How well the classes separate after each layer: a 2-D PCA view and linear-probe accuracy per layer.

    Top row: the test images in every representation (input pixels, each hidden layer, output
    logits), projected linearly on their two principal components (aligned between panels), in the
    class colours. Bottom: the unscrambling curve (probe and nearest-centre accuracy per depth).

    Parameters
    ----------
    stats : list of LayerStats, optional
        The run's per-layer numbers (as in metrics.json); computed on every image when not given, so the
        figure always shows the same probe accuracies as metrics.json and layers.png.
    max_points : test images drawn in the projections (the numbers use every image)
    """
    check_pair(model, ds, "digit_separation_figure")
    check_max_points(max_points)

    keep = subsample(ds.y_test, max_points, rng=rng)
    X, y = ds.X_test[keep], ds.y_test[keep]
    reps = representations(model, X)
    views = proj.chain(reps, k=2, max_native=2)
    stats = layer_stats(model, ds) if stats is None else stats
    fidelity = _view_fidelities(model, ds, views, {s.depth: s.probe_accuracy for s in stats})
    names = layer_names(model.n_layers)
    units = ["pixels"] + ["units"] * (model.n_layers - 1) + ["logits"]
    fig = Figure(figsize=(3.3 * len(reps) + 1.2, 8.4), layout="constrained")
    grid = fig.add_gridspec(2, len(reps) + 1, height_ratios=[1.1, 1], width_ratios=[1] * len(reps) + [0.35])
    for d, (H, view, s) in enumerate(zip(reps, views, stats)):
        ax = fig.add_subplot(grid[0, d])
        draw_points(ax, view(H), y, ds.class_colors, size=7)
        style_axes(ax, labels=("aligned PC 1", "aligned PC 2") if not view.native else ("unit 1", "unit 2"))
        ax.set_title(f"{names[d]} ({H.shape[1]} {units[d]})\nlinear probe: {s.probe_accuracy:.1%} · "
                     f"display fidelity {fidelity[d]:.0%}", fontsize=9)
        ax.set_xlabel(f"{ax.get_xlabel()}\n{view.caption()}", fontsize=7.5)
    legend = fig.add_subplot(grid[0, len(reps)])
    legend.axis("off")
    legend.legend(handles=class_handles(ds.class_names, ds.class_colors), title="class", loc="center", fontsize=9)
    accuracy = float(np.mean(predict(model, ds.X_test) == ds.y_test))
    plot_unscramble_curve(stats, network_accuracy=accuracy, n_classes=ds.n_classes, ax=fig.add_subplot(grid[1, :]))
    fig.suptitle(f"{ds.name}: how far apart the digit classes are after each layer "
                 f"({len(y):,} test images drawn)\n", fontsize=11, fontweight="bold")
    fig.text(0.5, 0.962, "display fidelity: what a linear probe reads from the drawn 2-D points, "
             "as a share of what it reads from the whole layer", ha="center", va="top", fontsize=8.5)
    return fig


def _view_fidelities(model, ds, views, probe: dict) -> dict:
    """Display fidelity of each panel's 2-D view (fitted on the figures' fidelity points, scored on every test image)."""
    tr = fidelity_points(ds)
    drawn = {d: (v(Htr), v(Hte)) for d, (v, Htr, Hte) in
             enumerate(zip(views, representations(model, ds.X_train[tr]), representations(model, ds.X_test)))}
    return view_fidelities(ds, drawn, probe, tr)
