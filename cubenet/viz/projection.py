"""Linear views of wide layers: PCA projections aligned between consecutive panels (orthogonal Procrustes).

Only linear projections are used, so what moves on screen moved in the network. Layers of width
1–3 are shown in their own coordinates; wider layers through their top principal components,
rotated/reflected (orthogonal Procrustes) to match the previous panel as closely as possible so
that nothing flips or jumps between panels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cubenet.errors import CubenetError


@dataclass(frozen=True)
class Projection:
    """A linear view ``(H - mean) @ basis`` of a representation with ``n_dims`` features.

    mean : ndarray of shape (n_dims,)
    basis : ndarray of shape (n_dims, k), orthonormal columns
    variance_kept : fraction of the representation's variance the view shows (1.0 for own coordinates)
    native : True when the view is the layer's own coordinates (no projection at all)
    """

    mean: np.ndarray
    basis: np.ndarray
    variance_kept: float
    native: bool

    @property
    def n_dims(self) -> int:
        return self.basis.shape[0]

    @property
    def k(self) -> int:
        return self.basis.shape[1]

    def __call__(self, H) -> np.ndarray:
        """Coordinates of shape (n, k) for ``H`` of shape (n, n_dims)."""
        H = np.asarray(H, dtype=float)
        if H.ndim != 2 or H.shape[1] != self.n_dims:
            raise CubenetError(f"this projection takes arrays of shape (n, {self.n_dims}), got {H.shape}")
        return (H - self.mean) @ self.basis

    def caption(self) -> str:
        """One line saying what the panel shows, e.g. ``projection 8 → 2 dims (PCA), keeps 83% of variance``."""
        if self.native:
            return f"own coordinates ({self.n_dims}-D)" if self.n_dims > 1 else "own coordinate (1-D)"
        return f"projection {self.n_dims} → {self.k} dims (PCA), keeps {self.variance_kept:.0%} of variance"


def identity(n_dims: int) -> Projection:
    """The layer's own coordinates (used for widths 1–3)."""
    return Projection(np.zeros(n_dims), np.eye(n_dims), 1.0, True)


def pca(H, k: int = 2) -> Projection:
    """The top-``k`` principal components of ``H`` (n, d), signs fixed so each axis' largest loading is positive."""
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or len(H) == 0:
        raise CubenetError(f"pca needs a non-empty array of shape (n, d), got {H.shape}")
    d = H.shape[1]
    k = min(k, d)
    mean = H.mean(axis=0)
    cov = np.cov(H - mean, rowvar=False, bias=True).reshape(d, d)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values, vectors = np.clip(values[order], 0, None), vectors[:, order[:k]]
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(k)])
    vectors = vectors * np.where(signs == 0, 1, signs)
    total = values.sum()
    kept = float(values[:k].sum() / total) if total > 0 else 1.0
    return Projection(mean, vectors, kept, False)


def procrustes(source, target) -> np.ndarray:
    """The orthogonal ``R`` (k, k) minimising ``||source @ R - target||`` for centred (n, k) arrays.

    Rotations and reflections are both allowed: a reflection is exactly what undoes the arbitrary
    sign of a principal component.
    """
    U, _, Vt = np.linalg.svd(np.asarray(source, float).T @ np.asarray(target, float))
    return U @ Vt


def _as_k(T: np.ndarray, k: int) -> np.ndarray:
    """Centred ``T`` with exactly ``k`` columns: reduced by its own PCA, or zero-padded."""
    T = T - T.mean(axis=0)
    if T.shape[1] > k:
        return pca(T, k)(T)
    if T.shape[1] < k:
        return np.column_stack([T, np.zeros((len(T), k - T.shape[1]))])
    return T


def align(projection: Projection, H, target) -> Projection:
    """Rotate/reflect ``projection``'s basis so that ``projection(H)`` best matches ``target`` (n, any k).

    The result is still an orthonormal linear projection keeping the same variance.
    """
    if projection.native:
        return projection
    P = projection(H)
    R = procrustes(P - P.mean(axis=0), _as_k(np.asarray(target, float), projection.k))
    return Projection(projection.mean, projection.basis @ R, projection.variance_kept, False)


def view(H, *, previous=None, k: int = 2, max_native: int = 3) -> Projection:
    """How to show one representation ``H`` (n, d): own coordinates if ``d <= max_native``, else aligned PCA.

    previous : ndarray of shape (n, k'), optional
        The same points as drawn in the previous panel; the PCA view is aligned to it.
    """
    H = np.asarray(H, dtype=float)
    if H.shape[1] <= max_native:
        return identity(H.shape[1])
    projection = pca(H, k)
    return projection if previous is None else align(projection, H, previous)


def chain(representations, *, k: int = 2, max_native: int = 3) -> list[Projection]:
    """One view per representation, each wide one aligned to the panel before it.

    representations : sequence of ndarrays of shape (n, d_i), the same n points in every one.
    """
    views, previous = [], None
    for H in representations:
        v = view(H, previous=previous, k=k, max_native=max_native)
        previous = v(H)
        views.append(v)
    return views

