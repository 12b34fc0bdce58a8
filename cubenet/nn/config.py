"""How to train: the settings (:class:`TrainConfig`), their validation, and the schedules.

The schedules are the learning rate of each epoch (:func:`epoch_lr`: constant or cosine-annealed) and the
epochs whose parameters are kept (:func:`snapshot_schedule`). :func:`cubenet.nn.train.train` reads them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from cubenet.errors import CubenetError
from cubenet.nn.network import INIT_SCHEMES

OPTIMIZERS = ("adam", "sgd", "momentum", "lbfgs")
SCHEDULES = ("constant", "cosine")
#: learning rate used when ``TrainConfig.lr`` is None
DEFAULT_LR = {"adam": 0.01, "sgd": 0.1, "momentum": 0.05, "lbfgs": None}
#: epochs when none are given (L-BFGS: iterations); what ``cubenet learn`` uses
DEFAULT_EPOCHS = {"adam": 60, "sgd": 60, "momentum": 60, "lbfgs": 300}
MAX_LR = 10.0
#: the largest weight decay (l2 = 1 already pulls every weight to nearly 0)
MAX_L2 = 10.0


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    optimizer : "adam", "sgd", "momentum" (``nesterov=True`` for Nesterov) or "lbfgs" (full batch)
    epochs : passes over the training set (L-BFGS: iterations)
    batch_size : minibatch size (clipped to the training-set size; ignored by L-BFGS)
    lr : learning rate, or None for the optimizer's default (:data:`DEFAULT_LR`)
    schedule : "cosine" (anneal the learning rate from ``lr`` towards 0 over ``epochs``; reaches sharper
        boundaries than a constant rate) or "constant"
    l2 : weight decay, the loss gets ``l2/2 · Σ‖W‖²``
    motion : step networks only (:mod:`cubenet.nn.steps`): the loss gets ``motion/2 · mean Σ_steps ‖Δ‖²``,
        how far each step moves the points, so the steps stay small moves; None = the step default
    target_accuracy : stop once the training accuracy reaches this (0..1), or None
    patience : stop when the training loss has not improved by ``tol`` for this many epochs, or None
    tol : the loss improvement that counts for ``patience``; for L-BFGS also the gradient tolerance
        (scipy's ``gtol``, as scikit-learn uses its ``tol``)
    snapshot_epochs : epochs whose parameters are kept (epoch 0 and the final epoch always are);
        None picks ``n_snapshots`` spread over training, denser at the start where most changes
    standardize : learn ``input_mean``/``input_scale`` from the training data (ignored when continuing a Model)
    activation : hidden activation name, or one per hidden layer
    init : "he" (He-normal, the default for ReLU) or "glorot" (scikit-learn's uniform initialisation)
    dtype : "float32" (fast) or "float64"
    max_weight : weights larger than this in magnitude count as divergence
    eval_points : per-epoch scores use at most this many training and test points (the final row uses all)
    """

    optimizer: str = "adam"
    epochs: int = 60
    batch_size: int = 64
    lr: float | None = None
    schedule: str = "cosine"
    l2: float = 0.0
    motion: float | None = None
    momentum: float = 0.9
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    target_accuracy: float | None = None
    patience: int | None = None
    tol: float = 1e-4
    snapshot_epochs: tuple | None = None
    n_snapshots: int = 24
    standardize: bool = True
    activation: str | tuple = "relu"
    init: str = "he"
    dtype: str = "float32"
    max_weight: float = 1e6
    eval_points: int = 2000

    @property
    def learning_rate(self) -> float | None:
        """The learning rate actually used."""
        return DEFAULT_LR[self.optimizer] if self.lr is None else self.lr

    def to_dict(self) -> dict:
        """JSON-serialisable settings (tuples become lists)."""
        d = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def check_config(config: TrainConfig) -> TrainConfig:
    """Validate every setting; raise CubenetError naming the parameter and echoing the value."""
    def fail(msg):
        raise CubenetError(msg)

    if not isinstance(config, TrainConfig):
        fail(f"config must be a TrainConfig, e.g. TrainConfig(epochs=60, lr=0.01), got {type(config).__name__}")
    for name in ("lr", "l2", "motion", "momentum", "beta1", "beta2", "epsilon", "tol", "max_weight", "target_accuracy"):
        value = getattr(config, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))):
            fail(f"{name} must be a number, got {value!r}")
    for name in ("nesterov", "standardize"):
        if not isinstance(getattr(config, name), (bool, np.bool_)):
            fail(f"{name} must be True or False, got {getattr(config, name)!r}")
    if config.snapshot_epochs is not None:
        epochs = config.snapshot_epochs
        if isinstance(epochs, (str, bytes)) or not hasattr(epochs, "__iter__") or not all(
                isinstance(e, (int, np.integer)) and not isinstance(e, bool) and e >= 0 for e in epochs):
            fail(f"snapshot_epochs must be a list of epoch numbers (integers >= 0), got {epochs!r}")
    if config.optimizer not in OPTIMIZERS:
        fail(f"unknown optimizer {config.optimizer!r}; choose from {', '.join(OPTIMIZERS)}")
    for name, lo, hi in (("epochs", 1, 1_000_000), ("batch_size", 1, 100_000_000), ("n_snapshots", 2, 10_000),
                         ("eval_points", 1, 100_000_000)):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            fail(f"{name} must be an integer between {lo} and {hi:,}, got {value!r}")
    check_combination(config)
    lr = config.lr
    if lr is not None and not (np.isfinite(lr) and 0 < lr <= MAX_LR):
        fail(f"learning rate must be > 0 and <= {MAX_LR:g}, got {lr}; typical values are 0.001-0.01 for adam, 0.01-0.5 for sgd")
    if config.schedule not in SCHEDULES:
        fail(f"unknown learning-rate schedule {config.schedule!r}; choose from {', '.join(SCHEDULES)}")
    if not (np.isfinite(config.l2) and 0 <= config.l2 <= MAX_L2):
        fail(f"l2 must be a number between 0 and {MAX_L2:g}, got {config.l2}; typical values are 1e-4 to 1e-2")
    if config.motion is not None and not (np.isfinite(config.motion) and 0 <= config.motion <= MAX_L2):
        fail(f"motion must be a number between 0 and {MAX_L2:g} (or None for the step default), got {config.motion}")
    if not 0 <= config.momentum < 1:
        fail(f"momentum must be in [0, 1), got {config.momentum}")
    if not (0 <= config.beta1 < 1 and 0 <= config.beta2 < 1 and config.epsilon > 0):
        fail(f"Adam needs 0 <= beta1, beta2 < 1 and epsilon > 0, got {config.beta1}, {config.beta2}, {config.epsilon}")
    if config.target_accuracy is not None and not 0 < config.target_accuracy <= 1:
        fail(f"target accuracy must be in (0, 1], e.g. 0.97, got {config.target_accuracy}")
    if config.patience is not None and (not isinstance(config.patience, (int, np.integer)) or config.patience < 1):
        fail(f"patience must be a positive number of epochs, got {config.patience!r}")
    if config.init not in INIT_SCHEMES:
        fail(f"unknown initialisation {config.init!r}; choose from {', '.join(INIT_SCHEMES)}")
    if config.dtype not in ("float32", "float64"):
        fail(f"dtype must be 'float32' or 'float64', got {config.dtype!r}")
    if not (np.isfinite(config.tol) and config.tol >= 0):
        fail(f"tol must be a finite number >= 0, got {config.tol}")
    if not config.max_weight > 0:
        fail(f"max_weight must be > 0 (weights larger than it count as divergence), got {config.max_weight}")
    return config


def check_combination(config: TrainConfig) -> None:
    """Settings that mean nothing for the chosen optimizer are refused, not silently dropped."""
    if config.nesterov and config.optimizer != "momentum":
        raise CubenetError(f"nesterov applies only to optimizer 'momentum', not {config.optimizer!r}; "
                           "drop --nesterov, or use --optimizer momentum --nesterov")
    if config.optimizer == "lbfgs" and config.lr is not None:
        raise CubenetError("L-BFGS takes no learning rate (its line search chooses each step); drop --lr, "
                           "or pick --optimizer adam, sgd or momentum")


def epoch_lr(config: TrainConfig, epoch: int) -> float:
    """The learning rate during ``epoch`` (1-based): constant, or cosine-annealed from ``lr`` towards 0."""
    if config.schedule == "cosine":
        return float(config.learning_rate * 0.5 * (1 + math.cos(math.pi * (epoch - 1) / config.epochs)))
    return float(config.learning_rate)


def snapshot_schedule(epochs: int, n: int = 24) -> tuple[int, ...]:
    """About ``n`` epochs from 0 to ``epochs``, geometrically spaced (training changes most at first)."""
    if epochs + 1 <= n:
        return tuple(range(epochs + 1))
    geo = np.unique(np.round(np.geomspace(1, epochs, n - 1)).astype(int))
    return tuple(int(e) for e in np.concatenate([[0], geo]))
