"""The fast kernels: a network's parameters in one flat vector and its fused forward and backward passes.

At the sizes cubenet uses, numpy's per-call overhead dominates, so the inner loop works on preallocated
buffers and makes as few calls as possible. All parameters live in one flat vector (layer ``i`` is ``W_i``
then ``b_i``, which is exactly the row-major matrix ``[W_i; b_i]`` of shape (fan_in + 1, fan_out)); every
layer's input carries an extra row of ones, so one matrix product computes ``h·W + b`` and one product
gives ``dW`` and ``db`` together. The calls of a pass are built once as a list of ``functools.partial``
objects (:func:`cubenet.nn.ops.op`) and replayed every epoch: outputs are passed by position, products with contiguous
operands go straight to ``np.dot``'s implementation, ReLU masks are 0/1 integers applied by an integer
multiply, and numpy scalars never meet float32 arrays (a float64 scalar makes numpy compute in float64).
Logits are clipped, so that exp() never makes slow subnormal floats. The readable reference is
:func:`cubenet.nn.network.loss_and_grad`; the tests check that they agree.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from cubenet.activations import TABLE, Slots
from cubenet.nn.network import pack, unpack
from cubenet.nn.ops import COPYTO, op

#: rows per chunk for full-batch passes (evaluation, L-BFGS): keeps buffers small and cache-friendly
CHUNK = 2048
#: minibatch logits are clipped to ±this instead of shifted by their maximum (exp stays a normal float32)
LOGIT_CLIP = 30.0


class Kernels:
    """Preallocated buffers and the fused forward/backward pass of one network.

    Mutable by design (the only mutable object in cubenet's numerics) and internal to training:
    ``train`` creates it, uses it and drops it. ``theta`` and ``grad`` are flat vectors; ``W[i]``/``G[i]`` are their
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
        # in turns (see :func:`cubenet.nn.optim.optimizer_step`)
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
        M: masks of the hidden layers (as :attr:`cubenet.activations.Activation.mask` says: ReLU's are 0/1
        unsigned integers of the float's width, others bool); S: per-sample softmax sums (1, m); C: constant arrays
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
            masks = [np.empty((s, m), dtype=self.bits if TABLE[act].mask == "bits" else bool)
                     for s, act in zip(hidden, self.acts)]
            buf = (H, [h[:-1] for h in H], [np.empty((s, m), dtype=dt) for s in self.sizes[1:]],
                   [np.empty((s, m), dtype=dt) for s in hidden], masks, np.empty((1, m), dtype=dt), consts)
            self._buffers[m] = buf
        return buf

    def _slots(self, m: int, i: int) -> Slots:
        """Hidden layer ``i``'s buffers for its activation's fused calls (see :class:`cubenet.activations.Slots`)."""
        H, Ha, Z, _, M, _, C = self.buffers(m)
        return Slots(a=Ha[i], mask=M[i], scratch=Z[i], zeros=C[i], ones=C[len(H) + i], bits=self.bits)

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
            ops.append(op(np.matmul, self.W[i].T, h, out=a))
            fused = TABLE[self.acts[i]].forward_ops
            ops += fused(self._slots(m, i), masks) if fused else []
            h = H[i]
        z = Z[-1]
        ops.append(op(np.matmul, self.W[-1].T, h, out=z))
        if exact:  # (shifted logits below -80 only matter for absurd models; exp() of them would be subnormal)
            ops += [partial(np.maximum.reduce, z, axis=0, keepdims=True, out=S), op(np.subtract, z, S, out=z),
                    op(np.maximum, z, -80.0, out=z)]
        else:
            ops += [op(np.minimum, z, C[-1], out=z), op(np.maximum, z, C[-2], out=z)]
        return ops

    def backward_ops(self, Xt, Yt, m: int, scale: float = 1.0) -> list:
        """The calls that, after the forward ops, put the gradient of ``scale · Σ cross-entropy`` into ``grad``.

        ``Yt`` is the one-hot target (n_out, m) *already multiplied by* ``scale``. The ops leave
        ``scale``-free softmax sums of the batch in ``S`` (multiplied by 1/scale).
        """
        H, Ha, Z, D, M, S, _ = self.buffers(m)
        delta = Z[-1]
        ones = np.full((1, self.sizes[-1]), 1.0 / scale, dtype=self.dtype)
        ops = [op(np.exp, delta, out=delta), op(np.matmul, ones, delta, out=S),
               op(np.divide, delta, S, out=delta),  # scale · softmax
               op(np.subtract, delta, Yt, out=delta)]
        for i in range(self.n_layers - 1, -1, -1):
            h = H[i - 1] if i > 0 else Xt
            if m <= 64 and self.sizes[i] >= 64 and self.sizes[i + 1] >= 64 and h.flags.c_contiguous:
                # h @ delta.T contracts two C-ordered operands along their rows, a form in which OpenBLAS is
                # slow at these sizes: a transposed copy of delta first is faster overall (measured: 64 × 64
                # layers, batch 64: 9.2 µs against 1.4 + 5.1; not so for narrower layers or larger batches)
                rows = self._transposed(i, m)
                ops += [partial(COPYTO, rows, delta.T), op(np.matmul, h, rows, out=self.G[i])]
            else:
                ops.append(op(np.matmul, h, delta.T, out=self.G[i]))
            if i == 0:
                break
            prev = D[i - 1]
            ops.append(op(np.matmul, self.W[i][:-1], delta, out=prev))
            fused = TABLE[self.acts[i - 1]].backward_ops
            ops += fused(prev, self._slots(m, i - 1)) if fused else []
            delta = prev
        return ops

    def forward(self, Xt, m: int, *, exact: bool = True):
        """Run a forward pass (see :meth:`forward_ops`); return the output logits (n_out, m)."""
        for call in self.forward_ops(Xt, m, exact=exact):
            call()
        return self.buffers(m)[2][-1]

    def _scoring_ops(self, Xt, m: int) -> list:
        """The exact forward calls for scoring ``Xt`` without the backward pass's masks, made once per block of
        memory: the recorder scores the same subsets every epoch. (A cached call list keeps its array alive,
        so another array can only share its address, shape and strides by viewing the same memory.)"""
        key = (Xt.__array_interface__["data"][0], Xt.shape, Xt.strides, m)
        ops = self._scoring.get(key)
        if ops is None:
            own = type(self).forward_ops is Kernels.forward_ops  # subclasses (step kernels) bring their own
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
            for call in self._scoring_ops(Xt[:, start: start + m], m):
                call()
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


def columns(X, dtype):
    """``X`` (n, d) as samples-in-columns (d + 1, n) with a last row of ones, in ``dtype``."""
    Xt = np.ones((X.shape[1] + 1, len(X)), dtype=dtype)
    Xt[:-1] = X.T
    return Xt


def one_hot_columns(y, n_classes: int, dtype):
    Yt = np.zeros((n_classes, len(y)), dtype=dtype)
    Yt[y, np.arange(len(y))] = 1
    return Yt
