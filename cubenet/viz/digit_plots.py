"""Digit pictures: a preview grid of samples per class, one digit passing through the layers, class separation per layer.

Plot functions take ``ax=None`` and return it; figure builders create a
``matplotlib.figure.Figure(layout="constrained")`` and return it. Nothing here shows or saves.
"""

from __future__ import annotations

import numpy as np

INK = "gray_r"  #: digits as ink on paper: 0 white, full black
UNITS = "magma"  #: activation strength of hidden units


def image_shape(ds) -> tuple[int, int]:
    """(height, width) of the dataset's images: ``meta["image_shape"]``, else the nearest square."""
    from cubenet.errors import CubenetError

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
        from matplotlib.figure import Figure

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
    from matplotlib.figure import Figure

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
    twists = f", twists {params['twists']}" if "twists" in params else ""
    fig.suptitle(f"{ds.name}: {len(y):,} images of {h}×{w} ({scale}){twists} — {per_class} samples per class",
                 fontsize=11, fontweight="bold")
    return fig


def _label_color(color: str) -> str:
    """The class colour, or a dark grey where it would vanish on white (light colours)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return "#333333" if 0.299 * r + 0.587 * g + 0.114 * b > 0.8 else color
