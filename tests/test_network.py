"""Tests of cubenet.nn.network: shapes, the forward trace, and gradients against central differences."""

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.nn import network as nw


def _model(sizes=(3, 5, 4, 6), acts="relu", standardized=False, seed=0):
    params = nw.init_params(sizes, rng=seed, activations=acts)
    mean = scale = None
    if standardized:
        mean, scale = np.array([1.0, -2.0, 0.5][: sizes[0]]), np.array([2.0, 0.5, 1.0][: sizes[0]])
    return nw.Model(params, nw.check_activations(acts, len(sizes) - 2), mean, scale, tuple("abcdef"[: sizes[-1]]))


def test_init_shapes_dtype_and_seed():
    params = nw.init_params((3, 8, 8, 6), rng=1)
    assert [(W.shape, b.shape) for W, b in params] == [((3, 8), (8,)), ((8, 8), (8,)), ((8, 6), (6,))]
    assert all(W.dtype == np.float32 and b.dtype == np.float32 for W, b in params)
    again = nw.init_params((3, 8, 8, 6), rng=1)
    assert all(np.array_equal(W, W2) for (W, _), (W2, _) in zip(params, again))
    assert not np.array_equal(params[0][0], nw.init_params((3, 8, 8, 6), rng=2)[0][0])
    assert nw.init_params((2, 3), rng=0, dtype=np.float64)[0][0].dtype == np.float64


def test_model_properties_and_trace():
    model = _model()
    assert model.sizes == (3, 5, 4, 6) and model.n_layers == 3
    X = np.random.default_rng(0).normal(size=(7, 3))
    trace = nw.forward(model, X)
    assert len(trace) == 3
    assert [t.pre.shape for t in trace] == [(7, 5), (7, 4), (7, 6)]
    np.testing.assert_allclose(trace[0].post, np.maximum(trace[0].pre, 0))
    np.testing.assert_allclose(trace[1].pre, trace[0].post @ model.params[1][0] + model.params[1][1], rtol=1e-6)
    np.testing.assert_allclose(trace[-1].post.sum(axis=1), 1, rtol=1e-5)
    assert np.array_equal(nw.predict(model, X), trace[-1].post.argmax(axis=1))
    np.testing.assert_allclose(nw.predict_proba(model, X), trace[-1].post)


def test_standardize_is_applied_before_layer_0():
    model = _model(standardized=True)
    X = np.random.default_rng(1).normal(size=(5, 3))
    h0 = nw.standardize(model, X)
    np.testing.assert_allclose(h0, (X - model.input_mean) / model.input_scale, rtol=1e-6)
    W, b = model.params[0]
    np.testing.assert_allclose(nw.forward(model, X)[0].pre, h0 @ W + b, rtol=1e-5, atol=1e-6)


def test_dimension_mismatch_is_a_clear_error():
    with pytest.raises(CubenetError, match="expects inputs with 3 features"):
        nw.predict(_model(), np.zeros((4, 2)))


@pytest.mark.parametrize("bad", [(3,), (3, 0, 6), (3, -2, 6), (3, 4, 1), (3, 2.5, 6)])
def test_bad_sizes(bad):
    with pytest.raises(CubenetError, match="sizes"):
        nw.init_params(bad)


def test_bad_activation():
    with pytest.raises(CubenetError, match="unknown activation 'sigmoid'"):
        nw.init_params((2, 3, 2), activations="sigmoid")


def _numeric_grad(theta, sizes, X, Y, acts, l2, eps=1e-6):
    g = np.zeros_like(theta)
    for k in range(theta.size):
        t = theta.copy()
        t[k] += eps
        up = nw.flat_loss_and_grad(t, sizes, X, Y, acts, l2)[0]
        t[k] -= 2 * eps
        down = nw.flat_loss_and_grad(t, sizes, X, Y, acts, l2)[0]
        g[k] = (up - down) / (2 * eps)
    return g


@pytest.mark.parametrize("act", nw.ACTIVATIONS)
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_gradient_matches_central_differences(act, l2):
    rng = np.random.default_rng(3)
    sizes = (3, 5, 4, 3)
    params = nw.init_params(sizes, rng=rng, dtype=np.float64, activations=act)
    params = [(W, b + rng.normal(scale=0.1, size=b.shape)) for W, b in params]  # non-zero biases
    X = rng.normal(size=(11, 3))
    y = rng.integers(0, 3, size=11)
    theta = nw.pack(params)
    loss, g = nw.flat_loss_and_grad(theta, sizes, X, y, (act, act), l2)
    assert np.isfinite(loss) and loss > 0
    np.testing.assert_allclose(g, _numeric_grad(theta, sizes, X, y, (act, act), l2), rtol=1e-5, atol=1e-8)


def test_loss_labels_equal_one_hot_and_l2_term():
    params = nw.init_params((3, 4, 3), rng=0, dtype=np.float64)
    X = np.random.default_rng(0).normal(size=(6, 3))
    y = np.array([0, 1, 2, 2, 1, 0])
    l0, _ = nw.loss_and_grad(params, X, y, ("relu",))
    l1, _ = nw.loss_and_grad(params, X, nw.one_hot(y, 3, dtype=np.float64), ("relu",))
    assert l0 == pytest.approx(l1)
    l2, _ = nw.loss_and_grad(params, X, y, ("relu",), l2=0.5)
    assert l2 - l0 == pytest.approx(0.25 * sum(np.sum(W * W) for W, _ in params))


def test_pack_unpack_roundtrip():
    params = nw.init_params((2, 3, 4), rng=0)
    theta = nw.pack(params)
    assert theta.size == nw.n_params((2, 3, 4)) == 3 * 3 + 4 * 4
    back = nw.unpack(theta, (2, 3, 4))
    assert all(np.array_equal(W, W2) and np.array_equal(b, b2) for (W, b), (W2, b2) in zip(params, back))
    with pytest.raises(CubenetError, match="does not fit"):
        nw.unpack(theta[:-1], (2, 3, 4))


def test_glorot_init_like_scikit_learn():
    params = nw.init_params((64, 32, 10), rng=0, scheme="glorot")
    for (W, b), (fan_in, fan_out) in zip(params, [(64, 32), (32, 10)]):
        bound = np.sqrt(6 / (fan_in + fan_out))
        assert np.abs(W).max() <= bound and np.abs(b).max() <= bound and np.any(b != 0)
        assert W.std() == pytest.approx(bound / np.sqrt(3), rel=0.15)
    he = nw.init_params((64, 32, 10), rng=0)
    assert he[0][0].std() == pytest.approx(np.sqrt(2 / 64), rel=0.1) and not he[0][1].any()
    with pytest.raises(CubenetError, match="unknown initialisation 'xavier'"):
        nw.init_params((2, 3, 2), scheme="xavier")
