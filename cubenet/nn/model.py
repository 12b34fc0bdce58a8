"""The model record shared by every kind of network: :class:`Model` (a list of ``(W, b)``), a layer's
:class:`LayerTrace`, the input standardisation, and the flat parameter vector (:func:`pack`, :func:`unpack`).

The dense network (:mod:`cubenet.nn.network`) and the step network (:mod:`cubenet.nn.steps`) both build on
this module, which knows neither of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cubenet.data.dataset import Dataset
from cubenet.errors import CubenetError


@dataclass(frozen=True)
class Model:
    """A trained (or freshly initialised) classifier.

    params : list of (W, b), W of shape (fan_in, fan_out), b of shape (fan_out,)
    activations : tuple of str, one per hidden layer (``len(params) - 1`` entries)
    input_mean, input_scale : ndarray of shape (n_in,) or None; ``h0 = (x - mean) / scale``
    class_names : tuple of str, one per output unit
    config : dict, JSON-serialisable (sizes, activations, training settings)
    """

    params: list
    activations: tuple = ()
    input_mean: np.ndarray | None = None
    input_scale: np.ndarray | None = None
    class_names: tuple = ()
    config: dict = field(default_factory=dict)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths ``(n_in, h1, …, n_out)``."""
        return (self.params[0][0].shape[0], *(W.shape[1] for W, _ in self.params))

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.params)


@dataclass(frozen=True)
class LayerTrace:
    """One layer of a forward pass: ``pre`` = h·W + b and ``post`` = activation(pre), both (n, fan_out)."""

    pre: np.ndarray
    post: np.ndarray


def standardize(model: Model, X) -> np.ndarray:
    """The network's actual input ``h0``: ``(X - input_mean) / input_scale`` when the model has them."""
    if isinstance(X, Dataset):
        raise CubenetError("pass the points, not the whole dataset: e.g. predict(model, ds.X_test)")
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != model.sizes[0]:
        raise CubenetError(f"the model expects inputs with {model.sizes[0]} features, got data of shape {X.shape}")
    if X.dtype.kind not in "fiub":
        raise CubenetError(f"inputs must be numbers, got an array of dtype {X.dtype}")
    if not np.isfinite(X).all():
        row = int(np.argwhere(~np.isfinite(X))[0][0])
        raise CubenetError(f"inputs must be finite: row {row} holds NaN or inf")
    dtype = model.params[0][0].dtype
    if model.input_mean is None:
        return X.astype(dtype, copy=False)
    return ((X - model.input_mean) / model.input_scale).astype(dtype, copy=False)


def one_hot(y, n_classes: int, dtype=np.float32) -> np.ndarray:
    """Labels (n,) -> one-hot matrix (n, n_classes)."""
    Y = np.zeros((len(y), n_classes), dtype=dtype)
    Y[np.arange(len(y)), np.asarray(y)] = 1
    return Y


def pack(params, dtype=None) -> np.ndarray:
    """All parameters as one flat vector, layer by layer, each layer as W (row-major) then b."""
    return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in params]).astype(
        dtype or params[0][0].dtype, copy=False)


def unpack(theta: np.ndarray, sizes) -> list:
    """Inverse of :func:`pack`: views of ``theta`` shaped as ``[(W0, b0), (W1, b1), …]``."""
    params, offset = [], 0
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = theta[offset: offset + fan_in * fan_out].reshape(fan_in, fan_out)
        offset += fan_in * fan_out
        params.append((W, theta[offset: offset + fan_out]))
        offset += fan_out
    if offset != theta.size:
        raise CubenetError(f"a parameter vector of length {theta.size} does not fit sizes {tuple(sizes)}")
    return params
