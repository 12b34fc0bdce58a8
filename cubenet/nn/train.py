"""Training: minibatch SGD / momentum / Adam and full-batch L-BFGS, with history, snapshots and early stops.

``train(sizes_or_model, dataset, config, rng=…)`` returns a new :class:`~cubenet.nn.network.Model` and a
:class:`History`. It is deterministic for a given ``rng`` seed.

Speed: at the sizes cubenet uses, numpy's per-call overhead dominates, so the inner loop works on
preallocated buffers and makes as few calls as possible. All parameters live in one flat vector
(layer ``i`` is ``W_i`` then ``b_i``, which is exactly the row-major matrix ``[W_i; b_i]`` of shape
(fan_in + 1, fan_out)); every layer's input carries an extra row of ones, so one matrix product
computes ``h·W + b`` and one product gives ``dW`` and ``db`` together. The calls of each minibatch's
forward and backward pass are built once as a list of ``functools.partial`` objects and replayed
every epoch (full-size batches share all calls but the three that read the batch); outputs are
passed by position, products with contiguous operands go straight to ``np.dot``'s implementation,
ReLU masks are 0/1 integers applied by an integer multiply, and numpy scalars never meet float32
arrays (a float64 scalar makes numpy compute in float64). The optimiser updates the whole flat
vector in about ten calls, Adam's two moments in one small matrix product. The data is shuffled
once per epoch into a buffer, so minibatches are fixed slices of it. Values that would become
subnormal floats (slow on x86) are kept out: logits are clipped, tiny Adam moments flushed. BLAS
runs on one thread during training (:func:`single_blas_thread`) and the cyclic garbage collector
is paused. ``benchmarks/step_speed.py`` and ``benchmarks/train_speed.py`` measure all this. The
readable reference is :func:`cubenet.nn.network.loss_and_grad` (and a plain Adam in the tests);
the tests check that they agree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import math
import time
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from cubenet.errors import CubenetError
from cubenet.nn.network import (
    INIT_SCHEMES, LEAKY_SLOPE, Model, check_activations, check_fits, check_sizes, init_params, pack, unpack,
)

OPTIMIZERS = ("adam", "sgd", "momentum", "lbfgs")
SCHEDULES = ("constant", "cosine")
#: learning rate used when ``TrainConfig.lr`` is None
DEFAULT_LR = {"adam": 0.01, "sgd": 0.1, "momentum": 0.05, "lbfgs": None}
#: epochs when none are given (L-BFGS: iterations); what ``cubenet learn`` uses
DEFAULT_EPOCHS = {"adam": 60, "sgd": 60, "momentum": 60, "lbfgs": 300}
MAX_LR = 10.0
#: the largest weight decay (l2 = 1 already pulls every weight to nearly 0)
MAX_L2 = 10.0
#: rows per chunk for full-batch passes (evaluation, L-BFGS): keeps buffers small and cache-friendly
CHUNK = 2048
#: minibatch logits are clipped to ±this instead of shifted by their maximum (exp stays a normal float32)
LOGIT_CLIP = 30.0
#: Adam moments below this are set to zero now and then, so they never decay into slow subnormal floats
FLUSH_BELOW = 1e-25
FLUSH_EVERY = 64


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


@dataclass(frozen=True)
class History:
    """What happened during training, one entry per epoch starting with epoch 0 (before training).

    epochs : int array; loss, train_accuracy, test_accuracy : float arrays (accuracies in 0..1);
    seconds : wall time since training started; snapshots : ((epoch, [(W, b), …]), …) in epoch order;
    stop_reason : one sentence (starts with "diverged" when training blew up)
    """

    epochs: np.ndarray
    loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    seconds: np.ndarray
    snapshots: tuple = ()
    stop_reason: str = ""

    @property
    def diverged(self) -> bool:
        return self.stop_reason.startswith("diverged")


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


@contextlib.contextmanager
def blas_threads(n: int):
    """Run the block with ``n`` OpenBLAS threads (restored afterwards); a no-op where that is not possible.

    Uses OpenBLAS's own ``*_set_num_threads`` through ctypes, which is what threadpoolctl does, without
    the dependency.
    """
    libs = _openblas_controls()
    before = [get() for get, _ in libs]
    for _, set_threads in libs:
        set_threads(max(1, int(n)))
    try:
        yield
    finally:
        for (_, set_threads), k in zip(libs, before):
            set_threads(k)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the block; yield whether it was on (and restore that).

    Training makes no reference cycles, yet building its call lists allocates enough objects to set off
    a full collection, which walks every object of the process: 50-120 ms with scikit-learn imported,
    several percent of a 2-second run. Reference counting still frees everything as usual.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield was_on
    finally:
        if was_on:
            gc.enable()


def single_blas_thread():
    """One OpenBLAS thread: the products of training are small, and a second BLAS thread only adds
    synchronisation (measured 2-7x slower on a busy 2-core machine)."""
    return blas_threads(1)


def all_blas_threads():
    """As many OpenBLAS threads as OPENBLAS_NUM_THREADS allows (default: one per core), e.g. for the big
    products of a linear probe on 15,000 × 128 activations (measured 1.9x faster with 2 threads)."""
    import os

    try:
        n = int(os.environ.get("OPENBLAS_NUM_THREADS") or os.cpu_count() or 1)
    except ValueError:  # e.g. "4,2": leave the count to OpenBLAS's own reading of it
        n = os.cpu_count() or 1
    return blas_threads(n)


_BLAS: dict = {}  # library path -> (get, set) or None


def _openblas_controls():
    """(get, set) thread-count functions of every OpenBLAS loaded in this process (Linux; else empty).

    The process's memory map is read again whenever modules were imported since the last look (scipy loads
    its own OpenBLAS only when first used; see :func:`_loaded_openblas`).
    """
    try:
        import ctypes

        paths = _loaded_openblas()
    except OSError:
        return []
    for path in paths:
        if path in _BLAS:
            continue
        _BLAS[path] = None
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", "")):
            get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            if get is not None and put is not None:
                get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
                _BLAS[path] = (get, put)
                break
    return [_BLAS[p] for p in paths if _BLAS[p] is not None]


_MAPS: list = [None, []]  # [len(sys.modules) when /proc/self/maps was last read, the OpenBLAS paths it named]


def _loaded_openblas() -> list:
    """Paths of the OpenBLAS libraries mapped into this process, from ``/proc/self/maps``.

    Reading that file takes about a millisecond (the kernel writes it out), as much as a whole small
    training run's set-up, so it is read again only when modules were imported since (a new
    OpenBLAS arrives with an extension module, e.g. scipy's when ``scipy.linalg`` is first imported).
    """
    import sys

    if _MAPS[0] != len(sys.modules):
        with open("/proc/self/maps") as maps:
            _MAPS[1] = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line})
        _MAPS[0] = len(sys.modules)
    return _MAPS[1]


def snapshot_schedule(epochs: int, n: int = 24) -> tuple[int, ...]:
    """About ``n`` epochs from 0 to ``epochs``, geometrically spaced (training changes most at first)."""
    if epochs + 1 <= n:
        return tuple(range(epochs + 1))
    geo = np.unique(np.round(np.geomspace(1, epochs, n - 1)).astype(int))
    return tuple(int(e) for e in np.concatenate([[0], geo]))


class _Kernels:
    """Preallocated buffers and the fused forward/backward pass of one network.

    Private and mutable by design (the only mutable object in cubenet's numerics): ``train`` creates
    it, uses it and drops it. ``theta`` and ``grad`` are flat vectors; ``W[i]``/``G[i]`` are their
    augmented (fan_in + 1, fan_out) views ``[W_i; b_i]``. Samples are *columns* here: a batch of ``m``
    inputs is ``X1t`` of shape (n_in + 1, m) whose last row is ones, and every hidden layer writes into
    a (fan_out + 1, m) buffer whose last row is ones, so its activation part is one contiguous block
    (numpy's elementwise calls on contiguous blocks are markedly cheaper than on strided views).
    """

    def __init__(self, sizes, activations, dtype):
        self.sizes, self.acts, self.dtype = sizes, activations, np.dtype(dtype)
        self.n_layers = len(sizes) - 1
        size = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
        self.theta = np.zeros(size, dtype=dtype)
        # rows 2 and 3: the gradient, and room for its square; rows 0-1 and 4-5: Adam's moments, written
        # in turns (see _optimizer_step)
        self.work = np.zeros((6, size), dtype=dtype)
        self.grad2 = self.work[2:4]
        self.grad = self.grad2[0]
        self.W, self.G, offset = [], [], 0
        for a, b in zip(sizes[:-1], sizes[1:]):
            self.W.append(self.theta[offset: offset + (a + 1) * b].reshape(a + 1, b))
            self.G.append(self.grad[offset: offset + (a + 1) * b].reshape(a + 1, b))
            offset += (a + 1) * b
        self.wmask = np.ones(size, dtype=dtype)  # 1 on weights, 0 on biases (for L2)
        for _, b in unpack(self.wmask, sizes):
            b[:] = 0
        self.bits = np.dtype(f"uint{8 * self.dtype.itemsize}")  # unsigned integers as wide as the floats
        self._ones = np.ones((1, sizes[-1]), dtype=dtype)
        self._buffers, self._scoring, self._rows = {}, {}, {}

    def buffers(self, m: int):
        """Work buffers for batches of ``m`` samples (made once per distinct ``m``).

        H: hidden outputs with a ones row (fan_out + 1, m); Ha: their activation block (fan_out, m);
        Z: scratch per layer, the last one the output logits (n_out, m); D: backward deltas (fan_in, m);
        M: masks of the hidden layers (ReLU: 0/1 as unsigned integers of the float's width, see
        :meth:`forward_ops`; leaky ReLU: bool); S: per-sample softmax sums (1, m); C: constant arrays
        (zeros per hidden layer, integer ones per hidden layer, then -clip and +clip for the logits),
        because numpy's maximum/minimum against an array of the same shape run several times faster
        than against a scalar.
        """
        buf = self._buffers.get(m)
        if buf is None:
            dt, hidden = self.dtype, self.sizes[1:-1]
            H = [np.ones((s + 1, m), dtype=dt) for s in hidden]
            consts = [np.zeros((s, m), dtype=dt) for s in hidden] + [np.ones((s, m), dtype=self.bits) for s in hidden]
            n_out = self.sizes[-1]
            consts += [np.full((n_out, m), -LOGIT_CLIP, dtype=dt), np.full((n_out, m), LOGIT_CLIP, dtype=dt)]
            masks = [np.empty((s, m), dtype=self.bits if act == "relu" else bool) for s, act in zip(hidden, self.acts)]
            buf = (H, [h[:-1] for h in H], [np.empty((s, m), dtype=dt) for s in self.sizes[1:]],
                   [np.empty((s, m), dtype=dt) for s in hidden], masks, np.empty((1, m), dtype=dt), consts)
            self._buffers[m] = buf
        return buf

    def _transposed(self, i: int, m: int):
        """A (m, fan_out) buffer for layer ``i``'s deltas as rows (see :meth:`backward_ops`)."""
        key = (i, m)
        if key not in self._rows:
            self._rows[key] = np.empty((m, self.sizes[i + 1]), dtype=self.dtype)
        return self._rows[key]

    def set_params(self, params) -> None:
        self.theta[:] = pack(params, self.dtype)

    def params(self) -> list:
        """A copy of the current parameters as ``[(W, b), …]``."""
        return unpack(self.theta.copy(), self.sizes)

    def forward_ops(self, Xt, m: int, *, exact: bool = True, masks: bool = True) -> list:
        """The numpy calls of a forward pass of ``Xt`` (n_in + 1, m) as zero-argument callables.

        Built once per batch and run many times: this removes most of the Python work around each call.
        After running them, ``Z[-1]`` of :meth:`buffers` holds the output logits (n_out, m): with
        ``exact``, shifted by each sample's maximum (softmax and loss exact); otherwise clipped to
        ±:data:`LOGIT_CLIP` (cheaper; differs only for absurd logits, and keeps exp() away from
        subnormal floats, which are very slow on x86). ``masks=False`` leaves out what only the backward
        pass needs (the activation masks), for scoring.
        """
        H, Ha, Z, _, M, S, C = self.buffers(m)
        ops, h = [], Xt
        for i in range(self.n_layers - 1):
            a = Ha[i]
            ops.append(_op(np.matmul, self.W[i].T, h, out=a))
            act = self.acts[i]
            if act == "relu":  # the mask is min(bits of relu(a), 1): 1 where a > 0, else 0 (relu gives +0.0)
                ops.append(_op(np.maximum, a, C[i], out=a))
                if masks:
                    ops.append(_op(np.fmin, a.view(self.bits), C[len(H) + i], out=M[i]))  # = minimum on integers
            elif act == "tanh":
                ops.append(_op(np.tanh, a, out=a))
            elif act == "leaky_relu":
                ops += [_op(np.greater, a, 0, out=M[i])] if masks else []
                ops += [_op(np.multiply, a, LEAKY_SLOPE, out=Z[i]), _op(np.maximum, a, Z[i], out=a)]
            h = H[i]
        z = Z[-1]
        ops.append(_op(np.matmul, self.W[-1].T, h, out=z))
        if exact:  # (shifted logits below -80 only matter for absurd models; exp() of them would be subnormal)
            ops += [partial(np.maximum.reduce, z, axis=0, keepdims=True, out=S), _op(np.subtract, z, S, out=z),
                    _op(np.maximum, z, -80.0, out=z)]
        else:
            ops += [_op(np.minimum, z, C[-1], out=z), _op(np.maximum, z, C[-2], out=z)]
        return ops

    def backward_ops(self, Xt, Yt, m: int, scale: float = 1.0) -> list:
        """The calls that, after the forward ops, put the gradient of ``scale · Σ cross-entropy`` into ``grad``.

        ``Yt`` is the one-hot target (n_out, m) *already multiplied by* ``scale``. The ops leave
        ``scale``-free softmax sums of the batch in ``S`` (multiplied by 1/scale).
        """
        H, Ha, Z, D, M, S, _ = self.buffers(m)
        delta = Z[-1]
        ones = np.full((1, self.sizes[-1]), 1.0 / scale, dtype=self.dtype)
        ops = [_op(np.exp, delta, out=delta), _op(np.matmul, ones, delta, out=S),
               _op(np.divide, delta, S, out=delta),  # scale · softmax
               _op(np.subtract, delta, Yt, out=delta)]
        for i in range(self.n_layers - 1, -1, -1):
            h = H[i - 1] if i > 0 else Xt
            if m <= 64 and self.sizes[i] >= 64 and self.sizes[i + 1] >= 64 and h.flags.c_contiguous:
                # h @ delta.T contracts two C-ordered operands along their rows, a form in which OpenBLAS is
                # slow at these sizes: a transposed copy of delta first is faster overall (measured: 64 × 64
                # layers, batch 64: 9.2 µs against 1.4 + 5.1; not so for narrower layers or larger batches)
                rows = self._transposed(i, m)
                ops += [partial(_COPYTO, rows, delta.T), _op(np.matmul, h, rows, out=self.G[i])]
            else:
                ops.append(_op(np.matmul, h, delta.T, out=self.G[i]))
            if i == 0:
                break
            prev = D[i - 1]
            ops.append(_op(np.matmul, self.W[i][:-1], delta, out=prev))
            act = self.acts[i - 1]
            if act == "relu":  # integer multiply by the 0/1 mask: keeps a float's bits or makes them +0.0
                bits = prev.view(self.bits)
                ops.append(_op(np.multiply, bits, M[i - 1], out=bits))
            elif act == "tanh":
                d = Z[i - 1]  # scratch: 1 - tanh²
                ops += [_op(np.multiply, Ha[i - 1], Ha[i - 1], out=d), _op(np.subtract, 1, d, out=d),
                        _op(np.multiply, prev, d, out=prev)]
            elif act == "leaky_relu":
                d = Z[i - 1]  # scratch: 1 where z > 0, LEAKY_SLOPE elsewhere
                ops += [_op(np.multiply, M[i - 1], 1 - LEAKY_SLOPE, out=d), _op(np.add, d, LEAKY_SLOPE, out=d),
                        _op(np.multiply, prev, d, out=prev)]
            delta = prev
        return ops

    def forward(self, Xt, m: int, *, exact: bool = True):
        """Run a forward pass (see :meth:`forward_ops`); return the output logits (n_out, m)."""
        for op in self.forward_ops(Xt, m, exact=exact):
            op()
        return self.buffers(m)[2][-1]

    def _scoring_ops(self, Xt, m: int) -> list:
        """The exact forward calls for scoring ``Xt`` without the backward pass's masks, made once per block of
        memory: the recorder scores the same subsets every epoch. (A cached call list keeps its array alive,
        so another array can only share its address, shape and strides by viewing the same memory.)"""
        key = (Xt.__array_interface__["data"][0], Xt.shape, Xt.strides, m)
        ops = self._scoring.get(key)
        if ops is None:
            own = type(self).forward_ops is _Kernels.forward_ops  # subclasses (step kernels) bring their own
            ops = self.forward_ops(Xt, m, masks=False) if own else self.forward_ops(Xt, m)
            self._scoring[key] = ops
        return ops

    def evaluate(self, Xt, y) -> tuple[float, float]:
        """Mean cross-entropy (plus any :meth:`penalty`, without L2) and accuracy of the current parameters, in chunks.

        A sample counts as correct when its true class is the prediction, ``argmax`` of the logits (the first
        of tied classes, as :func:`~cubenet.nn.network.predict` does); a tie is not a win for every class.
        """
        total, correct, n = 0.0, 0, len(y)
        for start in range(0, n, CHUNK):
            yc = y[start: start + CHUNK]
            m = len(yc)
            for op in self._scoring_ops(Xt[:, start: start + m], m):
                op()
            z = self.buffers(m)[2][-1]
            zy = np.take(z, yc * m + np.arange(m))  # each sample's shifted logit of its true class
            correct += int(np.count_nonzero(z.argmax(axis=0) == yc))
            total += self.penalty(m)
            S = self.buffers(m)[5]
            np.exp(z, out=z)
            np.add.reduce(z, axis=0, keepdims=True, out=S)
            total += float(np.sum(np.log(S), dtype=np.float64)) - float(np.sum(zy, dtype=np.float64))
        return total / n, correct / n

    def penalty(self, m: int) -> float:
        """Any term the loss adds for the last forward pass of ``m`` samples (none here; see StepKernels)."""
        return 0.0

    def l2_term(self, l2: float) -> float:
        if not l2:
            return 0.0
        w = self.theta * self.wmask
        return 0.5 * l2 * float(np.dot(w, w))


#: ``np.dot`` and ``np.copyto`` without their ``__array_function__`` dispatcher (a Python function run on every
#: call, 0.3-0.6 µs)
_DOT = getattr(np.dot, "_implementation", np.dot)
_COPYTO = getattr(np.copyto, "_implementation", np.copyto)


def _op(func, *args, out):
    """The call ``func(*args, out=out)`` as a zero-argument callable with the least work per call.

    Replayed tens of thousands of times, so the form matters: ``out`` is passed by position where numpy
    allows it (a keyword makes every call merge a dict); a matrix product whose operands are contiguous
    (either order) and whose output is C-contiguous goes to ``np.dot``'s implementation, which reaches
    BLAS with less set-up than ``np.matmul`` (about 0.6 µs a call for small products; same BLAS
    routine). Maximum and minimum keep the keyword (positional ``out`` is deprecated for them).
    """
    if func is np.matmul:
        if out.flags.c_contiguous and all((a.flags.c_contiguous or a.flags.f_contiguous) and a.dtype == out.dtype
                                          for a in args):
            return partial(_DOT, *args, out)
        return partial(np.matmul, *args, out)
    if func in (np.maximum, np.minimum):
        return partial(func, *args, out=out)
    return partial(func, *args, out)


def _columns(X, dtype):
    """``X`` (n, d) as samples-in-columns (d + 1, n) with a last row of ones, in ``dtype``."""
    Xt = np.ones((X.shape[1] + 1, len(X)), dtype=dtype)
    Xt[:-1] = X.T
    return Xt


def _one_hot_columns(y, n_classes: int, dtype):
    Yt = np.zeros((n_classes, len(y)), dtype=dtype)
    Yt[y, np.arange(len(y))] = 1
    return Yt


def _prepare(model_or_sizes, dataset, config: TrainConfig, rng):
    """The starting Model (new or continued) and the standardised data as columns."""
    dtype = np.dtype(config.dtype)
    Xtr, Xte = np.asarray(dataset.X_train, dtype=np.float64), np.asarray(dataset.X_test, dtype=np.float64)
    if isinstance(model_or_sizes, Model):
        model = model_or_sizes
        check_fits(model, dataset, advice="train a new model for this dataset")
        params = [(W.astype(dtype), b.astype(dtype)) for W, b in model.params]
        model = dataclasses.replace(model, params=params)
    else:
        sizes = check_sizes(model_or_sizes)
        if sizes[0] != dataset.n_features or sizes[-1] != dataset.n_classes:
            raise CubenetError(f"sizes {sizes} do not fit the dataset: it has {dataset.n_features} features and "
                               f"{dataset.n_classes} classes")
        acts = check_activations(config.activation, len(sizes) - 2)
        mean = scale = None
        if config.standardize:
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused just below
                mean = Xtr.mean(axis=0)
                scale = Xtr.std(axis=0)
            scale[scale < 1e-12] = 1.0
            check_standardization(mean, scale, Xtr)
        params = init_params(sizes, rng=rng, dtype=dtype, activations=acts, scheme=config.init)
        model = Model(params, acts, mean, scale, tuple(dataset.class_names))
    if model.input_mean is not None:
        Xtr, Xte = (Xtr - model.input_mean) / model.input_scale, (Xte - model.input_mean) / model.input_scale
    return model, _columns(Xtr, dtype), _columns(Xte, dtype)


def check_standardization(mean, scale, X) -> None:
    """The learned input standardisation is finite (features near 1e300 overflow the variance to inf)."""
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale))):
        big = float(np.max(np.abs(X)))
        raise CubenetError(f"the features are too large to standardise (|x| up to {big:.3g}): their variance "
                           "overflows; rescale the data (divide it by a power of ten) and train again")


class _Recorder:
    """Collects the history rows and snapshots; decides when to stop.

    Epochs are scored on fixed random subsets of at most ``config.eval_points`` training and test
    points (evaluating everything every epoch would cost as much as training); the final row is
    re-scored on all points.
    """

    def __init__(self, config: TrainConfig, kernels: _Kernels, data, callback, rng, gc_was_on: bool = False):
        self.config, self.k, self.full, self.callback = config, kernels, data, callback
        self.gc_was_on = gc_was_on  # the callback runs with the garbage collector as the caller had it
        self.subsets = tuple(self._subset(X, y, config.eval_points, rng) for X, y in (data[:2], data[2:]))
        self.rows, self.snapshots = [], []
        self.wanted = set(config.snapshot_epochs if config.snapshot_epochs is not None
                          else snapshot_schedule(config.epochs, config.n_snapshots))
        self.best_loss, self.stale = np.inf, 0
        self.good = kernels.theta.copy()
        self.t0 = time.perf_counter()
        self.stop_reason = None

    @staticmethod
    def _subset(Xt, y, n_max, rng):
        if len(y) <= n_max:
            return Xt, y
        idx = np.sort(rng.choice(len(y), n_max, replace=False))
        return np.ascontiguousarray(Xt[:, idx]), y[idx]

    def record(self, epoch: int, loss: float | None = None) -> bool:
        """Score the current parameters after ``epoch``; return True if training must stop (see ``stop_reason``)."""
        k, cfg = self.k, self.config
        (Xtr, ytr), (Xte, yte) = self.subsets
        train_loss, train_acc = k.evaluate(Xtr, ytr)
        if loss is None:
            loss = train_loss + k.l2_term(cfg.l2)
        biggest = float(np.max(np.abs(k.theta)))
        if not np.isfinite(loss) or not np.isfinite(biggest) or biggest > cfg.max_weight:
            what = "the loss became NaN/inf" if not np.isfinite(loss) else f"the weights exploded (|w| up to {biggest:.3g})"
            if not self.rows:
                raise CubenetError(f"the starting parameters are unusable: {what} before training; "
                                   "start from a new network instead of this model")
            k.theta[:] = self.good
            self.stop_reason = (f"diverged: {what} in epoch {epoch} with {cfg.optimizer} at learning rate "
                                f"{cfg.learning_rate:g}; kept the parameters of epoch {self.rows[-1][0]}. Lower the learning rate (try --lr "
                                f"{cfg.learning_rate / 10:g})" + (" or use --optimizer adam" if cfg.optimizer != "adam" else ""))
            return True
        self.good[:] = k.theta
        _, test_acc = k.evaluate(Xte, yte)
        self.rows.append([epoch, loss, train_acc, test_acc, time.perf_counter() - self.t0])
        if epoch in self.wanted:
            self.snapshots.append((epoch, k.params()))
        if epoch == 0:
            self.best_loss = loss
        elif cfg.target_accuracy is not None and train_acc >= cfg.target_accuracy:
            self.stop_reason = f"reached the target training accuracy {cfg.target_accuracy:.2%} at epoch {epoch}"
        elif cfg.patience is not None:
            if loss < self.best_loss - cfg.tol:
                self.best_loss, self.stale = loss, 0
            else:
                self.stale += 1
                if self.stale >= cfg.patience:
                    self.stop_reason = (f"plateau: the training loss improved by less than {cfg.tol:g} "
                                        f"for {cfg.patience} epochs (stopped at epoch {epoch})")
        if self.callback is not None and self._call_back(epoch) is True and self.stop_reason is None:
            self.stop_reason = f"stopped at epoch {epoch}: the callback asked to stop"
        return self.stop_reason is not None

    def _call_back(self, epoch: int):
        if self.gc_was_on:
            gc.enable()
        try:
            return self.callback(epoch, self.history(self.stop_reason or ""))
        finally:
            if self.gc_was_on:
                gc.disable()

    def history(self, stop_reason: str) -> History:
        cols = list(zip(*self.rows))
        return History(
            epochs=np.array(cols[0], dtype=int), loss=np.array(cols[1], dtype=float),
            train_accuracy=np.array(cols[2], dtype=float), test_accuracy=np.array(cols[3], dtype=float),
            seconds=np.array(cols[4], dtype=float), snapshots=tuple(self.snapshots), stop_reason=stop_reason,
        )

    def finish(self, default_reason: str) -> History:
        """The final History: last row re-scored on all points, a snapshot of the final parameters."""
        k, row = self.k, self.rows[-1]
        k.theta[:] = self.good
        if self.subsets[0][1] is not self.full[1] or self.subsets[1][1] is not self.full[3]:
            train_loss, row[2] = k.evaluate(*self.full[:2])
            _, row[3] = k.evaluate(*self.full[2:])
            if self.config.optimizer != "lbfgs":
                row[1] = train_loss + k.l2_term(self.config.l2)
        if not self.snapshots or self.snapshots[-1][0] != row[0]:
            self.snapshots.append((row[0], k.params()))
        return self.history(self.stop_reason or default_reason)


def train(model_or_sizes, dataset, config: TrainConfig | None = None, *, rng=None,
          callback: Callable | None = None) -> tuple[Model, History]:
    """Train a network on ``dataset``.

    Parameters
    ----------
    model_or_sizes : Model (continue training it) or sequence of int ``(n_in, h1, …, n_out)``; or a step
        network: ``cubenet.nn.steps.StepSpec(n_steps, inner)`` for a new one, a StepModel to continue
    dataset : cubenet Dataset
    config : TrainConfig
    rng : None, int or numpy Generator, split into the initial weights, the minibatch order and the evaluation
        subsets; or a mapping ``{"init": …, "batches": …, "evaluation": …}`` of three independent streams
        (as :class:`cubenet.run.experiment.Seeds` gives, so that each is recorded and can vary alone)
    callback : called as ``callback(epoch, history)`` after every epoch (epoch 0 included); returning
        True stops training there (the model of that epoch is returned, as with any other stop)

    Returns
    -------
    model : Model with the trained parameters (the last good ones if training diverged);
        ``model.config`` records sizes, activations and the training settings
    history : History (``history.diverged`` tells whether it blew up; ``stop_reason`` says what to change)
    """
    from cubenet.data.dataset import Dataset
    from cubenet.data.io import validate

    if isinstance(config, dict):
        config = TrainConfig(**config)
    config = check_config(config if config is not None else TrainConfig())
    if not isinstance(dataset, Dataset):
        raise CubenetError(f"train needs a cubenet Dataset (e.g. from cubenet.make_color_cube or cubenet.load), "
                           f"got {type(dataset).__name__}")
    validate(dataset, "the training dataset", quote=False)
    if callback is not None and not callable(callback):
        raise CubenetError(f"callback must be a function callback(epoch, history), got {callback!r}")
    init_rng, order_rng, eval_rng = training_streams(rng)
    model, Xt, Xte, k, config = _setup(model_or_sizes, dataset, config, init_rng)
    y, yte = np.asarray(dataset.y_train, dtype=np.intp), np.asarray(dataset.y_test, dtype=np.intp)
    if config.optimizer == "lbfgs":
        import scipy.optimize  # noqa: F401  (loads scipy's own OpenBLAS now, so that it is limited too)
    with np.errstate(all="ignore"), single_blas_thread(), _cyclic_gc_paused() as gc_was_on:
        rec = _Recorder(config, k, (Xt, y, Xte, yte), callback, eval_rng, gc_was_on)
        if not rec.record(0):
            if config.optimizer == "lbfgs":
                _run_lbfgs(k, Xt, y, config, rec)
            else:
                _run_minibatch(k, Xt, y, config, order_rng, rec)
        unit = "L-BFGS iterations" if config.optimizer == "lbfgs" else "epochs"
        history = rec.finish(f"completed {rec.rows[-1][0]} {unit}")
    settings = {key: v for key, v in config.to_dict().items() if key not in ("activation",)}
    settings.update(lr=config.learning_rate, batch_size=min(config.batch_size, len(y)))
    trained = dataclasses.replace(model, params=k.params(), config={
        "sizes": list(model.sizes), "activations": list(model.activations), "training": settings,
        "epochs_run": int(history.epochs[-1]), "stop_reason": history.stop_reason})
    return trained, history


TRAINING_STREAMS = ("init", "batches", "evaluation")


def training_streams(rng) -> tuple[np.random.Generator, ...]:
    """The trainer's three random streams (initial weights, minibatch order, evaluation subsets)."""
    if isinstance(rng, dict):
        missing = [name for name in TRAINING_STREAMS if name not in rng]
        if missing:
            raise CubenetError(f"rng mapping lacks the stream(s) {', '.join(missing)}; give all of "
                               f"{', '.join(TRAINING_STREAMS)}")
        return tuple(np.random.default_rng(rng[name]) for name in TRAINING_STREAMS)
    return tuple(np.random.default_rng(rng).spawn(3))


def _setup(model_or_sizes, dataset, config: TrainConfig, rng):
    """The starting model, the standardised data as columns, kernels holding the model's parameters, the config.

    A step network (a ``StepSpec`` or ``StepModel``, see :mod:`cubenet.nn.steps`) has its own kernels
    with the same interface (:mod:`cubenet.nn.step_train`), and its defaults (motion, Adam's rate) filled in.
    """
    from cubenet.nn import step_train

    if step_train.wants_steps(model_or_sizes):
        config = step_train.step_defaults(config)
        model, Xt, Xte = step_train.prepare(model_or_sizes, dataset, config, rng)
        return model, Xt, Xte, step_train.kernels(model, config), config
    if config.motion:
        raise CubenetError(f"motion={config.motion:g} is a penalty on the moves of a step network; "
                           "this is a layered network, so leave motion unset")
    model, Xt, Xte = _prepare(model_or_sizes, dataset, config, rng)
    k = _Kernels(model.sizes, model.activations, config.dtype)
    k.set_params(model.params)
    return model, Xt, Xte, k, config


def _run_minibatch(k: _Kernels, Xt, y, config: TrainConfig, rng, rec: _Recorder) -> None:
    n = len(y)
    batch = min(config.batch_size, n)
    # shuffled copies are kept sample-major (rows gather fast); batches are passed on as transposed views
    X, Y = np.ascontiguousarray(Xt.T), np.ascontiguousarray(_one_hot_columns(y, k.sizes[-1], k.dtype).T)
    Xs, Ys = np.empty_like(X), np.empty_like(Y)
    plans = _minibatch_plans(k, Xs, Ys, batch)
    tail = n % batch  # the last, smaller batch needs its targets scaled by 1/tail instead of 1/batch
    rate = {"lr": config.learning_rate}
    step = _optimizer_step(config, k, rate)
    for epoch in range(1, config.epochs + 1):
        rate["lr"] = epoch_lr(config, epoch)
        perm = rng.permutation(n)
        np.take(X, perm, axis=0, out=Xs)
        np.take(Y, perm, axis=0, out=Ys)
        np.multiply(Ys, 1.0 / batch, out=Ys)
        if tail:
            np.multiply(Ys[n - tail:], batch / tail, out=Ys[n - tail:])
        for plan in plans:
            for op in plan:
                op()
            step()
        flush_subnormal(*step.state)  # once per epoch: cheap, and keeps late epochs as fast as early ones
        if rec.record(epoch):
            return


def _minibatch_plans(k: _Kernels, Xs, Ys, batch: int) -> list:
    """The calls of every minibatch (forward, backward) of the shuffled buffers ``Xs``, ``Ys`` (samples as rows).

    Full-size batches differ only in the calls that read the batch itself, so the first one is built in
    full and the others copy it with their own batch put in: the other calls are shared (a few distinct
    call objects per batch instead of dozens, built in a fraction of the time and kept in the CPU's
    caches). That is done only when every array of the first batch's calls that lies in ``Xs`` or ``Ys``
    is the batch itself (kernels that slice it, as step kernels do, get every batch built in full).
    """
    n = len(Xs)
    plans, template = [], None
    for s in range(0, n, batch):
        Xb, Yb, m = Xs[s: s + batch].T, Ys[s: s + batch].T, min(batch, n - s)
        if template is not None and m == batch:
            X0, Y0, ops, reading = template
            plan = list(ops)
            for i in reading:
                op = ops[i]
                plan[i] = partial(op.func, *(Xb if a is X0 else Yb if a is Y0 else a for a in op.args), **op.keywords)
            plans.append(plan)
            continue
        ops = k.forward_ops(Xb, m, exact=False) + k.backward_ops(Xb, Yb, m, 1.0 / m)
        if template is None and m == batch and all(_reads_batch_only_directly(op, Xb, Yb, Xs, Ys) for op in ops):
            template = (Xb, Yb, ops, [i for i, op in enumerate(ops) if any(a is Xb or a is Yb for a in op.args)])
        plans.append(ops)
    return plans


def _reads_batch_only_directly(op, Xb, Yb, Xs, Ys) -> bool:
    """True when ``op`` (a partial) reaches the shuffled buffers only through the batch views ``Xb``/``Yb`` as
    positional arguments, so that putting another batch's views in their place gives that batch's call."""
    def inside(a):
        return isinstance(a, np.ndarray) and (np.may_share_memory(a, Xs) or np.may_share_memory(a, Ys))

    return isinstance(op, partial) and not any(inside(v) for v in op.keywords.values()) and \
        all(a is Xb or a is Yb or not inside(a) for a in op.args)


def epoch_lr(config: TrainConfig, epoch: int) -> float:
    """The learning rate during ``epoch`` (1-based): constant, or cosine-annealed from ``lr`` towards 0."""
    if config.schedule == "cosine":
        return float(config.learning_rate * 0.5 * (1 + math.cos(math.pi * (epoch - 1) / config.epochs)))
    return float(config.learning_rate)


def _optimizer_step(config: TrainConfig, k: _Kernels, rate: dict) -> Callable[[], None]:
    """A closure applying one update of ``config.optimizer`` to ``k.theta`` from ``k.grad``.

    ``rate["lr"]`` is read at every step, so the caller can change the learning rate between epochs.
    """
    theta, g, l2 = k.theta, k.grad, config.l2
    tmp = np.empty_like(theta)
    l2mask = (k.wmask * l2).astype(k.dtype)

    # this runs once per minibatch: outputs by position, numpy's functions as local names
    multiply, add, subtract, divide, sqrt = np.multiply, np.add, np.subtract, np.divide, np.sqrt

    def add_l2():
        if l2:
            multiply(theta, l2mask, tmp)
            add(g, tmp, g)

    if config.optimizer == "sgd":
        def step():
            add_l2()
            multiply(g, rate["lr"], tmp)
            subtract(theta, tmp, theta)
        step.state = (theta,)
        return step
    if config.optimizer == "momentum":
        vel = np.zeros_like(theta)
        mu, nesterov = float(config.momentum), config.nesterov

        def step():
            add_l2()
            multiply(vel, mu, vel)
            multiply(g, rate["lr"], tmp)
            subtract(vel, tmp, vel)  # v = mu v - lr g
            if nesterov:
                multiply(vel, mu, g)
                subtract(g, tmp, g)  # mu v - lr g
                add(theta, g, theta)
            else:
                add(theta, vel, theta)
        step.state = (theta, vel)
        return step
    # Adam, with the moments m1 / (1 - beta1) and m2 / (1 - beta2) as two rows, updated together from the
    # rows (g, g²) of ``k.grad2`` by one small matrix product: [m1; m2] = C @ [m1; m2; g; g²]. The product
    # cannot write over its input, so the moments take turns between the rows just above and just below
    # (g, g²) in ``k.work``: [mB, vB, g, g²], [mA, vA]; each step reads four neighbouring rows and writes
    # the other pair (one call instead of a multiply and an add). The first row is kept multiplied by the
    # step's size (learning rate and bias corrections), which C's first row applies for free, so that
    # row / (sqrt(m2) + eps) is already the step.
    work, square = k.work, k.grad2[1]
    b1, b2 = float(config.beta1), float(config.beta2)
    # (coefficients, the four rows read, the two rows written, where the old m1 and g sit in C's first row)
    turns = ((np.array([[b1, 0, 1, 0], [0, b2, 0, 1]], dtype=k.dtype), work[0:4], work[4:6], 0, 2),  # even: B -> A
             (np.array([[1, 0, b1, 0], [0, 1, 0, b2]], dtype=k.dtype), work[2:6], work[0:2], 2, 0))  # odd: A -> B
    tiny = np.empty((2, work.shape[1]), dtype=bool)
    # scalars stay Python floats: a numpy float64 scalar would make numpy compute a float32 array's
    # update in float64 and cast it back (NEP 50), about 5x slower per call
    root = math.sqrt(1 - b2)
    eps = float(config.epsilon) / root
    scale = (1 - b1) / root
    t, size = 0, 1.0

    def step():
        nonlocal t, size
        t += 1
        add_l2()
        multiply(g, g, square)
        coefficients, before, moments, old, new = turns[t & 1]
        previous, size = size, rate["lr"] * math.sqrt(1 - b2 ** t) / (1 - b1 ** t) * scale
        first = coefficients[0]
        first[old] = b1 * size / previous  # the old row was multiplied by the previous step's size
        first[new] = size
        _DOT(coefficients, before, moments)
        if t % FLUSH_EVERY == 0:  # dead units' moments decay towards subnormal floats, which are slow
            np.less(np.abs(moments), FLUSH_BELOW, out=tiny)
            np.copyto(moments, 0, where=tiny)
        sqrt(moments[1], tmp)
        add(tmp, eps, tmp)
        divide(moments[0], tmp, tmp)
        subtract(theta, tmp, theta)
    step.state = (theta, work)  # (the rows of work besides the current moments are rewritten before use)
    return step


def flush_subnormal(*arrays) -> int:
    """Set entries smaller than :data:`FLUSH_BELOW` in magnitude to zero, in place; return how many were set.

    With L2, dead units' weights and their optimiser moments decay geometrically towards subnormal
    floats, which x86 CPUs handle tens of times slower; zero is what they are heading to anyway.
    """
    flushed = 0
    for a in arrays:
        tiny = np.abs(a) < FLUSH_BELOW
        tiny &= a != 0
        count = int(np.count_nonzero(tiny))
        if count:
            a[tiny] = 0
            flushed += count
    return flushed


def _run_lbfgs(k: _Kernels, Xt, y, config: TrainConfig, rec: _Recorder) -> None:
    """Full-batch L-BFGS-B (scipy) on the flat parameter vector; one history row per iteration."""
    from scipy.optimize import minimize

    n, l2 = len(y), config.l2
    chunks = []
    for s in range(0, n, CHUNK):
        Xc, yc = Xt[:, s: s + CHUNK], y[s: s + CHUNK]
        m = len(yc)
        Yc = _one_hot_columns(yc, k.sizes[-1], k.dtype)
        chunks.append((k.forward_ops(Xc, m), k.backward_ops(Xc, Yc, m), k.buffers(m), yc * m + np.arange(m)))
    gsum = np.zeros(k.grad.shape, dtype=np.float64)

    def fun(x):
        k.theta[:] = x
        gsum[:] = 0
        total = 0.0
        for forward_ops, backward_ops, (_, _, Z, _, _, S, _), flat in chunks:
            for op in forward_ops:
                op()
            total -= float(np.sum(np.take(Z[-1], flat), dtype=np.float64))
            for op in backward_ops:
                op()
            total += float(np.sum(np.log(S), dtype=np.float64)) + k.penalty(len(flat))
            np.add(gsum, k.grad, out=gsum)
        np.multiply(gsum, 1.0 / n, out=gsum)
        if l2:
            np.add(gsum, l2 * (k.wmask * k.theta), out=gsum)
        return total / n + k.l2_term(l2), gsum.copy()

    iteration = [0]

    def on_iteration(intermediate_result):
        iteration[0] += 1
        k.theta[:] = intermediate_result.x
        if rec.record(iteration[0], float(intermediate_result.fun)):
            raise StopIteration

    result = minimize(fun, k.theta.astype(np.float64), jac=True, method="L-BFGS-B", callback=on_iteration,
                      options={"maxiter": config.epochs, "maxfun": max(15000, 2 * config.epochs), "gtol": config.tol})
    if rec.stop_reason is None and iteration[0] < config.epochs:
        rec.stop_reason = lbfgs_stop_reason(result, iteration[0])


def lbfgs_stop_reason(result, iterations: int) -> str:
    """What scipy's L-BFGS-B said, honestly: only status 0 is convergence (ABNORMAL is a failed line search)."""
    message = str(result.message).strip().rstrip(":").strip() or "no message"
    if result.status == 0:
        return f"L-BFGS converged after {iterations} iterations ({message})"
    return (f"L-BFGS stopped without converging after {iterations} iterations ({message}): its line search "
            "found no lower loss; the model is the last iterate. Try a smaller --l2, or --optimizer adam")
