"""The preview picture written beside every dataset file: one figure per kind of dataset."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cubenet.run.metrics import stratified_subset
from cubenet.viz.cube_plots import cube_preview_figure
from cubenet.viz.digit_plots import digits_preview_figure
from cubenet.viz.planar_plots import planar_preview_figure


def preview_figure(ds):
    """Figure showing a dataset: the scrambled cube, 2-D points with their answer key, or digit samples."""
    kind = ds.meta.get("kind")
    if kind == "cube":
        return cube_preview_figure(ds)
    if kind == "digits":
        return digits_preview_figure(ds)
    if kind == "planar" or (kind == "table" and ds.n_features == 2):
        return planar_preview_figure(ds)
    return table_preview_figure(ds)


def table_preview_figure(ds, *, max_points: int = 4000):
    """Scatter of the first two principal components of any dataset, in class colours."""
    X, y = ds.X, ds.y

    keep = stratified_subset(y, max_points, rng=0)  # subsample for drawing only
    X, y = X[keep], y[keep]
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    k = min(2, Vt.shape[0])
    Z = Xc @ Vt[:k].T
    if k == 1:
        Z = np.column_stack([Z[:, 0], np.zeros(len(Z))])
    kept = float((s[:k] ** 2).sum() / max((s ** 2).sum(), 1e-300))
    fig = Figure(figsize=(6.5, 5.5), layout="constrained")
    ax = fig.add_subplot()
    for c, (name, color) in enumerate(zip(ds.class_names, ds.class_colors)):
        ax.scatter(*Z[y == c].T, s=8, c=color, edgecolors="#333333", linewidths=0.2, label=name)
    ax.set_facecolor("#e5e5e5")
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(f"{ds.name}: {len(ds.y):,} points, {ds.n_features} features "
                 f"(linear projection keeps {kept:.0%} of the variance)")
    ax.legend(title="class", fontsize=8, markerscale=2)
    return fig
