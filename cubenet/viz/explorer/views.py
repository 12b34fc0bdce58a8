"""The explorer's linear 3-D views of wide layers: PCA, LDA and probe directions, aligned between layers and epochs.

A view of a representation ``H`` (n, d) is ``(H - mean) @ basis`` with an orthonormal ``basis`` (d, k),
k <= 3. Layers of width 1-3 are drawn in their own coordinates (``basis`` = identity, ``mean`` = 0).
Wider layers get one of three projections, which the page lets the user switch between:

- ``lda``: the discriminant directions (most between-class spread per within-class spread);
- ``probe``: the directions the layer's linear probe reads (its class weights, in raw units);
- ``pca``: the directions of most variance.

A class-aware projection with fewer than three directions (two classes give one) is completed by the
principal components of what it leaves out. Each view is rotated/reflected (orthogonal Procrustes) to
match the layer before it at the final epoch, and every earlier epoch to the final epoch of the same
layer, so that nothing flips while the user scrubs. Rotations keep the span, so the display fidelity
of a view does not depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh

from cubenet.run.metrics import fit_probe
from cubenet.viz.projection import procrustes

KINDS = ("lda", "probe", "pca")
KIND_NAMES = {"lda": "LDA (class separation)", "probe": "probe directions", "pca": "PCA (most variance)"}
#: widths drawn as they are
MAX_NATIVE = 3


@dataclass(frozen=True)
class View:
    """``(H - mean) @ basis``: mean (d,), basis (d, k) with orthonormal columns; native: own coordinates."""

    mean: np.ndarray
    basis: np.ndarray
    native: bool

    def __call__(self, H) -> np.ndarray:
        return (np.asarray(H, float) - self.mean) @ self.basis

    def rotated(self, R: np.ndarray) -> "View":
        return self if self.native else View(self.mean, self.basis @ R, False)


def native(d: int) -> View:
    return View(np.zeros(d), np.eye(d), True)


def _top_eigvecs(C: np.ndarray, k: int) -> np.ndarray:
    values, vectors = np.linalg.eigh((C + C.T) / 2)
    return vectors[:, np.argsort(values)[::-1][:k]]


def _orthonormal(Q: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Orthonormal columns spanning the well-conditioned part of ``Q`` (d, q)."""
    if Q.size == 0:
        return Q.reshape(Q.shape[0], 0)
    U, s, _ = np.linalg.svd(Q, full_matrices=False)
    return U[:, s > tol * max(s.max(), 1e-300)]


def complete(Hc: np.ndarray, Q: np.ndarray, k: int) -> np.ndarray:
    """``Q`` (d, q) plus the principal directions of the centred ``Hc`` outside its span, up to k columns."""
    Q = _orthonormal(Q)[:, :k]
    if Q.shape[1] >= k:
        return Q
    R = Hc - (Hc @ Q) @ Q.T
    extra = _top_eigvecs(R.T @ R, Hc.shape[1])
    extra = extra - Q @ (Q.T @ extra)  # numerically outside Q's span
    return _orthonormal(np.column_stack([Q, extra]))[:, :k]


def pca_view(H, k: int = 3) -> View:
    H = np.asarray(H, float)
    mean = H.mean(axis=0)
    Hc = H - mean
    return View(mean, complete(Hc, np.zeros((H.shape[1], 0)), k), False)


def lda_view(H, y, k: int = 3, reg: float = 1e-6) -> View:
    """Fisher's discriminant directions (generalised eigenvectors of between vs within scatter), orthonormalised."""
    H = np.asarray(H, float)
    mean = H.mean(axis=0)
    Hc = H - mean
    classes = np.unique(y)
    d = H.shape[1]
    Sw, Sb = np.zeros((d, d)), np.zeros((d, d))
    for c in classes:
        Hk = Hc[y == c]
        mk = Hk.mean(axis=0)
        Sw += (Hk - mk).T @ (Hk - mk)
        Sb += len(Hk) * np.outer(mk, mk)
    Sw += reg * (np.trace(Sw) / d + 1e-12) * np.eye(d)
    values, vectors = eigh(Sb, Sw)
    order = np.argsort(values)[::-1][: min(k, len(classes) - 1)]
    order = order[values[order] > 1e-9 * max(values.max(), 1e-300)]
    return View(mean, complete(Hc, vectors[:, order], k), False)


def probe_view(H, probe, k: int = 3) -> View:
    """The directions a fitted linear probe reads, in the layer's raw units (weights ÷ standardisation scale)."""
    H = np.asarray(H, float)
    mean = H.mean(axis=0)
    Wraw = probe.W / probe.scale[:, None]
    Wc = Wraw - Wraw.mean(axis=1, keepdims=True)  # only differences between classes matter
    U, s, _ = np.linalg.svd(Wc, full_matrices=False)
    q = min(k, Wc.shape[1] - 1)
    U = U[:, :q][:, s[:q] > 1e-9 * max(s.max(), 1e-300)]
    return View(mean, complete(H - mean, U, k), False)


def make_view(kind: str, H, y, probe=None) -> View:
    H = np.asarray(H, float)
    if H.shape[1] <= MAX_NATIVE:
        return native(H.shape[1])
    if kind == "pca":
        return pca_view(H)
    if kind == "lda":
        return lda_view(H, y)
    if probe is None:
        probe = fit_probe(H, y, n_classes=int(np.max(y)) + 1, max_iter=30)
    return probe_view(H, probe)


def _pad3(P: np.ndarray) -> np.ndarray:
    P = P - P.mean(axis=0)
    return np.column_stack([P, np.zeros((len(P), 3 - P.shape[1]))]) if P.shape[1] < 3 else P


def align_to(view: View, H, target) -> View:
    """``view`` rotated/reflected so that ``view(H)`` best matches ``target`` (n, k') in the least-squares sense."""
    if view.native:
        return view
    P = view(H)
    T = _pad3(np.asarray(target, float))[:, : P.shape[1]]
    return view.rotated(procrustes(P - P.mean(axis=0), T))


def chain_views(kind: str, fit_reps, ys, probes=None) -> list[View]:
    """One view per representation (fitted on ``fit_reps``), each aligned to the drawing of the one before."""
    views, previous = [], None
    for r, H in enumerate(fit_reps):
        v = make_view(kind, H, ys, None if probes is None else probes[r])
        if previous is not None:
            v = align_to(v, H, previous)
        views.append(v)
        previous = v(H)
    return views


def box_scale(drawn: list[np.ndarray], quantile: float = 0.995) -> float:
    """Half-width of the fixed axis box of one panel: a high quantile of |coordinate| over every drawing."""
    values = np.concatenate([np.abs(P).ravel() for P in drawn if P.size])
    s = float(np.quantile(values, quantile)) if values.size else 1.0
    return s if s > 1e-12 else 1.0
