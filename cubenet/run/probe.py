"""The linear probe: the one definition behind every "probe accuracy" cubenet prints or draws.

A probe asks whether one linear layer can read the classes off a representation ``H`` (n, d):

- the features are standardised with the training points' mean and standard deviation (constant
  features, e.g. dead ReLU units, are left at zero);
- a multinomial logistic regression (softmax regression) ``argmax(Z @ W + b)`` is fitted on the
  training points by minimising the mean cross-entropy plus ``l2/2 · ‖W‖²`` (the bias is not
  penalised), with :data:`PROBE_L2` by default;
- its accuracy is scored on held-out test points.

The fit is a plain-numpy truncated Newton method (Newton steps solved by conjugate gradients with
exact Hessian-vector products, and a backtracking line search), started from zero. It has no random
part, so the same representation always gives the same probe, and it needs no scipy.optimize (whose
import alone costs half a second per process). The optimum is unique (the problem is strictly convex
once the bias is fixed up to a constant), so the answer does not depend on how it was reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cubenet.errors import CubenetError

#: the probe's L2 penalty on the weights (keeps separable problems well posed)
PROBE_L2 = 1e-4
#: Newton iterations at most; a fit stops earlier once the largest gradient entry is below ``PROBE_TOL``
PROBE_ITERATIONS = 60
PROBE_TOL = 1e-5
#: conjugate-gradient iterations per Newton step at most
CG_ITERATIONS = 50


@dataclass(frozen=True)
class Probe:
    """A fitted linear probe: ``argmax(((H - mean) / scale) @ W + b)``.

    mean, scale : ndarray of shape (d,)
    W : ndarray of shape (d, n_classes); b : ndarray of shape (n_classes,)
    """

    mean: np.ndarray
    scale: np.ndarray
    W: np.ndarray
    b: np.ndarray

    def decision(self, H) -> np.ndarray:
        """The probe's class scores, shape (n, n_classes)."""
        return ((np.asarray(H, float) - self.mean) / self.scale) @ self.W + self.b

    def predict(self, H) -> np.ndarray:
        """Class labels of shape (n,) for representations ``H`` of shape (n, d)."""
        return np.argmax(self.decision(H), axis=1)


def check_xy(H, y, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``H`` (n, d) finite and ``y`` (n,) integer labels, or a CubenetError naming ``what``."""
    H = np.asarray(H, dtype=float)
    y = np.asarray(y)
    if H.ndim != 2 or y.ndim != 1 or len(H) != len(y):
        raise CubenetError(f"{what}: expected H of shape (n, d) and y of shape (n,), got {H.shape} and {y.shape}")
    if len(y) == 0:
        raise CubenetError(f"{what}: no points given")
    if not np.all(np.isfinite(H)):
        raise CubenetError(f"{what}: the representation holds NaN or inf; was training diverging?")
    return H, y.astype(np.int64)


class _Softmax:
    """Loss, gradient and Hessian-vector products of the L2-penalised softmax regression on ``Z1`` (bias column last)."""

    def __init__(self, Z1, y, k: int, l2: float):
        self.Z1, self.y, self.n = Z1, y, len(y)
        self.Y = np.zeros((len(y), k))
        self.Y[np.arange(len(y)), y] = 1.0
        self.reg = np.full((Z1.shape[1], 1), l2)
        self.reg[-1] = 0.0

    def loss(self, T) -> tuple[float, np.ndarray]:
        L = self.Z1 @ T
        L -= L.max(axis=1, keepdims=True)
        E = np.exp(L)
        s = E.sum(axis=1)
        value = float(np.mean(np.log(s) - L[np.arange(self.n), self.y]) + 0.5 * np.sum(self.reg * T * T))
        return value, E / s[:, None]

    def gradient(self, T, P) -> np.ndarray:
        return self.Z1.T @ (P - self.Y) / self.n + self.reg * T

    def hessian_times(self, P, V) -> np.ndarray:
        A = self.Z1 @ V
        R = P * (A - (P * A).sum(axis=1, keepdims=True))
        return self.Z1.T @ R / self.n + self.reg * V




def _conjugate_gradient(apply, G, forcing: float) -> np.ndarray:
    """Approximately solve ``apply(D) = G`` (symmetric positive semi-definite), to relative residual ``forcing``."""
    D = np.zeros_like(G)
    R = G.copy()
    S = R.copy()
    rr = float(np.sum(R * R))
    goal = (forcing ** 2) * rr
    for _ in range(CG_ITERATIONS):
        HS = apply(S)
        curvature = float(np.sum(S * HS))
        if curvature <= 1e-300:
            break
        alpha = rr / curvature
        D += alpha * S
        R -= alpha * HS
        rr_new = float(np.sum(R * R))
        if rr_new <= goal:
            break
        S = R + (rr_new / rr) * S
        rr = rr_new
    return D


def fit_probe(H, y, *, n_classes: int | None = None, l2: float = PROBE_L2, max_iter: int = PROBE_ITERATIONS,
              tol: float = PROBE_TOL) -> Probe:
    """Fit the linear probe (see the module docstring) on one layer's training representation.

    Parameters
    ----------
    H : ndarray of shape (n, d)
    y : ndarray of shape (n,), integer class labels
    n_classes : number of classes (default ``y.max() + 1``)
    l2 : L2 penalty on the weights
    max_iter : Newton iterations at most
    tol : stop once every gradient entry is smaller than this
    """
    H, y = check_xy(H, y, "fit_probe")
    k = int(n_classes if n_classes is not None else y.max() + 1)
    mean = H.mean(axis=0)
    scale = H.std(axis=0)
    scale[scale < 1e-12] = 1.0  # constant (e.g. dead) units carry no information
    Z1 = np.hstack([(H - mean) / scale, np.ones((len(H), 1))])
    problem = _Softmax(Z1, y, k, l2)
    T = np.zeros((Z1.shape[1], k))
    loss, P = problem.loss(T)
    for _ in range(max_iter):
        G = problem.gradient(T, P)
        biggest = float(np.max(np.abs(G)))
        if biggest < tol:
            break
        D = _conjugate_gradient(lambda V, P=P: problem.hessian_times(P, V), G, forcing=min(0.5, np.sqrt(biggest)))
        slope = float(np.sum(G * D))
        step = 1.0
        for _ in range(30):  # backtracking (Armijo) line search along -D
            trial, P_trial = problem.loss(T - step * D)
            if trial <= loss - 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break  # no decrease possible at this precision: the fit has converged
        T -= step * D
        loss, P = trial, P_trial
    return Probe(mean, scale, T[:-1], T[-1])


def probe_accuracy(H_train, y_train, H_test, y_test, *, n_classes: int | None = None, **probe_options) -> float:
    """Test accuracy of a linear probe fitted on ``(H_train, y_train)``; both H of shape (n, d)."""
    H_test, y_test = check_xy(H_test, y_test, "probe_accuracy")
    if n_classes is None:
        n_classes = int(max(np.max(y_train), y_test.max())) + 1
    probe = fit_probe(H_train, y_train, n_classes=n_classes, **probe_options)
    return float(np.mean(probe.predict(H_test) == y_test))
