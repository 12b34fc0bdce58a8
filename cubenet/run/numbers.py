"""Every number of a run, measured once at learn time: final accuracies and confusion, the per-layer numbers
(``metrics.json``'s ``"layers"`` and ``"layer_epochs"``, from the run's own ``probes`` stream) and the warnings.

``cubenet render`` and ``cubenet report`` only read them (``render --recompute`` calls :func:`measure` again).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from cubenet.nn.network import predict
from cubenet.run.metrics import epoch_probe_tasks, layer_stats
from cubenet.run.processes import in_two
from cubenet.run.seeds import Seeds
from cubenet.run.verdict import training_warnings
from cubenet.threads import single_blas_thread

#: training points (and test points) a final per-layer probe uses at most (a stratified subset)
PROBE_POINTS = 4000
#: points per probe in the layer × epoch table, and how many snapshots it covers
EPOCH_PROBE_POINTS = 1000
HEATMAP_SNAPSHOTS = 8


def final_metrics(model, dataset, history) -> dict:
    """Final accuracies, per-class test accuracy and the test confusion matrix (rows: true, columns: predicted)."""
    pred_test = predict(model, dataset.X_test)
    train_acc = float(np.mean(predict(model, dataset.X_train) == dataset.y_train))
    k = dataset.n_classes
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (dataset.y_test, pred_test), 1)
    per_class = {name: (float(confusion[i, i] / confusion[i].sum()) if confusion[i].sum() else None)
                 for i, name in enumerate(dataset.class_names)}
    return {
        "train_accuracy": train_acc, "test_accuracy": float(np.mean(pred_test == dataset.y_test)),
        "per_class_accuracy": per_class, "confusion_matrix": confusion.tolist(),
        "class_names": list(dataset.class_names), "stop_reason": history.stop_reason,
        "epochs_run": int(history.epochs[-1]),
    }


def pick_snapshots(n: int, max_n: int) -> list[int]:
    """Indices of at most ``max_n`` of ``n`` snapshots, evenly spread, always the first and the last."""
    if n <= max_n:
        return list(range(n))
    return sorted(set(np.round(np.linspace(0, n - 1, max_n)).astype(int).tolist()))


def layer_numbers(model, dataset, history, seeds: Seeds) -> dict:
    """``"layers"`` (per representation: probe and centroid accuracy, dead units, singular values) and
    ``"layer_epochs"`` (probe accuracy per layer and snapshot), as stored in metrics.json.

    Probes use stratified subsets drawn from the ``probes`` stream (at most :data:`PROBE_POINTS` train and
    test points for the final numbers, :data:`EPOCH_PROBE_POINTS` for the table) and one BLAS thread,
    so they are the same on every run and every machine setting.
    """
    final_rng, epochs_rng = seeds.rng("probes").spawn(2)
    snaps = [history.snapshots[i] for i in pick_snapshots(len(history.snapshots), HEATMAP_SNAPSHOTS)]
    columns, table = epoch_probe_tasks(model, snaps, dataset, max_points=EPOCH_PROBE_POINTS, rng=epochs_rng)
    tasks = [partial(layer_stats, model, dataset, max_points=PROBE_POINTS, rng=final_rng)] + columns
    # rough cost: points probed (the final numbers also take centroids and singular values)
    final_points = 2 * min(PROBE_POINTS, len(dataset.y_train))
    costs = [final_points] + [min(EPOCH_PROBE_POINTS, len(dataset.y_train))] * len(columns)
    with single_blas_thread(), np.errstate(all="ignore"):
        results = dict(in_two(tasks, costs))  # the pieces are shared with a forked child on two cores
    stats = results[0]
    by_epoch = table([results[j] for j in range(1, len(tasks))]) if snaps else None
    return {"layers": [s.as_dict() for s in stats], "layer_epochs": by_epoch,
            "probe": {"definition": "cubenet.run.probe", "points": min(PROBE_POINTS, len(dataset.y_train))}}


def measure(model, dataset, history, seeds: Seeds) -> dict:
    """Every number of a run (the content of metrics.json), computed once."""
    metrics = final_metrics(model, dataset, history)
    metrics.update(layer_numbers(model, dataset, history, seeds))
    metrics["warnings"] = training_warnings(model, dataset, history)
    return metrics
