"""A stand-in for cubenet.nn.steps (issue #10) with the interface PLAN.md fixes, for the explorer's tests.

A step: h <- h + relu(h @ W + b) @ V + c; after the steps a linear head makes the cut. The explorer uses
only ``is_step_model``, ``step_states`` (and ``predict`` when there is one), so this is all it needs.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class StepModel:
    params: list  # [(W, b, V, c), ...] then the head is separate
    head: tuple  # (A (d, n_classes), a (n_classes,))
    input_mean: np.ndarray
    input_scale: np.ndarray
    class_names: tuple = ()
    config: dict = field(default_factory=dict)


def is_step_model(model) -> bool:
    return isinstance(model, StepModel)


def step_states(model, X) -> list:
    h = (np.asarray(X, float) - model.input_mean) / model.input_scale
    states = [h]
    for W, b, V, c in model.params:
        h = h + np.maximum(h @ W + b, 0) @ V + c
        states.append(h)
    return states


def predict(model, X) -> np.ndarray:
    A, a = model.head
    return np.argmax(step_states(model, X)[-1] @ A + a, axis=1)


def make_step_model(ds, n_steps: int = 4, k: int = 8, seed: int = 0) -> StepModel:
    """A step model with random steps and a head fitted by least squares on the last state (no training)."""
    rng = np.random.default_rng(seed)
    d = ds.n_features
    params = [(rng.normal(size=(d, k)) * 0.8, rng.normal(size=k) * 0.3, rng.normal(size=(k, d)) * 0.25,
               rng.normal(size=d) * 0.05) for _ in range(n_steps)]
    model = StepModel(params, (np.zeros((d, ds.n_classes)), np.zeros(ds.n_classes)), ds.X_train.mean(axis=0),
                      ds.X_train.std(axis=0), tuple(ds.class_names))
    H = np.column_stack([step_states(model, ds.X_train)[-1], np.ones(len(ds.y_train))])
    Y = np.eye(ds.n_classes)[ds.y_train]
    coef = np.linalg.lstsq(H, Y, rcond=None)[0]
    return StepModel(params, (coef[:-1], coef[-1]), model.input_mean, model.input_scale, model.class_names)


def install():
    """Stand in for ``cubenet.nn.steps`` with this module's functions; returns a function that undoes it.

    The fake is used even once the real module lands, so these tests keep testing the explorer alone.
    """
    import cubenet.nn

    saved_module, saved_attr = sys.modules.get("cubenet.nn.steps"), getattr(cubenet.nn, "steps", None)
    module = types.ModuleType("cubenet.nn.steps")
    module.is_step_model, module.step_states, module.predict = is_step_model, step_states, predict
    sys.modules["cubenet.nn.steps"] = module
    cubenet.nn.steps = module

    def undo():
        if saved_module is None:
            sys.modules.pop("cubenet.nn.steps", None)
        else:
            sys.modules["cubenet.nn.steps"] = saved_module
        if saved_attr is None:
            if hasattr(cubenet.nn, "steps"):
                delattr(cubenet.nn, "steps")
        else:
            cubenet.nn.steps = saved_attr

    return undo
