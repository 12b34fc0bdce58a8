"""One optimiser step against the textbook formula, on a 3-element parameter vector.

The trainer's update closures (``cubenet.nn.optim.optimizer_step``) work in place on the kernels'
flat ``theta`` and ``grad``; here the kernels are three numbers, so every term of the formula is visible.
A dropped bias correction, a Nesterov step taken with the old velocity or L2 on the biases fails here,
not only through a golden number in the README.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from cubenet.nn.config import TrainConfig
from cubenet.nn.optim import optimizer_step

THETA = np.array([0.5, -1.0, 2.0])
GRADS = [np.array([0.3, -0.2, 0.05]), np.array([-0.1, 0.4, 0.25]), np.array([0.2, 0.1, -0.3])]


def kernels(theta=THETA, weights=(1.0, 1.0, 1.0)):
    """What a step needs of the trainer's kernels: theta, the gradient (row 0 of grad2, rows 2-3 of the
    six-row work block where Adam keeps its moments, as ``Kernels`` lays them out), the L2 mask."""
    work = np.zeros((6, 3))
    grad2 = work[2:4]
    return SimpleNamespace(theta=np.array(theta, dtype=float), work=work, grad2=grad2, grad=grad2[0],
                           wmask=np.array(weights), dtype=np.float64)


def run(config, grads, lr, **kw):
    """theta after each step of ``config.optimizer`` with these gradients."""
    k = kernels(**kw)
    step = optimizer_step(config, k, {"lr": lr})
    out = []
    for g in grads:
        k.grad[:] = g
        step()
        out.append(k.theta.copy())
    return out


def test_sgd_step():
    (after,) = run(TrainConfig(optimizer="sgd"), GRADS[:1], lr=0.1)
    np.testing.assert_allclose(after, THETA - 0.1 * GRADS[0], rtol=0, atol=1e-15)


def test_l2_decays_the_weights_and_not_the_biases():
    (after,) = run(TrainConfig(optimizer="sgd", l2=0.5), GRADS[:1], lr=0.1, weights=(1.0, 1.0, 0.0))
    expected = THETA - 0.1 * (GRADS[0] + 0.5 * THETA * np.array([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(after, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_and_nesterov_steps(nesterov):
    """v <- mu v - lr g;  theta <- theta + v  (heavy ball)  or  theta + mu v - lr g  (Nesterov, Sutskever et al.)."""
    lr, mu = 0.1, 0.9
    thetas = run(TrainConfig(optimizer="momentum", momentum=mu, nesterov=nesterov), GRADS, lr=lr)
    theta, v = THETA.copy(), np.zeros(3)
    for g, got in zip(GRADS, thetas):
        v = mu * v - lr * g
        theta = theta + (mu * v - lr * g if nesterov else v)
        np.testing.assert_allclose(got, theta, rtol=0, atol=1e-14)
    # the two differ from the second step on (the first starts from v = 0)
    other = run(TrainConfig(optimizer="momentum", momentum=mu, nesterov=not nesterov), GRADS, lr=lr)
    assert not np.allclose(other[1], thetas[1])


def test_adam_steps_with_both_bias_corrections():
    """Kingma & Ba, Algorithm 1: m and v are averaged, then divided by (1 - beta^t) before the step.

    cubenet uses the paper's cheaper ordering (end of its section 2): theta -= alpha_t m / (sqrt(v) + eps) with
    alpha_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), i.e. epsilon added before the correction; exact against that,
    and within 1e-6 of Algorithm 1 (a dropped correction moves the first step by a factor of 10 or 30).
    """
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    thetas = run(TrainConfig(optimizer="adam", beta1=b1, beta2=b2, epsilon=eps), GRADS, lr=lr)
    theta, ordered, m, v = THETA.copy(), THETA.copy(), np.zeros(3), np.zeros(3)
    for t, (g, got) in enumerate(zip(GRADS, thetas), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        ordered = ordered - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
        np.testing.assert_allclose(got, ordered, rtol=1e-12, atol=0)
        np.testing.assert_allclose(got, theta, rtol=0, atol=1e-6)
    # the first step moves every parameter by lr against the sign of its gradient
    np.testing.assert_allclose(thetas[0] - THETA, -lr * np.sign(GRADS[0]), rtol=1e-4)
