"""How to train: the settings (:class:`TrainConfig`), their validation, and the schedules.

The schedules are the learning rate of each epoch (:func:`epoch_lr`: constant or cosine-annealed) and the
epochs whose parameters are kept (:func:`snapshot_schedule`). :func:`cubenet.nn.train.train` reads them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

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


def _is_number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def _number(*, optional: bool) -> Callable:
    return lambda v, c: (optional and v is None) or _is_number(v)


def _is_epoch_list(epochs) -> bool:
    return not isinstance(epochs, (str, bytes)) and hasattr(epochs, "__iter__") and all(
        isinstance(e, (int, np.integer)) and not isinstance(e, bool) and e >= 0 for e in epochs)


def _integer_in(lo: int, hi: int) -> Callable:
    return lambda v, c: not isinstance(v, bool) and isinstance(v, (int, np.integer)) and lo <= v <= hi


def _between(lo: float, hi: float) -> Callable:
    return lambda v, c: bool(np.isfinite(v) and lo <= v <= hi)


@dataclass(frozen=True)
class Rule:
    """One check of :func:`check_config`: setting ``field`` is right when ``ok(value, config)``; if not, the error
    says ``message``, formatted with ``name`` (the field), ``value`` and ``config``."""

    field: str
    ok: Callable
    message: str


#: the settings that are numbers, those of them that may be None, and the ones that are True or False
NUMBERS = ("lr", "l2", "motion", "momentum", "beta1", "beta2", "epsilon", "tol", "max_weight", "target_accuracy")
OPTIONAL = ("lr", "motion", "target_accuracy")
FLAGS = ("nesterov", "standardize")
#: integer settings and their ranges
INTEGERS = {"epochs": (1, 1_000_000), "batch_size": (1, 100_000_000), "n_snapshots": (2, 10_000),
            "eval_points": (1, 100_000_000)}

#: settings that mean nothing for the chosen optimizer are refused, not silently dropped
COMBINATION_RULES = (
    Rule("nesterov", lambda v, c: not v or c.optimizer == "momentum",
         "nesterov applies only to optimizer 'momentum', not {config.optimizer!r}; "
         "drop --nesterov, or use --optimizer momentum --nesterov"),
    Rule("lr", lambda v, c: c.optimizer != "lbfgs" or v is None,
         "L-BFGS takes no learning rate (its line search chooses each step); drop --lr, "
         "or pick --optimizer adam, sgd or momentum"),
)
#: every check of a TrainConfig, in order: types first, then ranges (a rule meets only values of the right type)
RULES = (
    *(Rule(name, _number(optional=name in OPTIONAL), "{name} must be a number, got {value!r}") for name in NUMBERS),
    *(Rule(name, lambda v, c: isinstance(v, (bool, np.bool_)), "{name} must be True or False, got {value!r}")
      for name in FLAGS),
    Rule("snapshot_epochs", lambda v, c: v is None or _is_epoch_list(v),
         "snapshot_epochs must be a list of epoch numbers (integers >= 0), got {value!r}"),
    Rule("optimizer", lambda v, c: v in OPTIMIZERS, f"unknown optimizer {{value!r}}; choose from {', '.join(OPTIMIZERS)}"),
    *(Rule(name, _integer_in(lo, hi), f"{{name}} must be an integer between {lo} and {hi:,}, got {{value!r}}")
      for name, (lo, hi) in INTEGERS.items()),
    *COMBINATION_RULES,
    Rule("lr", lambda v, c: v is None or bool(np.isfinite(v) and 0 < v <= MAX_LR),
         f"learning rate must be > 0 and <= {MAX_LR:g}, got {{value}}; typical values are 0.001-0.01 for adam, "
         "0.01-0.5 for sgd"),
    Rule("schedule", lambda v, c: v in SCHEDULES,
         f"unknown learning-rate schedule {{value!r}}; choose from {', '.join(SCHEDULES)}"),
    Rule("l2", _between(0, MAX_L2), f"l2 must be a number between 0 and {MAX_L2:g}, got {{value}}; typical values "
         "are 1e-4 to 1e-2"),
    Rule("motion", lambda v, c: v is None or _between(0, MAX_L2)(v, c),
         f"motion must be a number between 0 and {MAX_L2:g} (or None for the step default), got {{value}}"),
    Rule("momentum", lambda v, c: 0 <= v < 1, "momentum must be in [0, 1), got {value}"),
    Rule("beta1", lambda v, c: 0 <= v < 1, "beta1 must be in [0, 1) (Adam's decay of its mean gradient, e.g. 0.9), "
         "got {value}"),
    Rule("beta2", lambda v, c: 0 <= v < 1, "beta2 must be in [0, 1) (Adam's decay of its mean squared gradient, "
         "e.g. 0.999), got {value}"),
    Rule("epsilon", lambda v, c: v > 0, "epsilon must be > 0 (Adam's guard against dividing by 0, e.g. 1e-8), "
         "got {value}"),
    Rule("target_accuracy", lambda v, c: v is None or 0 < v <= 1,
         "target accuracy must be in (0, 1], e.g. 0.97, got {value}"),
    Rule("patience", lambda v, c: v is None or (isinstance(v, (int, np.integer)) and v >= 1),
         "patience must be a positive number of epochs, got {value!r}"),
    Rule("init", lambda v, c: v in INIT_SCHEMES, f"unknown initialisation {{value!r}}; choose from {', '.join(INIT_SCHEMES)}"),
    Rule("dtype", lambda v, c: v in ("float32", "float64"), "dtype must be 'float32' or 'float64', got {value!r}"),
    Rule("tol", lambda v, c: bool(np.isfinite(v) and v >= 0), "tol must be a finite number >= 0, got {value}"),
    Rule("max_weight", lambda v, c: v > 0,
         "max_weight must be > 0 (weights larger than it count as divergence), got {value}"),
)


def check_config(config: TrainConfig) -> TrainConfig:
    """Validate every setting (:data:`RULES`, in order); raise CubenetError naming the parameter and echoing the value."""
    if not isinstance(config, TrainConfig):
        raise CubenetError(f"config must be a TrainConfig, e.g. TrainConfig(epochs=60, lr=0.01), "
                           f"got {type(config).__name__}")
    _apply(RULES, config)
    return config


def check_combination(config: TrainConfig) -> None:
    """Settings that mean nothing for the chosen optimizer are refused, not silently dropped."""
    _apply(COMBINATION_RULES, config)


def _apply(rules, config: TrainConfig) -> None:
    for rule in rules:
        value = getattr(config, rule.field)
        if not rule.ok(value, config):
            raise CubenetError(rule.message.format(name=rule.field, value=value, config=config))


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
