"""A run as one library stage: one seed split into named streams, training, and every number measured once.

``cubenet learn`` is a thin caller of :func:`run_experiment`, and so is a notebook::

    from cubenet.run.experiment import run_experiment
    result = run_experiment(dataset, (3, 16, 16, 16, 6), seed=0, run_dir="runs/cube")

The per-layer numbers (``metrics.json``'s ``"layers"`` and ``"layer_epochs"``) are computed here, at
learn time, from the run's own ``probes`` stream; ``cubenet render`` and ``cubenet report`` only read
them (:mod:`cubenet.run.numbers`; the seed's streams are :mod:`cubenet.run.seeds`, and both modules' names
are importable from here too). With one seed, ``model.npz``, ``metrics.json`` and ``history.csv`` come out byte for byte the same
(the wall-clock times live in ``run.json``, which records when and how long, not what).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cubenet.errors import CubenetError
from cubenet.nn.train import TrainConfig, check_config, train
from cubenet.run.folder import save_run
from cubenet.run.numbers import (  # noqa: F401  (re-exported)
    EPOCH_PROBE_POINTS,
    HEATMAP_SNAPSHOTS,
    PROBE_POINTS,
    final_metrics,
    layer_numbers,
    measure,
    pick_snapshots,
)
from cubenet.run.seeds import STREAMS, Seeds  # noqa: F401  (re-exported)


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
        result.run_dir = save_run(run_dir, dataset, model, history, command=command or "", seed=seeds,
                                  config=model.config, source=source, metrics=metrics)
    return result
