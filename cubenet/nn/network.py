"""The network: a list of ``(W, b)`` layers, its forward trace, its loss and gradient (readable reference code).

A network with sizes ``(n_in, h1, …, n_out)`` computes, for every layer ``i``,
``z_i = h_{i-1} · W_i + b_i`` and ``h_i = activation_i(z_i)``; the last layer's activation is
softmax and the loss is the mean cross-entropy plus ``l2/2 · Σ‖W‖²`` (weights only, not biases).
If the model carries ``input_mean``/``input_scale``, inputs are standardised first:
``h_0 = (x - input_mean) / input_scale``. The fast training kernels live in ``cubenet.nn.train``;
this module is the specification they are tested against.
"""

from __future__ import annotations

import numpy as np

from cubenet.activations import ACTIVATIONS, LEAKY_SLOPE, activation, softmax  # noqa: F401  (re-exported)
from cubenet.errors import CubenetError
from cubenet.nn import steps
from cubenet.nn.model import LayerTrace, Model, one_hot, pack, standardize, unpack  # noqa: F401  (re-exported)

#: weight initialisations (see :func:`init_params`)
INIT_SCHEMES = ("he", "glorot")


def check_sizes(sizes) -> tuple[int, ...]:
    """Validate layer sizes ``(n_in, h1, …, n_out)``: at least two positive integers."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise CubenetError(f"sizes must list the layer widths (n_in, h1, …, n_out), e.g. (3, 16, 6), got {sizes!r}")
    sizes = tuple(sizes)
    if len(sizes) < 2:
        raise CubenetError(f"sizes needs at least an input and an output size, got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s <= 0:
            raise CubenetError(f"layer sizes must be positive integers, got {sizes}")
    if sizes[-1] < 2:
        raise CubenetError(f"the output layer needs at least 2 classes, got sizes {sizes}")
    return tuple(int(s) for s in sizes)


def check_activations(activations, n_hidden: int) -> tuple[str, ...]:
    """One activation name per hidden layer; a single name is repeated for every layer."""
    if isinstance(activations, str):
        activations = (activations,) * n_hidden
    activations = tuple(activations)
    for a in activations:
        if a not in ACTIVATIONS:
            raise CubenetError(f"unknown activation {a!r}; choose from {', '.join(ACTIVATIONS)}")
    if len(activations) != n_hidden:
        raise CubenetError(f"need one activation per hidden layer ({n_hidden}), got {len(activations)}: {activations}")
    return activations


def init_params(sizes, *, rng=None, dtype=np.float32, activations="relu", scheme: str = "he") -> list:
    """Seeded initial weights.

    ``scheme="he"`` (default): He-normal weights for ReLU-like layers, Glorot-normal for tanh/identity
    and the output layer; zero biases. ``scheme="glorot"``: scikit-learn's MLP initialisation, weights
    and biases uniform in ±sqrt(6 / (fan_in + fan_out)) (smaller first layers; use it to compare).

    Parameters
    ----------
    sizes : sequence of int
        ``(n_in, h1, …, n_out)``.
    rng : None, int or numpy Generator
    dtype : numpy dtype, default float32
    activations : str or sequence of str
        The hidden activations (with "he" they pick the scale of each layer's weights).
    scheme : "he" or "glorot"

    Returns
    -------
    list of (W, b)
        ``W`` of shape (sizes[i], sizes[i+1]), ``b`` of shape (sizes[i+1],).
    """
    sizes = check_sizes(sizes)
    acts = check_activations(activations, len(sizes) - 2) + ("softmax",)
    if scheme not in INIT_SCHEMES:
        raise CubenetError(f"unknown initialisation {scheme!r}; choose from {', '.join(INIT_SCHEMES)}")
    rng = np.random.default_rng(rng)
    params = []
    for fan_in, fan_out, act in zip(sizes[:-1], sizes[1:], acts):
        if scheme == "glorot":
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype)
            params.append((W, rng.uniform(-bound, bound, fan_out).astype(dtype)))
            continue
        std = np.sqrt(2.0 / fan_in) if activation(act, output=True).relu_like else np.sqrt(2.0 / (fan_in + fan_out))
        W = (rng.standard_normal((fan_in, fan_out)) * std).astype(dtype)
        params.append((W, np.zeros(fan_out, dtype=dtype)))
    return params


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """Apply a hidden activation elementwise (see :data:`cubenet.activations.TABLE`)."""
    return activation(name).f(z)


def activation_grad(name: str, z: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Derivative of the activation at ``z`` (``h`` = activation(z) is given to avoid recomputing)."""
    return activation(name).df(z, h)


def check_fits(model: Model, dataset, *, what: str = "the model",
               advice: str = "use the model trained on this dataset") -> None:
    """``model`` must take the dataset's features and give its classes; else one error ending in ``advice``."""
    if model.sizes[0] != dataset.n_features:
        raise CubenetError(f"{what} expects inputs with {model.sizes[0]} features but the dataset has "
                           f"{dataset.n_features}; {advice}")
    if model.sizes[-1] != dataset.n_classes:
        raise CubenetError(f"{what} has {model.sizes[-1]} outputs but the dataset has {dataset.n_classes} classes; "
                           f"{advice}")


def forward_params(params, h, activations) -> list[LayerTrace]:
    """Forward pass of raw ``params`` on an already standardised input ``h`` of shape (n, n_in)."""
    trace = []
    for i, (W, b) in enumerate(params):
        z = h @ W + b
        h = activate(activations[i], z) if i < len(params) - 1 else softmax(z)
        trace.append(LayerTrace(pre=z, post=h))
    return trace


def forward(model: Model, X) -> list[LayerTrace]:
    """The full trace of ``X`` (n, n_in) through the network: one LayerTrace per layer, input not included.

    The last entry's ``post`` holds the softmax class probabilities, shape (n, n_classes). A step
    network (:mod:`cubenet.nn.steps`) gives one StepTrace per step, then its head.
    """
    if getattr(model, "kind", "dense") == "steps":
        return steps.forward(model, X)
    return forward_params(model.params, standardize(model, X), model.activations)


def predict_proba(model: Model, X) -> np.ndarray:
    """Class probabilities, shape (n, n_classes)."""
    return forward(model, X)[-1].post


def predict(model: Model, X) -> np.ndarray:
    """Predicted class labels, shape (n,), int."""
    return predict_proba(model, X).argmax(axis=1)


def loss_and_grad(params, X, Y, activations, l2: float = 0.0):
    """Mean cross-entropy (+ ``l2/2 · Σ‖W‖²``) and its gradient with respect to every W and b.

    Parameters
    ----------
    params : list of (W, b)
    X : ndarray of shape (n, n_in), already standardised
    Y : ndarray of shape (n, n_classes) one-hot, or (n,) integer labels
    activations : sequence of str, one per hidden layer
    l2 : float

    Returns
    -------
    loss : float
    grads : list of (dW, db), shaped like ``params``
    """
    X = np.asarray(X)
    Y = np.asarray(Y)
    if Y.ndim == 1:
        Y = one_hot(Y, params[-1][0].shape[1], dtype=X.dtype)
    n = len(X)
    trace = forward_params(params, X, activations)
    P = trace[-1].post
    loss = -np.sum(Y * np.log(np.clip(P, 1e-30, None))) / n
    loss += 0.5 * l2 * sum(float(np.sum(W * W)) for W, _ in params)
    grads = [None] * len(params)
    delta = (P - Y) / n  # d loss / d z of the output layer
    for i in range(len(params) - 1, -1, -1):
        W = params[i][0]
        h_in = trace[i - 1].post if i > 0 else X
        grads[i] = (h_in.T @ delta + l2 * W, delta.sum(axis=0))
        if i > 0:
            delta = (delta @ W.T) * activation_grad(activations[i - 1], trace[i - 1].pre, trace[i - 1].post)
    return float(loss), grads


def n_params(sizes) -> int:
    """Number of parameters (weights and biases) of a network with these sizes."""
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def flat_loss_and_grad(theta, sizes, X, Y, activations, l2: float = 0.0):
    """:func:`loss_and_grad` on a flat parameter vector: ``(loss, flat gradient)`` (for L-BFGS and tests)."""
    loss, grads = loss_and_grad(unpack(np.asarray(theta), sizes), X, Y, activations, l2)
    return loss, pack(grads)
