"""Aligned PCA views: variance kept, own coordinates for narrow layers, no flips between panels."""

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.viz import projection as proj


def spread_data(n=500, stds=(3.0, 2.0, 1.0, 0.5, 0.25), seed=0):
    return np.random.default_rng(seed).normal(size=(n, len(stds))) * np.array(stds)


def random_orthogonal(d, seed=1):
    Q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))
    return Q


def test_pca_keeps_the_expected_variance_with_orthonormal_axes():
    H = spread_data(20000)
    p = proj.pca(H, 2)
    eig = np.sort(np.linalg.eigvalsh(np.cov(H, rowvar=False)))[::-1]
    assert p.variance_kept == pytest.approx(eig[:2].sum() / eig.sum(), rel=1e-9)
    assert p.variance_kept == pytest.approx(13 / 14.3125, abs=0.01)  # the generating spreads 3, 2, 1, .5, .25
    np.testing.assert_allclose(p.basis.T @ p.basis, np.eye(2), atol=1e-10)
    assert p(H).shape == (20000, 2)
    assert "projection 5 → 2 dims (PCA), keeps" in p.caption()


@pytest.mark.parametrize("width", [1, 2, 3])
def test_narrow_layers_are_drawn_in_their_own_coordinates(width):
    H = spread_data(stds=(1.0, 2.0, 3.0)[:width])
    view = proj.view(H)
    assert view.native and view.variance_kept == 1.0
    np.testing.assert_array_equal(view(H), H)
    assert "own coordinate" in view.caption()


def test_procrustes_recovers_a_rotation_with_reflection():
    A = spread_data(stds=(3.0, 1.0))
    A = A - A.mean(axis=0)
    R = np.array([[0.0, 1.0], [1.0, 0.0]])  # a reflection
    np.testing.assert_allclose(proj.procrustes(A @ R, A), R.T, atol=1e-10)


def test_alignment_removes_the_sign_flip_between_panels():
    H = spread_data(stds=(3.0, 2.0, 1.0, 0.5, 0.25, 0.1))
    flipped = -H @ random_orthogonal(6)  # the same cloud, rotated and mirrored in 6-D
    first = proj.view(H)
    unaligned = proj.view(flipped)(flipped)
    aligned_views = proj.chain([H, flipped])
    aligned = aligned_views[1](flipped)
    # on its own, PCA shows the second panel turned/mirrored; aligned, it is the same picture
    assert not np.allclose(unaligned, first(H), atol=1e-6)
    np.testing.assert_allclose(aligned, first(H), atol=1e-8)
    basis = aligned_views[1].basis
    np.testing.assert_allclose(basis.T @ basis, np.eye(2), atol=1e-10)
    assert aligned_views[1].variance_kept == pytest.approx(first.variance_kept)


def test_alignment_follows_a_native_3d_panel_before_a_wide_one():
    X = spread_data(stds=(3.0, 2.0, 0.5))
    H = np.column_stack([X, np.zeros((len(X), 5))]) @ random_orthogonal(8)
    views = proj.chain([X, H])
    assert views[0].native and not views[1].native
    np.testing.assert_allclose(views[1](H), proj.pca(X, 2)(X), atol=1e-8)


def test_wrong_width_is_refused():
    p = proj.pca(spread_data(), 2)
    with pytest.raises(CubenetError, match=r"shape \(n, 5\)"):
        p(np.zeros((3, 4)))
