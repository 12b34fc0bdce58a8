"""The optimisers' updates: SGD, momentum (or Nesterov) and Adam, each a closure working in place on the kernels.

:func:`optimizer_step` returns a zero-argument function applying one update of ``config.optimizer`` to
``k.theta`` from ``k.grad``; it runs once per minibatch, so it works on the whole flat vector in about ten
numpy calls, with outputs passed by position and Python-float scalars (a numpy float64 scalar would make
numpy compute a float32 array's update in float64 and cast it back, NEP 50, about 5x slower per call).
Values that would become subnormal floats (slow on x86) are kept out: tiny Adam moments are flushed.
L-BFGS is not here: scipy's minimiser takes its own steps (see :mod:`cubenet.nn.train`).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from cubenet.nn.config import TrainConfig
from cubenet.nn.kernels import Kernels
from cubenet.nn.ops import DOT

#: Adam moments below this are set to zero now and then, so they never decay into slow subnormal floats
FLUSH_BELOW = 1e-25
FLUSH_EVERY = 64


def optimizer_step(config: TrainConfig, k: Kernels, rate: dict) -> Callable[[], None]:
    """A closure applying one update of ``config.optimizer`` to ``k.theta`` from ``k.grad``.

    ``rate["lr"]`` is read at every step, so the caller can change the learning rate between epochs. The
    closure's ``state`` attribute holds the arrays it updates (the weights, and any velocity or moments),
    for :func:`flush_subnormal`.
    """
    tmp = np.empty_like(k.theta)
    return STEPS[config.optimizer](config, k, rate, tmp, _l2_adder(k, config.l2, tmp))


def _l2_adder(k: Kernels, l2: float, tmp) -> Callable[[], None]:
    """The call adding weight decay ``l2 · w`` (weights only, not biases) to the gradient, using ``tmp``."""
    theta, g = k.theta, k.grad
    l2mask = (k.wmask * l2).astype(k.dtype)
    multiply, add = np.multiply, np.add

    def add_l2():
        if l2:
            multiply(theta, l2mask, tmp)
            add(g, tmp, g)
    return add_l2


def sgd_step(config: TrainConfig, k: Kernels, rate: dict, tmp, add_l2) -> Callable[[], None]:
    """Plain gradient descent: ``w -= lr · g``."""
    theta, g = k.theta, k.grad
    multiply, subtract = np.multiply, np.subtract

    def step():
        add_l2()
        multiply(g, rate["lr"], tmp)
        subtract(theta, tmp, theta)
    step.state = (theta,)
    return step


def momentum_step(config: TrainConfig, k: Kernels, rate: dict, tmp, add_l2) -> Callable[[], None]:
    """Heavy-ball momentum ``v = mu v - lr g; w += v``, or Nesterov's ``w += mu v - lr g`` (``config.nesterov``)."""
    theta, g = k.theta, k.grad
    vel = np.zeros_like(theta)
    mu, nesterov = float(config.momentum), config.nesterov
    multiply, add, subtract = np.multiply, np.add, np.subtract

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


def _adam_turns(k: Kernels, b1: float, b2: float) -> tuple:
    """The two alternating layouts of Adam's moments in ``k.work`` (see :func:`adam_step`).

    Each turn is (coefficients C, the four rows read, the two rows written, where the old m1 and g sit in
    C's first row): even steps read [mB, vB, g, g²] and write [mA, vA], odd steps the other way round.
    """
    work = k.work
    return ((np.array([[b1, 0, 1, 0], [0, b2, 0, 1]], dtype=k.dtype), work[0:4], work[4:6], 0, 2),  # even: B -> A
            (np.array([[1, 0, b1, 0], [0, 1, 0, b2]], dtype=k.dtype), work[2:6], work[0:2], 2, 0))  # odd: A -> B


def adam_step(config: TrainConfig, k: Kernels, rate: dict, tmp, add_l2) -> Callable[[], None]:
    """Adam, with the moments m1 / (1 - beta1) and m2 / (1 - beta2) as two rows, updated together.

    They are updated from the rows (g, g²) of ``k.grad2`` by one small matrix product:
    [m1; m2] = C @ [m1; m2; g; g²]. The product cannot write over its input, so the moments take turns
    between the rows just above and just below (g, g²) in ``k.work`` (:func:`_adam_turns`); each step
    reads four neighbouring rows and writes the other pair (one call instead of a multiply and an add).
    The first row is kept multiplied by the step's size (learning rate and bias corrections), which C's
    first row applies for free, so that row / (sqrt(m2) + eps) is already the step.
    """
    theta, g, square = k.theta, k.grad, k.grad2[1]
    b1, b2 = float(config.beta1), float(config.beta2)
    turns = _adam_turns(k, b1, b2)
    tiny = np.empty((2, k.work.shape[1]), dtype=bool)
    root = math.sqrt(1 - b2)
    eps, scale = float(config.epsilon) / root, (1 - b1) / root
    multiply, add, subtract, divide, sqrt = np.multiply, np.add, np.subtract, np.divide, np.sqrt
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
        DOT(coefficients, before, moments)
        if t % FLUSH_EVERY == 0:  # dead units' moments decay towards subnormal floats, which are slow
            np.less(np.abs(moments), FLUSH_BELOW, out=tiny)
            np.copyto(moments, 0, where=tiny)
        sqrt(moments[1], tmp)
        add(tmp, eps, tmp)
        divide(moments[0], tmp, tmp)
        subtract(theta, tmp, theta)
    step.state = (theta, k.work)  # (the rows of work besides the current moments are rewritten before use)
    return step


#: the minibatch optimisers by name (L-BFGS is full-batch, through scipy)
STEPS = {"sgd": sgd_step, "momentum": momentum_step, "adam": adam_step}


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
