"""Per-layer unscrambling numbers: how linearly separable each layer's representation is, and its geometry.

The linear probe (defined once, in :mod:`cubenet.run.probe`) is a multinomial logistic regression
fitted on one layer's representation of the training set and scored on the test set: if a single linear layer can read the classes off a representation, that layer has
"unscrambled" the data. The numbers per layer are the probe accuracy, the nearest-centroid
accuracy, the fraction of dead ReLU units and the singular values of the layer's weight matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Callable

import numpy as np

from cubenet.activations import TABLE
from cubenet.data.dataset import Dataset
from cubenet.data.io import validate
from cubenet.errors import CubenetError
from cubenet.nn.network import Model, check_fits, forward, standardize
from cubenet.nn.steps import step_states
from cubenet.run.probe import Probe, check_xy, fit_probe, probe_accuracy  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class LayerStats:
    """The unscrambling numbers of one representation (the input, a hidden layer or the output).

    depth : 0 for the input, i for layer i (for a step network: the state after step i)
    singular_values : of the weight matrix that produced this layer (None for the input and for steps)
    dead_fraction : fraction of units inactive on every training point (None where units cannot die;
        for a step network, the step's inner units)
    displacement : step networks only: the mean distance a training point moved in this step
        (standardised units), None elsewhere
    """

    depth: int
    name: str
    width: int
    probe_accuracy: float
    centroid_accuracy: float
    dead_fraction: float | None
    singular_values: tuple | None
    displacement: float | None = None

    def as_dict(self) -> dict:
        """A JSON-ready dict (the entries of metrics.json's ``"layers"``)."""
        return {"depth": self.depth, "name": self.name, "width": self.width,
                "probe_accuracy": self.probe_accuracy, "centroid_accuracy": self.centroid_accuracy,
                "dead_fraction": self.dead_fraction,
                "singular_values": None if self.singular_values is None else list(self.singular_values),
                "displacement": self.displacement}


def display_fidelity(drawn_train, y_train, drawn_test, y_test, full_accuracy: float, *,
                     n_classes: int | None = None, **probe_options) -> float:
    """How much of a layer's separation a view keeps: probe accuracy on the drawn coordinates ÷ on the full layer.

    ``drawn_*`` are the coordinates a figure or the explorer actually draws (e.g. a 2-D PCA of a 16-D
    layer), of shape (n, 1..3); ``full_accuracy`` is :func:`probe_accuracy` on the whole representation.
    1.0 means the picture shows everything a linear read-out can see; a 2-D shadow of a wide layer
    often keeps a third. Capped at 1 (a probe on fewer coordinates can tie the full one, not beat it
    in expectation; sampling noise is not shown as "more than all"). ``probe_options`` go to
    :func:`fit_probe` (e.g. ``max_iter``, to match the full probe's settings).
    """
    drawn = probe_accuracy(drawn_train, y_train, drawn_test, y_test, n_classes=n_classes, **probe_options)
    if not full_accuracy > 0:
        return 1.0
    return float(min(1.0, drawn / full_accuracy))


def probe_and_fidelity(draw, H_train, y_train, H_test, y_test, *, n_classes: int | None = None) -> tuple[float, float]:
    """``(probe accuracy on the whole representation, display fidelity of the coordinates draw(H))``, both
    probes fitted on the same training points and scored on the same test points."""
    full = probe_accuracy(H_train, y_train, H_test, y_test, n_classes=n_classes)
    return full, display_fidelity(draw(H_train), y_train, draw(H_test), y_test, full, n_classes=n_classes)


def centroid_accuracy(H_train, y_train, H_test, y_test) -> float:
    """Test accuracy of "nearest class mean" in the layer's own (Euclidean) geometry."""
    H_train, y_train = check_xy(H_train, y_train, "centroid_accuracy")
    H_test, y_test = check_xy(H_test, y_test, "centroid_accuracy")
    classes = np.unique(y_train)
    centroids = np.stack([H_train[y_train == c].mean(axis=0) for c in classes])
    d2 = (H_test ** 2).sum(axis=1)[:, None] - 2 * H_test @ centroids.T + (centroids ** 2).sum(axis=1)[None, :]
    return float(np.mean(classes[np.argmin(d2, axis=1)] == y_test))


def dead_fraction(pre) -> float:
    """Fraction of units whose pre-activation ``pre`` (n, width) is <= 0 on every point (dead ReLUs)."""
    pre = np.asarray(pre)
    return float(np.mean(np.all(pre <= 0, axis=0)))


def singular_values(W) -> np.ndarray:
    """Singular values (descending) of a weight matrix of shape (fan_in, fan_out)."""
    return np.linalg.svd(np.asarray(W, dtype=float), compute_uv=False)


def check_pair(model, dataset, what: str) -> None:
    """``model`` must be a cubenet Model that fits ``dataset`` (a valid Dataset): same inputs, same classes."""
    if not isinstance(model, Model):
        raise CubenetError(f"{what} needs a cubenet Model (from train or load_model), got {type(model).__name__}")
    if not isinstance(dataset, Dataset):
        raise CubenetError(f"{what} needs a cubenet Dataset, got {type(dataset).__name__}")
    validate(dataset, "the dataset", quote=False)
    check_fits(model, dataset, what=f"{what}: the model")


def check_max_points(max_points, what: str = "max_points") -> None:
    """A drawing limit: None (all) or a positive integer."""
    if max_points is not None and (isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer))
                                   or max_points < 1):
        raise CubenetError(f"{what} must be a positive whole number (or None for all), got {max_points!r}")


def layer_names(n_layers: int) -> list[str]:
    """Names of the representations: ``input``, ``layer 1`` … ``layer L-1``, ``output``."""
    return ["input"] + [f"layer {i}" for i in range(1, n_layers)] + ["output"]


def model_layer_names(model) -> list[str]:
    """:func:`layer_names` of this model; a step network's are ``input``, ``step 1`` … ``step N``, ``output``."""
    if getattr(model, "kind", "dense") == "steps":
        return ["input"] + [f"step {i}" for i in range(1, model.n_steps + 1)] + ["output"]
    return layer_names(model.n_layers)


def representations(model, X) -> list[np.ndarray]:
    """The network's input ``h0`` then every layer's output: hidden post-activations, and the output logits.

    The output layer is represented by its logits (pre-softmax), which a probe reads exactly as the
    network does. Returns ``n_layers + 1`` arrays of shape (n, width). For a step network these are
    its states ``step_states(model, X)`` (float64, each (n, d)), then the logits.
    """
    if getattr(model, "kind", "dense") == "steps":
        states = step_states(model, X)
        W, b = model.head
        return states + [states[-1] @ W.astype(np.float64) + b]
    trace = forward(model, X)
    return [standardize(model, X)] + [t.post for t in trace[:-1]] + [trace[-1].pre]


def stratified_subset(y, max_n: int | None, *, rng=None) -> np.ndarray:
    """Indices of at most ``max_n`` points, every class kept in proportion (all indices if ``max_n`` is None)."""
    y = np.asarray(y)
    if max_n is None or len(y) <= max_n:
        return np.arange(len(y))
    rng = np.random.default_rng(rng)
    return np.sort(rng.permutation(len(y))[:max_n])


def layer_stats(model, dataset, *, max_points: int | None = None, rng=None) -> list[LayerStats]:
    """The unscrambling numbers of every representation of ``dataset`` in ``model``.

    Parameters
    ----------
    model : cubenet.nn.network.Model
    dataset : cubenet.data.dataset.Dataset
    max_points : int, optional
        Use at most this many train (and test) points; by default all of them.
    rng : None, int or numpy Generator
        Chooses the subset when ``max_points`` applies.

    Returns
    -------
    list of LayerStats, one per representation (input, hidden layers, output).
    """
    check_pair(model, dataset, "layer_stats")
    check_max_points(max_points)
    rng = np.random.default_rng(rng)
    tr = stratified_subset(dataset.y_train, max_points, rng=rng)
    te = stratified_subset(dataset.y_test, max_points, rng=rng)
    y_train, y_test = dataset.y_train[tr], dataset.y_test[te]
    reps_train = representations(model, dataset.X_train[tr])
    reps_test = representations(model, dataset.X_test[te])

    pres = [t.pre for t in forward(model, dataset.X_train[tr])]
    names = model_layer_names(model)
    out = []
    for depth, (name, Htr, Hte) in enumerate(zip(names, reps_train, reps_test)):
        act = model.activations[depth - 1] if 0 < depth < model.n_layers else None
        out.append(LayerStats(
            depth=depth, name=name, width=Htr.shape[1],
            probe_accuracy=probe_accuracy(Htr, y_train, Hte, y_test, n_classes=dataset.n_classes),
            centroid_accuracy=centroid_accuracy(Htr, y_train, Hte, y_test),
            dead_fraction=dead_fraction(pres[depth - 1]) if act and TABLE[act].relu_like else None,
            **_geometry(model, depth, reps_train),
        ))
    return out


def _geometry(model, depth: int, reps: list) -> dict:
    """Singular values of the matrix that made representation ``depth`` and, for a step, the mean displacement."""
    if depth == 0:
        return {"singular_values": None}
    if getattr(model, "kind", "dense") != "steps":
        return {"singular_values": tuple(float(s) for s in singular_values(model.params[depth - 1][0]))}
    if depth == model.n_layers:  # the head: the flat cut
        return {"singular_values": tuple(float(s) for s in singular_values(model.head[0]))}
    return {"singular_values": None,
            "displacement": float(np.mean(np.linalg.norm(reps[depth] - reps[depth - 1], axis=1)))}


def probe_by_epoch(model, snapshots, dataset, *, max_points: int | None = 1000, rng=None) -> dict:
    """Linear-probe accuracy of every representation at every saved snapshot (the layer × epoch heatmap).

    Parameters
    ----------
    model : Model
        The trained model (its activations and input standardisation are reused).
    snapshots : sequence of (epoch, params)
        As in ``History.snapshots``.
    max_points : int, optional
        Train/test points used per probe (a stratified subset keeps this quick); None for all.

    Returns
    -------
    dict with ``epochs`` (list of int), ``layers`` (names) and ``probe_accuracy``
    (list over layers of lists over epochs) — the ``"layer_epochs"`` entry of metrics.json.
    """
    tasks, table = epoch_probe_tasks(model, snapshots, dataset, max_points=max_points, rng=rng)
    return table([task() for task in tasks])


def epoch_probe_tasks(model, snapshots, dataset, *, max_points: int | None = 1000, rng=None) -> tuple[list, Callable]:
    """:func:`probe_by_epoch` as independent pieces: ``(tasks, table)``, one task (a function of no
    arguments) per snapshot, and ``table(results)`` that turns the tasks' results, in order, into the
    heatmap's dict. The subsets are drawn here, once, so the pieces can run in any process."""
    check_pair(model, dataset, "probe_by_epoch")
    check_max_points(max_points)
    rng = np.random.default_rng(rng)
    tr = stratified_subset(dataset.y_train, max_points, rng=rng)
    te = stratified_subset(dataset.y_test, max_points, rng=rng)
    names = model_layer_names(model)

    def column(params, with_input: bool) -> list[float | None]:
        snap = replace(model, params=list(params))
        reps_train = representations(snap, dataset.X_train[tr])
        reps_test = representations(snap, dataset.X_test[te])
        return [probe_accuracy(Htr, dataset.y_train[tr], Hte, dataset.y_test[te], n_classes=dataset.n_classes,
                               max_iter=30) if i > 0 or with_input else None  # the input does not change
                for i, (Htr, Hte) in enumerate(zip(reps_train, reps_test))]

    def table(columns: list) -> dict:
        rows = [[float(col[i] if col[i] is not None else columns[0][0]) for col in columns] for i in range(len(names))]
        return {"epochs": [int(e) for e, _ in snapshots], "layers": names, "probe_accuracy": rows,
                "points": {"train": int(len(tr)), "test": int(len(te))}}

    return [partial(column, params, j == 0) for j, (_, params) in enumerate(snapshots)], table
