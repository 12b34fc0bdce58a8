"""Tests of cubenet.nn.steps: the step network's gradient, near-identity start, states and predictions."""

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.nn import network as nw
from cubenet.nn import steps as st


def _params(n_steps=3, dim=3, inner=5, n_classes=4, seed=1, jitter=0.3):
    """Float64 step parameters moved away from the near-identity start (so every term of the gradient matters)."""
    rng = np.random.default_rng(seed)
    params = st.init_steps(n_steps, dim, inner, n_classes, rng=rng, dtype=np.float64)
    return [(M + rng.normal(scale=jitter, size=M.shape), v + rng.normal(scale=jitter, size=v.shape)) for M, v in params]


@pytest.mark.parametrize("l2,motion", [(0.0, 0.0), (0.07, 0.0), (0.0, 0.4), (0.07, 0.4)])
def test_gradient_matches_central_differences(l2, motion):
    params = _params()
    sizes = st.pair_sizes(3, 3, 5, 4)
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(11, 3)), rng.integers(0, 4, size=11)
    theta = nw.pack(params)
    loss, g = st.flat_loss_and_grad(theta, sizes, X, y, l2, motion)
    eps = 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = eps
        numeric[i] = (st.flat_loss_and_grad(theta + e, sizes, X, y, l2, motion)[0]
                      - st.flat_loss_and_grad(theta - e, sizes, X, y, l2, motion)[0]) / (2 * eps)
    np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)
    # the L2 term is the weights' (W, V, head W) and not the biases'; the motion term is mean Σ‖Δ‖² / 2
    bare, _ = st.flat_loss_and_grad(theta, sizes, X, y, 0.0)
    S = st.step_states(st.make_step_model(params), X)
    moved = sum(np.sum((b - a) ** 2) for a, b in zip(S[:-1], S[1:])) / len(X)
    assert loss - bare == pytest.approx(0.5 * l2 * sum(np.sum(M * M) for M, _ in params) + 0.5 * motion * moved)


def test_untrained_deep_stack_barely_moves_points():
    params = st.init_steps(12, 3, 32, 6, rng=0)
    model = st.make_step_model(params)
    X = np.random.default_rng(0).normal(size=(2000, 3))
    states = st.step_states(model, X)
    assert len(states) == 13 and all(s.shape == (2000, 3) and s.dtype == np.float64 for s in states)
    moved = np.linalg.norm(states[-1] - states[0], axis=1)
    radius = np.linalg.norm(states[0], axis=1)
    assert np.all(moved < 0.1 * radius) and moved.mean() < 0.1  # all 12 steps together: under a tenth of |x|


def test_forward_trace_states_and_predictions_agree():
    model = st.make_step_model(_params(n_steps=4, dim=2, inner=6, n_classes=3), input_mean=np.array([1.0, -2.0]),
                               input_scale=np.array([2.0, 0.5]), class_names=("a", "b", "c"))
    assert st.is_step_model(model) and not st.is_step_model(nw.Model(nw.init_params((2, 3))))
    assert model.sizes == (2, 2, 2, 2, 2, 3) and model.n_layers == 5 and model.n_steps == 4 and model.inner == 6
    X = np.random.default_rng(3).normal(size=(40, 2))
    trace = nw.forward(model, X)  # the dense entry point dispatches to the steps
    states = st.step_states(model, X)
    assert len(trace) == 5
    for t, h in zip(trace[:-1], states[1:]):
        assert isinstance(t, st.StepTrace) and t.pre.shape == (40, 6) and np.array_equal(t.inner, np.maximum(t.pre, 0))
        np.testing.assert_allclose(t.post, h, rtol=1e-12)
    np.testing.assert_allclose(states[0], (X - model.input_mean) / model.input_scale)
    logits = states[-1] @ model.head[0] + model.head[1]
    assert np.array_equal(nw.predict(model, X), logits.argmax(axis=1))
    assert np.array_equal(st.predict(model, X), nw.predict(model, X))
    np.testing.assert_allclose(st.predict_proba(model, X).sum(axis=1), 1.0)
    # each step is the straight motion h + t·Δ: the midpoint of a step is the mean of its ends
    W, b, V, c = model.steps()[0]
    delta = np.maximum(states[0] @ W + b, 0) @ V + c
    np.testing.assert_allclose(states[0] + 0.5 * delta, (states[0] + states[1]) / 2)


def test_n_params_counts_every_array():
    params = st.init_steps(5, 3, 16, 6, rng=0)
    assert st.n_params(5, 3, 16, 6) == sum(M.size + v.size for M, v in params) == 5 * (96 + 19) + 24


@pytest.mark.parametrize("edit,match", [
    (lambda p: p[:-1], "two .matrix, bias. pairs per step"),
    (lambda p: [p[0], (p[1][0][:, :2], p[1][1][:2]), p[2]], r"step 1's V, c have shapes \(5, 2\), \(2,\) but dimension 3"),
    (lambda p: [p[0], p[1], (p[2][0], p[2][1][:3])], r"the head's W, b have shapes"),
])
def test_mismatched_shapes_are_refused(edit, match):
    with pytest.raises(CubenetError, match=match):
        st.make_step_model(edit(st.init_steps(1, 3, 5, 4, rng=0)))


def test_step_states_needs_a_step_model():
    with pytest.raises(CubenetError, match="step_states needs a step network"):
        st.step_states(nw.Model(nw.init_params((3, 4))), np.zeros((2, 3)))


@pytest.mark.parametrize("l2,motion", [(0.0, 0.0), (0.05, 0.0), (0.05, 0.3)])
def test_training_kernels_equal_the_reference_gradient(l2, motion):
    from cubenet.nn import kernels as kn
    from cubenet.nn import step_train

    params = _params()
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(9, 3)), rng.integers(0, 4, size=9)
    loss, grads = st.loss_and_grad(params, X, y, l2, motion)
    k = step_train.StepKernels(3, 3, 5, 4, "float64", motion)
    k.set_params(params)
    Xt = kn.columns(X, np.float64)
    for op in k.forward_ops(Xt, 9) + k.backward_ops(Xt, kn.one_hot_columns(y, 4, np.float64) / 9, 9, 1 / 9):
        op()
    np.testing.assert_allclose(k.grad + l2 * k.wmask * k.theta, nw.pack(grads), rtol=1e-10, atol=1e-12)
    train_loss, _ = k.evaluate(Xt, y)
    assert train_loss + k.l2_term(l2) == pytest.approx(loss, rel=1e-10)
    assert [(M.shape, v.shape) for M, v in k.params()] == [(M.shape, v.shape) for M, v in params]


@pytest.fixture(scope="module")
def cube1():
    from cubenet.data.cube import make_color_cube

    return make_color_cube(4000, twists=1, rng=0)


def test_one_twist_cube_is_learned_by_steps(cube1):
    from cubenet.nn.train import TrainConfig, train

    model, history = train(st.StepSpec(), cube1, TrainConfig(epochs=50), rng=0)  # the defaults: 5 steps × 32
    assert isinstance(model, st.StepModel) and model.n_steps == 5 and model.inner == 32
    assert model.config["training"]["lr"] == 0.015 and model.config["training"]["motion"] == 0.1
    assert history.test_accuracy[-1] >= 0.97, history.test_accuracy[-1]
    assert np.mean(nw.predict(model, cube1.X_test) == cube1.y_test) == pytest.approx(history.test_accuracy[-1])
    assert len(history.snapshots) > 2 and all(len(p) == 11 for _, p in history.snapshots)
    again, _ = train(st.StepSpec(), cube1, TrainConfig(epochs=50), rng=0)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(model.params, again.params))  # same seed, same net


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "lbfgs"])
def test_every_optimizer_trains_a_step_network(cube1, optimizer):
    from cubenet.nn.train import TrainConfig, train

    model, history = train(st.StepSpec(3, 8), cube1, TrainConfig(optimizer=optimizer, epochs=15), rng=0)
    assert not history.diverged and history.loss[-1] < 0.8 * history.loss[0]
    more, _ = train(model, cube1, TrainConfig(optimizer=optimizer, epochs=2), rng=1)  # continue a StepModel
    assert isinstance(more, st.StepModel) and more.n_steps == 3


def test_steps_refuse_another_activation(cube1):
    from cubenet.nn.train import TrainConfig, train

    with pytest.raises(CubenetError, match="uses ReLU inside every step"):
        train(st.StepSpec(2, 4), cube1, TrainConfig(epochs=1, activation="tanh"), rng=0)
    with pytest.raises(CubenetError, match="n_steps must be an integer"):
        st.StepSpec(0, 4)


def test_motion_keeps_the_cloud_small_and_is_for_steps_only(cube1):
    from cubenet.nn.train import TrainConfig, train

    spread = {}
    for motion in (0.0, 0.1):
        model, history = train(st.StepSpec(4, 16), cube1, TrainConfig(epochs=8, motion=motion), rng=0)
        assert model.config["training"]["motion"] == motion
        S = st.step_states(model, cube1.X_test)
        spread[motion] = max(np.abs(s).max() for s in S) / np.abs(S[0]).max()
    assert spread[0.1] < 0.2 * spread[0.0] and spread[0.0] > 10  # without it the steps blow the cloud up
    default, _ = train(st.StepSpec(2, 4), cube1, TrainConfig(epochs=1), rng=0)
    assert default.config["training"]["motion"] == 0.1  # unset: the step default, recorded
    with pytest.raises(CubenetError, match="motion=0.1 is a penalty on the moves of a step network"):
        train((3, 4, 6), cube1, TrainConfig(epochs=1, motion=0.1), rng=0)


def test_two_spirals_are_learned_by_2d_steps():
    from cubenet.data.planar import make_spirals
    from cubenet.nn.train import TrainConfig, train

    ds = make_spirals(3000, rng=0)
    model, history = train(st.StepSpec(), ds, TrainConfig(epochs=50), rng=0)
    assert model.dim == 2 and all(h.shape == (len(ds.y_test), 2) for h in st.step_states(model, ds.X_test))
    assert history.test_accuracy[-1] >= 0.99, history.test_accuracy[-1]
