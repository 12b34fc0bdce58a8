"""Training curves: the loss and the train and test accuracy, epoch by epoch."""

from __future__ import annotations

from matplotlib.figure import Figure

from cubenet.viz.style import new_ax


def plot_loss(history, *, ax=None):
    """Training loss per epoch (log scale); returns ax."""
    ax = new_ax(ax)
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
    ax = new_ax(ax)
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
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    a, b = fig.subplots(1, 2)
    plot_loss(history, ax=a)
    plot_accuracy(history, ax=b)
    fig.suptitle(curves_title(history), fontsize=11, weight="bold")
    return fig
