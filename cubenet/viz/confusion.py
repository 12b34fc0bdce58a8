"""The confusion matrix of the test points: true class against the network's answer."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cubenet.viz.style import new_ax


def plot_confusion(cm, class_names, *, ax=None):
    """Confusion matrix (rows = true class, columns = predicted), counts annotated, row-normalised colours."""
    ax = new_ax(ax)
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
