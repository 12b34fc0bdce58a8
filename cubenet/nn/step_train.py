"""Fast training kernels for step networks, plugged into :func:`cubenet.nn.train.train`.

:class:`StepKernels` has the interface of :class:`cubenet.nn.kernels.Kernels` (flat ``theta``/``grad``,
``forward_ops``/``backward_ops`` replayed every epoch, ``evaluate``, ``buffers``), so every optimiser
of ``train`` (Adam, SGD, momentum, L-BFGS), the schedules, the recorder and the snapshots work
unchanged. The flat vector holds the pairs of :class:`~cubenet.nn.steps.StepModel` in order, each
as its augmented matrix ``[M; v]`` — the same layout as a dense network of sizes
``(d, k, d, k, …, d, n_classes)`` — so ``Kernels`` provides the parameter views and the weight mask.
Samples are columns; every state and every step's inner activation carries a row of ones, so one
product gives ``h·W + b`` and one product gives ``dW`` and ``db`` together. Calls are made with
:func:`cubenet.nn.ops.op` (positional outputs, contiguous products sent to ``np.dot``), as the dense kernels' are.

The loss adds ``motion/2 · mean Σ_steps ‖Δ‖²`` (``TrainConfig.motion``, :data:`DEFAULT_MOTION` when
unset), a penalty on how far each step moves the points, as for regularised neural ODEs (Finlay et
al. 2020, "How to train your neural ODE"). Without it the steps blow the cloud up about 25-fold
(3-twist cube, 6 steps) and no fixed camera can show the first and the last step; with 0.1 the
states stay within about 1.3 times the input's extent and the test accuracy is as high or higher.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np

from cubenet.errors import CubenetError
from cubenet.nn.kernels import LOGIT_CLIP, Kernels, columns
from cubenet.nn.network import check_fits
from cubenet.nn.ops import op
from cubenet.nn.steps import StepModel, StepSpec, init_steps, is_step_model, make_step_model, pair_sizes

#: the motion penalty used when ``TrainConfig.motion`` is None
DEFAULT_MOTION = 0.1
#: Adam's learning rate for a step network when ``TrainConfig.lr`` is None (measured best with 5 steps × 32)
DEFAULT_LR = 0.015
#: the epochs ``cubenet learn --steps`` trains by default (minibatch optimisers)
DEFAULT_EPOCHS = 50


def wants_steps(model_or_spec) -> bool:
    """True when ``train`` was given a step network to continue or the shape of a new one."""
    return isinstance(model_or_spec, StepSpec) or is_step_model(model_or_spec)


class StepKernels(Kernels):
    """Preallocated buffers and the fused forward/backward pass of one step network (mutable and internal to training, like Kernels)."""

    def __init__(self, n_steps: int, dim: int, inner: int, n_classes: int, dtype, motion: float = 0.0):
        super().__init__(pair_sizes(n_steps, dim, inner, n_classes), ("relu", "identity") * n_steps, dtype)
        self.n_steps, self.dim, self.inner, self.motion = n_steps, dim, inner, float(motion)

    def buffers(self, m: int):
        """Work buffers for batches of ``m`` samples, as a 7-tuple laid out like ``Kernels.buffers``.

        H: the states after each step with a ones row, (d + 1, m) each; U: each step's inner activation
        with a ones row (k + 1, m); Z: ``[logits (n_out, m)]``; D: backward scratch (dh, du, tmp);
        M: ReLU masks (k, m); S: softmax sums (1, m); C: zeros (k, m), then -clip and +clip (n_out, m).
        D holds (dh, du, tmp, g, moves): g the gradient reaching a step's move, moves each step's Δ (d, m).
        """
        buf = self._buffers.get(m)
        if buf is None:
            dt, d, k, n_out = self.dtype, self.dim, self.inner, self.sizes[-1]
            H = [np.ones((d + 1, m), dtype=dt) for _ in range(self.n_steps)]
            U = [np.ones((k + 1, m), dtype=dt) for _ in range(self.n_steps)]
            D = (np.empty((d, m), dtype=dt), np.empty((k, m), dtype=dt), np.empty((d, m), dtype=dt),
                 np.empty((d, m), dtype=dt), [np.empty((d, m), dtype=dt) for _ in range(self.n_steps)])
            M = [np.empty((k, m), dtype=bool) for _ in range(self.n_steps)]
            C = [np.zeros((k, m), dtype=dt), np.full((n_out, m), -LOGIT_CLIP, dtype=dt),
                 np.full((n_out, m), LOGIT_CLIP, dtype=dt)]
            buf = (H, U, [np.empty((n_out, m), dtype=dt)], D, M, np.empty((1, m), dtype=dt), C)
            self._buffers[m] = buf
        return buf

    def forward_ops(self, Xt, m: int, *, exact: bool = True) -> list:
        """The calls of a forward pass of ``Xt`` (d + 1, m); afterwards ``buffers(m)[2][-1]`` holds the logits
        (shifted by each sample's maximum with ``exact``, else clipped to ±LOGIT_CLIP, as in ``Kernels``)."""
        H, U, Z, D, M, S, C = self.buffers(m)
        ops, h, moves = [], Xt, D[4]
        for i in range(self.n_steps):
            u, new = U[i][:-1], H[i][:-1]
            ops += [op(np.matmul, self.W[2 * i].T, h, out=u), op(np.maximum, u, C[0], out=u),
                    op(np.greater, u, C[0], out=M[i]), op(np.matmul, self.W[2 * i + 1].T, U[i], out=moves[i]),
                    op(np.add, moves[i], h[:-1], out=new)]
            h = H[i]
        z = Z[-1]
        # always exact: a step network's logits do pass ±LOGIT_CLIP, and a clipped logit's gradient points the wrong way
        return ops + [op(np.matmul, self.W[-1].T, h, out=z),
                      partial(np.maximum.reduce, z, axis=0, keepdims=True, out=S), op(np.subtract, z, S, out=z),
                      op(np.maximum, z, -80.0, out=z)]

    def backward_ops(self, Xt, Yt, m: int, scale: float = 1.0) -> list:
        """After the forward ops, put the gradient of ``scale · Σ cross-entropy`` into ``grad`` (``Yt`` pre-scaled)."""
        H, U, Z, (dh, du, tmp, g, moves), M, S, _ = self.buffers(m)
        delta, n, pull = Z[-1], self.n_steps, self.motion * scale
        ones = np.full((1, self.sizes[-1]), 1.0 / scale, dtype=self.dtype)
        ops = [op(np.exp, delta, out=delta), op(np.matmul, ones, delta, out=S),
               op(np.divide, delta, S, out=delta), op(np.subtract, delta, Yt, out=delta),
               op(np.matmul, H[-1] if n else Xt, delta.T, out=self.G[-1]),
               op(np.matmul, self.W[-1][:-1], delta, out=dh)]
        for i in range(n - 1, -1, -1):
            h_in, move = (H[i - 1] if i > 0 else Xt), (g if pull else dh)
            if pull:  # the move Δ gets the state's gradient plus the penalty's, motion · Δ
                ops += [op(np.multiply, moves[i], pull, out=g), op(np.add, g, dh, out=g)]
            ops += [op(np.matmul, U[i], move.T, out=self.G[2 * i + 1]),  # dV and dc
                    op(np.matmul, self.W[2 * i + 1][:-1], move, out=du), op(np.multiply, du, M[i], out=du),
                    op(np.matmul, h_in, du.T, out=self.G[2 * i])]  # dW and db
            if i > 0:
                ops += [op(np.matmul, self.W[2 * i][:-1], du, out=tmp), op(np.add, dh, tmp, out=dh)]
        return ops


    def penalty(self, m: int) -> float:
        """``motion/2 · Σ ‖Δ‖²`` over the steps and the ``m`` samples of the last forward pass."""
        if not self.motion:
            return 0.0
        return 0.5 * self.motion * sum(float(np.dot(d.ravel(), d.ravel())) for d in self.buffers(m)[3][4])


def step_defaults(config):
    """``config`` with a step network's defaults filled in: the motion penalty and, for Adam, the learning rate."""
    lr = DEFAULT_LR if config.lr is None and config.optimizer == "adam" else config.lr
    return dataclasses.replace(config, motion=motion_of(config), lr=lr)


def motion_of(config) -> float:
    """The motion penalty of ``config``: its ``motion``, or :data:`DEFAULT_MOTION` when unset."""
    return DEFAULT_MOTION if config.motion is None else float(config.motion)


def prepare(model_or_spec, dataset, config, rng):
    """The starting StepModel (new from a StepSpec, or continued) and the standardised data as columns."""
    dtype = np.dtype(config.dtype)
    if config.activation not in ("relu", ("relu",)):
        raise CubenetError(f"a step network uses ReLU inside every step; drop activation={config.activation!r}")
    Xtr, Xte = np.asarray(dataset.X_train, dtype=np.float64), np.asarray(dataset.X_test, dtype=np.float64)
    if is_step_model(model_or_spec):
        model = model_or_spec
        check_fits(model, dataset, advice="train a new step network for this dataset")
        model = dataclasses.replace(model, params=[(M.astype(dtype), v.astype(dtype)) for M, v in model.params])
    else:
        spec = model_or_spec
        mean = scale = None
        if config.standardize:
            mean, scale = Xtr.mean(axis=0), Xtr.std(axis=0)
            scale[scale < 1e-12] = 1.0
        params = init_steps(spec.n_steps, dataset.n_features, spec.inner, dataset.n_classes, rng=rng, dtype=dtype,
                            scheme=config.init)
        model = make_step_model(params, input_mean=mean, input_scale=scale, class_names=dataset.class_names)
    if model.input_mean is not None:
        Xtr, Xte = (Xtr - model.input_mean) / model.input_scale, (Xte - model.input_mean) / model.input_scale
    return model, columns(Xtr, dtype), columns(Xte, dtype)


def kernels(model: StepModel, config) -> StepKernels:
    """Kernels holding ``model``'s parameters, for training with ``config`` (its dtype and motion penalty)."""
    k = StepKernels(model.n_steps, model.dim, model.inner, model.sizes[-1], config.dtype, motion_of(config))
    k.set_params(model.params)
    return k
