"""A run as one library stage: one seed split into named streams, training, and every number measured once.

``cubenet learn`` is a thin caller of :func:`run_experiment`, and so is a notebook::

    from cubenet.run.experiment import run_experiment
    result = run_experiment(dataset, (3, 16, 16, 16, 6), seed=0, run_dir="runs/cube")

The per-layer numbers (``metrics.json``'s ``"layers"`` and ``"layer_epochs"``) are computed here, at
learn time, from the run's own ``probes`` stream; ``cubenet render`` and ``cubenet report`` only read
them. With one seed, ``model.npz``, ``metrics.json`` and ``history.csv`` come out byte for byte the same
(the wall-clock times live in ``run.json``, which records when and how long, not what).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np

from cubenet.errors import CubenetError
from cubenet.run.processes import in_two

#: the independent random streams of a run, each derived from the one seed
STREAMS = ("data", "init", "batches", "evaluation", "probes", "drawing")
#: training points (and test points) a final per-layer probe uses at most (a stratified subset)
PROBE_POINTS = 4000
#: points per probe in the layer × epoch table, and how many snapshots it covers
EPOCH_PROBE_POINTS = 1000
HEATMAP_SNAPSHOTS = 8


@dataclass(frozen=True)
class Seeds:
    """One seed split once into the named, independent streams of :data:`STREAMS`.

    ``data`` is ``numpy.random.default_rng(data_seed)`` — exactly what ``cubenet scramble --seed`` uses,
    so a run's default dataset equals the file that command writes. Every other stream is a child of
    ``SeedSequence(seed)`` (``spawn_key`` = its position in :data:`STREAMS`), independent of the data
    stream and of each other. ``data_seed`` defaults to ``seed``; changing only it changes only the data.
    """

    seed: int = 0
    data_seed: int | None = None

    def __post_init__(self):
        from cubenet.validate import check_int

        check_int("seed", self.seed, minimum=0)
        if self.data_seed is not None:
            check_int("data_seed", self.data_seed, minimum=0)

    def sequence(self, name: str) -> np.random.SeedSequence:
        if name not in STREAMS:
            raise CubenetError(f"unknown random stream {name!r}; the streams are {', '.join(STREAMS)}")
        if name == "data":
            return np.random.SeedSequence(self.seed if self.data_seed is None else self.data_seed)
        return np.random.SeedSequence(self.seed, spawn_key=(STREAMS.index(name),))

    def rng(self, name: str) -> np.random.Generator:
        """A fresh generator for stream ``name`` (the same numbers every time it is asked for)."""
        return np.random.default_rng(self.sequence(name))

    def training(self) -> dict:
        """The trainer's streams, as :func:`cubenet.nn.train.train` takes them."""
        return {name: self.rng(name) for name in ("init", "batches", "evaluation")}

    def record(self) -> dict:
        """The JSON record in ``run.json``: the seed and, per stream, its SeedSequence entropy and spawn key."""
        streams = {}
        for name in STREAMS:
            seq = self.sequence(name)
            streams[name] = {"entropy": int(seq.entropy), "spawn_key": [int(k) for k in seq.spawn_key]}
        return {"seed": self.seed, "data_seed": self.seed if self.data_seed is None else self.data_seed,
                "streams": streams}

    def drawing_seed(self) -> int:
        """An integer seed for the figures' subsampling and draw order."""
        return int(self.rng("drawing").integers(2 ** 31))


@dataclass
class Experiment:
    """What :func:`run_experiment` returns: the trained model, its history, every number, and where it went."""

    dataset: object
    model: object
    history: object
    metrics: dict
    seeds: Seeds
    run_dir: Path | None = None
    warnings: list = field(default_factory=list)


def final_metrics(model, dataset, history) -> dict:
    """Final accuracies, per-class test accuracy and the test confusion matrix (rows: true, columns: predicted)."""
    from cubenet.nn.network import predict

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
    from cubenet.nn.train import single_blas_thread
    from cubenet.run.metrics import epoch_probe_tasks, layer_stats

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
    from cubenet.run.verdict import training_warnings

    metrics["warnings"] = training_warnings(model, dataset, history)
    return metrics


def run_experiment(dataset, start, config=None, *, seed: int = 0, data_seed: int | None = None,
                   run_dir: str | os.PathLike | None = None, command: str | None = None,
                   source: str | os.PathLike | None = None, callback: Callable | None = None) -> Experiment:
    """Train, measure and (with ``run_dir``) save one run.

    Parameters
    ----------
    dataset : cubenet Dataset
    start : layer sizes ``(n_in, …, n_out)`` of a new network, or a Model to continue
    config : TrainConfig (or a dict of its fields); default settings when None
    seed : the run's seed (see :class:`Seeds`); ``data_seed`` is recorded when the data came from it
    run_dir : write a complete run folder there (replacing an earlier cubenet run only)
    command : the exact command that reproduces the run (recorded in run.json)
    source : the data file the user gave (its path and sha256 are recorded)
    callback : ``callback(epoch, history)`` after every epoch; returning True stops training

    A diverged run raises CubenetError and writes nothing.
    """
    from cubenet.nn.train import TrainConfig, check_config, train

    if isinstance(config, dict):
        config = TrainConfig(**config)
    config = check_config(config if config is not None else TrainConfig())
    seeds = Seeds(seed, data_seed)
    model, history = train(start, dataset, config, rng=seeds.training(), callback=callback)
    if history.diverged:
        raise CubenetError(f"training {history.stop_reason}. Nothing was written: a diverged run is not saved")
    metrics = measure(model, dataset, history, seeds)
    result = Experiment(dataset, model, history, metrics, seeds, warnings=list(metrics["warnings"]))
    if run_dir is not None:
        from cubenet.run.folder import save_run

        result.run_dir = save_run(run_dir, dataset, model, history, command=command or "", seed=seeds,
                                  config=model.config, source=source, metrics=metrics)
    return result
