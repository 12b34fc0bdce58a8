"""The activations: one table ``name -> Activation(f, f′, caption, …)``, read by everything that names one.

The reference network (:mod:`cubenet.nn.network`) applies ``f`` and ``df``; the fast kernels
(:mod:`cubenet.nn.kernels`) build their fused in-place calls from ``forward_ops`` and ``backward_ops``;
the animation's captions (:func:`cubenet.viz.animate.stage_caption`) read ``caption``; the
initialisation, the dead-unit counts, the dead-layer warning and the digit pictures read the flags;
``cubenet learn --activation`` offers the names. Adding an activation is one record here.

This module imports nothing heavy: numpy (and the kernels' call maker) load inside the functions, as in
the figure registry's builders, so that the command line builds its choices from the table and
``cubenet learn --help`` still answers without numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

from cubenet.errors import CubenetError

#: slope of leaky ReLU for negative inputs
LEAKY_SLOPE = 0.01


class Slots(NamedTuple):
    """One hidden layer's buffers in the kernels, for the fused calls of its activation.

    a : the layer's activation block (fan_out, m): ``W·h + b`` before the forward calls, ``f`` of it after
    mask : what the forward calls leave for the backward ones (dtype per :attr:`Activation.mask`)
    scratch : free room of the same shape; zeros, ones : constant arrays (floats, and unsigned integers
    ``bits`` as wide as the floats)
    """

    a: object
    mask: object
    scratch: object
    zeros: object
    ones: object
    bits: object


@dataclass(frozen=True)
class Activation:
    """One activation.

    f : ``f(z)`` elementwise (``softmax``: along each row)
    df : ``df(z, h)``, the derivative at ``z`` given ``h = f(z)`` (None for softmax, which the loss absorbs)
    caption : what the animation's third stage shows, e.g. "ReLU folds negatives to 0 — (1−t)·z + t·relu(z)"
    forward_ops : ``forward_ops(slots, masks)`` -> the kernels' calls turning ``slots.a`` into ``f`` of it in
        place (and, with ``masks``, filling ``slots.mask`` for the backward pass); None: nothing to do
    backward_ops : ``backward_ops(delta, slots)`` -> the calls multiplying ``delta`` by ``f′`` in place
    mask : the dtype of the kernels' mask: "bool", or "bits" (0/1 unsigned integers as wide as the floats)
    relu_like : He-scaled weights at initialisation, and a unit can die (inactive on every point)
    nonnegative : ``f(z) >= 0``, so a whole layer can go dead (all zeros) and its units are drawn from 0 up
    """

    name: str
    f: Callable
    df: Callable | None
    caption: str
    forward_ops: Callable | None = None
    backward_ops: Callable | None = None
    mask: str = "bool"
    relu_like: bool = False
    nonnegative: bool = False


def _kernel_tools():
    """numpy and :func:`cubenet.nn.ops.op`, imported on first use (see the module's docstring)."""
    import numpy as np  # (numpy on first use: see the module's docstring)

    from cubenet.nn.ops import op

    return np, op


# ------------------------------------------------------------------------- the reference functions

def relu(z):
    import numpy as np  # (numpy on first use: see the module's docstring)

    return np.maximum(z, 0)


def relu_grad(z, h):
    return (z > 0).astype(z.dtype)


def tanh(z):
    import numpy as np  # (numpy on first use: see the module's docstring)

    return np.tanh(z)


def tanh_grad(z, h):
    return 1 - h * h


def leaky_relu(z):
    import numpy as np  # (numpy on first use: see the module's docstring)

    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_grad(z, h):
    import numpy as np  # (numpy on first use: see the module's docstring)

    return np.where(z > 0, 1, LEAKY_SLOPE).astype(z.dtype)


def identity(z):
    return z


def identity_grad(z, h):
    import numpy as np  # (numpy on first use: see the module's docstring)

    return np.ones_like(z)


def softmax(z):
    """Row-wise softmax, shifted by the row maximum so it never overflows."""
    import numpy as np  # (numpy on first use: see the module's docstring)

    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ------------------------------------------------------------------------- the kernels' fused forms

def _relu_forward_ops(s: Slots, masks: bool) -> list:
    """relu(a) = max(a, 0); the mask is min(bits of relu(a), 1): 1 where a > 0, else 0 (relu gives +0.0)."""
    np, op = _kernel_tools()
    ops = [op(np.maximum, s.a, s.zeros, out=s.a)]
    return ops + [op(np.fmin, s.a.view(s.bits), s.ones, out=s.mask)] if masks else ops  # = minimum on integers


def _relu_backward_ops(delta, s: Slots) -> list:
    """An integer multiply by the 0/1 mask: keeps a float's bits or makes them +0.0."""
    np, op = _kernel_tools()
    bits = delta.view(s.bits)
    return [op(np.multiply, bits, s.mask, out=bits)]


def _tanh_forward_ops(s: Slots, masks: bool) -> list:
    np, op = _kernel_tools()
    return [op(np.tanh, s.a, out=s.a)]


def _tanh_backward_ops(delta, s: Slots) -> list:
    """delta · (1 - tanh²), with the scratch holding 1 - tanh²."""
    np, op = _kernel_tools()
    d = s.scratch
    return [op(np.multiply, s.a, s.a, out=d), op(np.subtract, 1, d, out=d), op(np.multiply, delta, d, out=delta)]


def _leaky_relu_forward_ops(s: Slots, masks: bool) -> list:
    np, op = _kernel_tools()
    ops = [op(np.greater, s.a, 0, out=s.mask)] if masks else []
    return ops + [op(np.multiply, s.a, LEAKY_SLOPE, out=s.scratch), op(np.maximum, s.a, s.scratch, out=s.a)]


def _leaky_relu_backward_ops(delta, s: Slots) -> list:
    """delta · (1 where z > 0, LEAKY_SLOPE elsewhere), built in the scratch from the boolean mask."""
    np, op = _kernel_tools()
    d = s.scratch
    return [op(np.multiply, s.mask, 1 - LEAKY_SLOPE, out=d), op(np.add, d, LEAKY_SLOPE, out=d),
            op(np.multiply, delta, d, out=delta)]


#: the hidden activations by name (the output layer is always softmax, :data:`SOFTMAX`)
TABLE = {a.name: a for a in (
    Activation("relu", relu, relu_grad, "ReLU folds negatives to 0 — (1−t)·z + t·relu(z)",
               _relu_forward_ops, _relu_backward_ops, mask="bits", relu_like=True, nonnegative=True),
    Activation("tanh", tanh, tanh_grad, "tanh squashes into (−1, 1) — (1−t)·z + t·tanh(z)",
               _tanh_forward_ops, _tanh_backward_ops),
    Activation("leaky_relu", leaky_relu, leaky_relu_grad,
               "leaky ReLU squeezes negatives — (1−t)·z + t·leaky_relu(z)",
               _leaky_relu_forward_ops, _leaky_relu_backward_ops, relu_like=True),
    Activation("identity", identity, identity_grad, "no activation (identity)"),
)}
#: the output layer's activation
SOFTMAX = Activation("softmax", softmax, None, "softmax turns scores into probabilities — (1−t)·z + t·softmax(z)")
#: the hidden activations' names, in the table's order
ACTIVATIONS = tuple(TABLE)


def activation(name: str, *, output: bool = False) -> Activation:
    """The record of hidden activation ``name`` (with ``output=True``, "softmax" too)."""
    if output and name == SOFTMAX.name:
        return SOFTMAX
    if name not in TABLE:
        raise CubenetError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")
    return TABLE[name]
