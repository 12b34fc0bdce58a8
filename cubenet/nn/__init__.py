"""Networks that learn: ReLU MLPs as lists of (W, b), step networks in the data's own space (``StepSpec``,
``StepModel``, ``step_states``), their forward trace, training, and model files.

Train with ``from cubenet.nn.train import train`` (the function is not re-exported here, so that
``cubenet.nn.train`` keeps naming the module).
"""

from cubenet.nn.config import OPTIMIZERS, TrainConfig
from cubenet.nn.history import History
from cubenet.nn.model_io import load_model, save_model
from cubenet.nn.network import (
    ACTIVATIONS,
    LayerTrace,
    Model,
    forward,
    init_params,
    loss_and_grad,
    predict,
    predict_proba,
    standardize,
)
from cubenet.nn.steps import StepModel, StepSpec, is_step_model, step_states

__all__ = [
    "ACTIVATIONS", "LayerTrace", "Model", "forward", "init_params", "loss_and_grad", "predict", "predict_proba",
    "standardize", "OPTIMIZERS", "History", "TrainConfig", "load_model", "save_model",
    "StepModel", "StepSpec", "is_step_model", "step_states",
]
