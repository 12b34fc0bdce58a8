"""The unscrambling curve: each layer's linear-probe accuracy, its weights' singular values, the probe while training."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cubenet.errors import CubenetError
from cubenet.run.metrics import LayerStats
from cubenet.validate import check_fraction
from cubenet.viz.style import EDGE, new_ax, sub


def plot_accuracy_lines(ax, depth, stats, *, network_accuracy=None, n_classes=None):
    """The lines every unscrambling curve draws: probe and nearest-centroid accuracy per depth, labelled with
    the probe's value, the network's own test accuracy and chance; returns ax."""
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
    return ax


def plot_unscramble_curve(stats, *, network_accuracy=None, n_classes=None, ax=None):
    """Probe and nearest-centroid accuracy per depth, dead-ReLU fraction as bars; returns ax."""
    ax = new_ax(ax)
    depth = np.array([s.depth for s in stats])
    dead = [s.dead_fraction if s.dead_fraction is not None else 0.0 for s in stats]
    ax.bar(depth, dead, width=0.35, color="#d9a5a5", edgecolor="#8a3b3b", label="dead ReLU units (fraction)")
    plot_accuracy_lines(ax, depth, stats, network_accuracy=network_accuracy, n_classes=n_classes)
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
    ax = new_ax(ax)
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
    ax = new_ax(ax)
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
