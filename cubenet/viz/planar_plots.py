"""2-D dataset pictures: points in class colours, and the answer key (the inverse scramble applied)."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from cubenet.data.moves import apply_moves
from cubenet.run.metrics import fit_probe, stratified_subset

#: grey behind the points, so white and yellow classes stay visible
BACKGROUND = "#e5e5e5"
#: answer keys wider (or taller) than this are drawn stretched to fill their panel
MAX_STRETCH = 2.5


def plot_points(X, y, *, colors, class_names=None, ax=None, size: float = 9.0, legend: bool = True,
                labels=("x1", "x2")):
    """Scatter 2-D points ``X`` (n, 2) in their class colours (``y`` of shape (n,)); returns the Axes."""
    if ax is None:
        ax = Figure(layout="constrained").add_subplot()
    X = np.asarray(X, dtype=float)
    for c, color in enumerate(colors):
        mask = y == c
        name = class_names[c] if class_names is not None else str(c)
        ax.scatter(X[mask, 0], X[mask, 1], s=size, c=color, edgecolors="#333333", linewidths=0.25,
                   label=f"{name} ({int(mask.sum()):,})")
    ax.set_facecolor(BACKGROUND)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if legend:  # outside the axes, to the right: it never covers points
        ax.legend(title="class (points)", fontsize=8, title_fontsize=8, markerscale=1.8, loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), framealpha=0.85)
    return ax


def draw_linear_regions(ax, X, y, *, colors, n_classes: int):
    """Shade the regions of a linear classifier fitted to ``(X, y)``; returns its accuracy on X."""
    probe = fit_probe(X, y, n_classes=n_classes, l2=1e-6, max_iter=500)
    accuracy = float(np.mean(probe.predict(X) == y))
    ax.autoscale_view()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    gx, gy = np.meshgrid(np.linspace(x0, x1, 500), np.linspace(y0, y1, 500))
    regions = probe.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.imshow(regions, origin="lower", extent=(x0, x1, y0, y1), cmap=ListedColormap(list(colors)),
              vmin=-0.5, vmax=n_classes - 0.5, alpha=0.22, interpolation="nearest", zorder=0, aspect="auto")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    stretch = (x1 - x0) / (y1 - y0)
    if 1 / MAX_STRETCH < stretch < MAX_STRETCH:
        ax.set_aspect("equal", adjustable="box")
    else:  # e.g. the circles' flat bands: fill the panel (straight lines stay straight)
        ax.set_aspect("auto")
        ax.set_xlabel(ax.get_xlabel() + " (axes not to scale)")
    return accuracy


def _wrap(text: str, width: int = 62, lines: int = 4) -> str:
    wrapped = textwrap.wrap(text, width=width, break_long_words=False) or ["(none)"]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] += " …"
    return "\n".join(wrapped)


def planar_preview_figure(ds, *, max_points: int = 3000):
    """The preview of a 2-D dataset: the scrambled points, and beside them the answer key.

    Left: the points in class colours, the scramble in the title. Right (when the dataset has a
    scramble): the same points after ``meta["inverse"]`` — the solved arrangement — shaded by a
    linear classifier fitted to it, with that classifier's accuracy (100 % on noise-free data).
    CSV data without a scramble gets the left panel only. Returns a new Figure.
    """
    X, y = ds.X, ds.y

    keep = stratified_subset(y, max_points, rng=0)  # subsample for drawing only
    X, y = X[keep], y[keep]
    inverse = ds.meta.get("inverse") or ""
    scramble = ds.meta.get("scramble") or ""
    names = ds.meta.get("feature_names") or ["x1", "x2"]
    shown = f"{len(y):,} of {len(ds.y):,} points" if len(y) < len(ds.y) else f"{len(y):,} points"
    fig = Figure(figsize=(13, 6.2) if scramble else (7, 6.2), layout="constrained")
    axes = fig.subplots(1, 2 if scramble else 1, squeeze=False)[0]
    noise = ds.meta.get("params", {}).get("noise") or 0
    flipped = ds.meta.get("labels_flipped") or 0
    extras = ([f"noise {noise:g}"] if noise else []) + ([f"{flipped:,} labels flipped"] if flipped else [])
    if ds.meta.get("replaced_moves"):  # 'scramble moons --moves X': X replaced the set's own moves
        extras.append(f"--moves instead of its own {ds.meta['replaced_moves']}")
    fig.suptitle(f"{ds.name}: {shown}, {ds.n_classes} classes" + (f" ({', '.join(extras)})" if extras else ""),
                 fontsize=13, fontweight="bold")
    plot_points(X, y, colors=ds.class_colors, class_names=ds.class_names, ax=axes[0], labels=names[:2])
    if not scramble:
        axes[0].set_title("your data as given" if ds.meta.get("kind") == "table"
                          else "the solved arrangement: no moves yet (add --twists N to scramble it)", fontsize=10)
        return fig
    axes[0].set_title(_wrap(f"what the network sees — scramble: {scramble}"), fontsize=9.5, loc="left")
    Z = apply_moves(X, inverse)
    plot_points(Z, y, colors=ds.class_colors, class_names=ds.class_names, ax=axes[1], legend=False,
                labels=(f"{names[0]} after the inverse", f"{names[1]} after the inverse"))
    accuracy = draw_linear_regions(axes[1], Z, y, colors=ds.class_colors, n_classes=ds.n_classes)
    verdict = ("straight lines separate every class" if accuracy == 1.0
               else f"the best straight lines get {accuracy:.1%} right")
    solved = ds.meta.get("solved")
    axes[1].set_title(_wrap(f"answer key — inverse scramble: {inverse}") + "\n"
                      + _wrap(f"{solved + ': ' if solved else ''}{verdict}", lines=2), fontsize=9.5, loc="left")
    return fig
