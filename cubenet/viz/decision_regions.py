"""Decision regions of a 2-D dataset: the network's answer over the plane, the test points on top."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from cubenet.nn.network import predict
from cubenet.run.metrics import check_max_points, check_pair
from cubenet.viz.style import EDGE, class_handles, data_title, draw_points, new_ax, subsample


def plot_decision_regions(model, ds, *, resolution: int = 250, max_points: int = 3000, ax=None, rng=0):
    """Background coloured by the predicted class over the input plane, test points on top, errors marked."""
    check_pair(model, ds, "plot_decision_regions")
    check_max_points(max_points)

    ax = new_ax(ax)
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

    if ds.n_features != 2:
        return None
    fig = Figure(figsize=(8.6, 6.2), layout="constrained")
    ax = plot_decision_regions(model, ds, max_points=max_points, ax=fig.add_subplot())
    acc = float(np.mean(predict(model, ds.X_test) == ds.y_test))
    ax.set_title(f"{data_title(ds)}\ndecision regions: background = the network's answer, dots = test points "
                 f"(accuracy {acc:.1%})", fontsize=10)
    return fig
