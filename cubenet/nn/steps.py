"""Step networks: a model whose state stays in the data's own space (readable reference code).

Each **step** moves every point a little: ``h ← h + relu(h·W + b)·V + c`` with ``W`` (d, k),
``b`` (k,), ``V`` (k, d), ``c`` (d,), where d is the data's dimension (2 or 3 for the pictures)
and k the step's inner width. After ``n_steps`` steps a linear head ``h·W_head + b_head`` makes
the flat cut; softmax and cross-entropy as for the dense network, with ``l2/2 · Σ‖W‖²`` over every
weight matrix (W, V and the head's, not the biases) and ``motion/2 · mean Σ_steps ‖Δ‖²``, a penalty on
how far the steps move the points (it keeps every step a small move; see ``cubenet.nn.step_train``). Inputs are standardised first when the model
carries ``input_mean``/``input_scale``: ``h0 = (x - input_mean) / input_scale``.

Inside a step the motion is exactly linear in t: ``h + t·Δ`` with ``Δ = relu(h·W + b)·V + c`` goes
from the state before the step (t = 0) to the state after it (t = 1), so a picture or a page can
interpolate two consecutive :func:`step_states` linearly.

A :class:`StepModel` is a :class:`~cubenet.nn.model.Model` whose ``params`` list the pairs
``[(W_1, b_1), (V_1, c_1), …, (W_N, b_N), (V_N, c_N), (W_head, b_head)]``; its ``sizes`` are the
widths of the states ``(d, d, …, d, n_classes)``, so ``check_fits``, ``forward``, ``predict`` and
the per-layer numbers treat each step as one layer. The fast training kernels live in
``cubenet.nn.step_train``; this module is the specification they are tested against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from cubenet.activations import softmax
from cubenet.errors import CubenetError
from cubenet.nn.model import LayerTrace, Model, one_hot, pack, standardize, unpack
from cubenet.validate import check_count

#: the standard deviation of V at initialisation, times 1/sqrt(k): an untrained step barely moves space
V_INIT = 0.01
#: at most this many steps / this inner width (the CLI and the loader refuse more)
MAX_STEPS = 256
MAX_INNER = 4096


@dataclass(frozen=True)
class StepSpec:
    """The shape of a new step network for :func:`cubenet.nn.train.train`: ``n_steps`` steps of inner width ``inner``."""

    n_steps: int = 5
    inner: int = 32

    def __post_init__(self):
        check_count("n_steps", self.n_steps, maximum=MAX_STEPS)
        check_count("inner", self.inner, maximum=MAX_INNER)


@dataclass(frozen=True)
class StepModel(Model):
    """A step network (see the module docstring for the layout of ``params``)."""

    kind: ClassVar[str] = "steps"

    @property
    def n_steps(self) -> int:
        return (len(self.params) - 1) // 2

    @property
    def dim(self) -> int:
        """d: the dimension of the data and of every state."""
        return self.params[-1][0].shape[0]

    @property
    def inner(self) -> int:
        """k: the inner width of each step."""
        return self.params[0][0].shape[1]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Widths of the states ``(d, d, …, d, n_classes)``: the input, one per step, the logits."""
        return (self.dim,) * (self.n_steps + 1) + (self.params[-1][0].shape[1],)

    @property
    def n_layers(self) -> int:
        """Steps + the head (each step is one "layer" of the per-layer numbers)."""
        return self.n_steps + 1

    @property
    def pair_sizes(self) -> tuple[int, ...]:
        """The chain of matrix shapes ``(d, k, d, k, …, d, n_classes)`` (for ``pack``/``unpack``)."""
        return pair_sizes(self.n_steps, self.dim, self.inner, self.params[-1][0].shape[1])

    def steps(self) -> list[tuple]:
        """``[(W, b, V, c), …]``, one tuple per step."""
        p = self.params
        return [(*p[2 * i], *p[2 * i + 1]) for i in range(self.n_steps)]

    @property
    def head(self) -> tuple:
        return self.params[-1]


@dataclass(frozen=True)
class StepTrace(LayerTrace):
    """One step of a forward pass: ``pre`` = h·W + b (n, k), ``inner`` = relu(pre) (n, k) and ``post`` = the new state (n, d)."""

    inner: np.ndarray | None = None


def is_step_model(model) -> bool:
    """True for a step network (a :class:`StepModel`)."""
    return isinstance(model, StepModel)


def pair_sizes(n_steps: int, dim: int, inner: int, n_classes: int) -> tuple[int, ...]:
    return (dim, *([inner, dim] * n_steps), n_classes)


def n_params(n_steps: int, dim: int, inner: int, n_classes: int) -> int:
    """Number of parameters: ``n_steps · (2·d·k + k + d) + (d + 1) · n_classes``."""
    return n_steps * (2 * dim * inner + inner + dim) + (dim + 1) * n_classes


def init_steps(n_steps: int, dim: int, inner: int, n_classes: int, *, rng=None, dtype=np.float32,
               scheme: str = "he") -> list:
    """Seeded initial parameters that start near the identity map.

    W: He-normal (std sqrt(2/d)) or, with ``scheme="glorot"``, uniform in ±sqrt(6/(d + k)); b = 0.
    V: normal with std ``V_INIT / sqrt(k)``, c = 0, so each untrained step moves a standardised point
    by about a hundredth and a deep stack trains instead of dying. Head: Glorot-normal, zero bias.
    """
    rng = np.random.default_rng(rng)
    params = []
    for _ in range(n_steps):
        if scheme == "glorot":
            bound = np.sqrt(6.0 / (dim + inner))
            W = rng.uniform(-bound, bound, (dim, inner))
        else:
            W = rng.standard_normal((dim, inner)) * np.sqrt(2.0 / dim)
        V = rng.standard_normal((inner, dim)) * (V_INIT / np.sqrt(inner))
        params += [(W.astype(dtype), np.zeros(inner, dtype)), (V.astype(dtype), np.zeros(dim, dtype))]
    head = rng.standard_normal((dim, n_classes)) * np.sqrt(2.0 / (dim + n_classes))
    return params + [(head.astype(dtype), np.zeros(n_classes, dtype))]


def check_step_params(params, where: str = "the model") -> None:
    """The pairs must chain as steps (d, k) (k,) (k, d) (d,) and a head (d, n_classes) (n_classes,); else one clear line."""
    def fail(what):
        raise CubenetError(f"{where}: {what}; the file was edited or is damaged, train the model again")

    if len(params) < 3 or len(params) % 2 == 0:
        fail(f"a step network needs two (matrix, bias) pairs per step and one for the head, got {len(params)} pairs")
    if any(np.ndim(M) != 2 or np.ndim(v) != 1 for M, v in params):
        fail("every weight must be a matrix and every bias a vector")
    d, k, n_classes = params[0][0].shape[0], params[0][0].shape[1], params[-1][0].shape[1]
    for j, (M, v) in enumerate(params):
        if j == len(params) - 1:
            name, want = "the head's W, b", (d, n_classes)
        else:
            name, want = (f"step {j // 2 + 1}'s W, b", (d, k)) if j % 2 == 0 else (f"step {j // 2 + 1}'s V, c", (k, d))
        if M.shape != want or v.shape != (want[1],):
            fail(f"{name} have shapes {M.shape}, {v.shape} but dimension {d} and inner width {k} need {want}, ({want[1]},)")


def make_step_model(params, *, input_mean=None, input_scale=None, class_names=(), config=None) -> StepModel:
    """A StepModel from its pairs (checked with :func:`check_step_params`)."""
    params = [(np.asarray(M), np.asarray(v)) for M, v in params]
    check_step_params(params)
    n_steps = (len(params) - 1) // 2
    return StepModel(params, ("relu",) * n_steps, input_mean, input_scale, tuple(class_names), dict(config or {}))


def forward_params(params, h) -> list[LayerTrace]:
    """Forward pass of raw step ``params`` on a standardised input ``h`` (n, d): one StepTrace per step, then the head's LayerTrace."""
    trace = []
    for j in range(0, len(params) - 1, 2):
        (W, b), (V, c) = params[j], params[j + 1]
        z = h @ W + b
        u = np.maximum(z, 0)
        h = h + u @ V + c
        trace.append(StepTrace(pre=z, post=h, inner=u))
    W, b = params[-1]
    logits = h @ W + b
    return trace + [LayerTrace(pre=logits, post=softmax(logits))]


def forward(model: StepModel, X) -> list[LayerTrace]:
    """The full trace of ``X`` (n, d): one :class:`StepTrace` per step, then the head (logits, probabilities)."""
    return forward_params(model.params, standardize(model, X))


def step_states(model: StepModel, X) -> list[np.ndarray]:
    """``[h0, h1, …, hN]``: the standardised input and the state after every step, each (n, d) float64."""
    if not is_step_model(model):
        raise CubenetError(f"step_states needs a step network, got a {type(model).__name__} "
                           "(train one with 'cubenet learn --steps N')")
    h = standardize(model, X).astype(np.float64)
    if model.input_mean is not None:  # recompute in float64 (standardize works in the weights' dtype)
        h = (np.asarray(X, np.float64) - model.input_mean) / model.input_scale
    states = [h]
    for W, b, V, c in model.steps():
        h = h + np.maximum(h @ W.astype(np.float64) + b, 0) @ V.astype(np.float64) + c
        states.append(h)
    return states


def predict_proba(model: StepModel, X) -> np.ndarray:
    """Class probabilities, shape (n, n_classes)."""
    return forward(model, X)[-1].post


def predict(model: StepModel, X) -> np.ndarray:
    """Predicted class labels, shape (n,), int."""
    return predict_proba(model, X).argmax(axis=1)


def loss_and_grad(params, X, Y, l2: float = 0.0, motion: float = 0.0):
    """Mean cross-entropy (+ ``l2/2 · Σ‖W‖²`` over W, V and the head, + ``motion/2 · mean Σ_steps ‖Δ‖²``)
    and its gradient for every pair.

    X : (n, d) already standardised; Y : one-hot (n, n_classes) or integer labels (n,).
    Returns ``(loss, grads)`` with grads shaped like ``params``.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if Y.ndim == 1:
        Y = one_hot(Y, params[-1][0].shape[1], dtype=X.dtype)
    n = len(X)
    trace = forward_params(params, X)
    P = trace[-1].post
    states = [X] + [t.post for t in trace[:-1]]
    moves = [b - a for a, b in zip(states[:-1], states[1:])]
    loss = -np.sum(Y * np.log(np.clip(P, 1e-30, None))) / n + 0.5 * l2 * sum(float(np.sum(M * M)) for M, _ in params)
    loss += 0.5 * motion * sum(float(np.sum(d * d)) for d in moves) / n
    delta = (P - Y) / n
    Wh = params[-1][0]
    grads = [None] * len(params)
    grads[-1] = (states[-1].T @ delta + l2 * Wh, delta.sum(axis=0))
    dh = delta @ Wh.T  # d loss / d h_N
    for i in range(len(trace) - 2, -1, -1):
        (W, _), (V, _) = params[2 * i], params[2 * i + 1]
        dmove = dh + motion * moves[i] / n
        grads[2 * i + 1] = (trace[i].inner.T @ dmove + l2 * V, dmove.sum(axis=0))
        du = (dmove @ V.T) * (trace[i].pre > 0)
        grads[2 * i] = (states[i].T @ du + l2 * W, du.sum(axis=0))
        dh = dh + du @ W.T  # the identity path plus the step's own
    return float(loss), grads


def flat_loss_and_grad(theta, sizes, X, Y, l2: float = 0.0, motion: float = 0.0):
    """:func:`loss_and_grad` on a flat vector laid out as ``pack(params)``, ``sizes`` = :func:`pair_sizes`."""
    loss, grads = loss_and_grad(unpack(np.asarray(theta), sizes), X, Y, l2, motion)
    return loss, pack(grads)
