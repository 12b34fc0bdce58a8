"""Tests of cubenet.nn.train: the fast kernels match the reference gradient, optimisers learn, stops and records."""

import numpy as np
import pytest

from cubenet import threads
from cubenet.data.cube import make_color_cube
from cubenet.data.dataset import Dataset
from cubenet.errors import CubenetError
from cubenet.nn import kernels as kn
from cubenet.nn import network as nw
from cubenet.nn import train as tr
from cubenet.nn.train import TrainConfig, train


def xor_dataset(n=200, seed=0):
    """Four clusters at (±1, ±1); the class is the XOR of the signs."""
    rng = np.random.default_rng(seed)
    X = rng.choice([-1.0, 1.0], size=(n, 2)) + rng.normal(scale=0.15, size=(n, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    return Dataset(X[: n // 2], y[: n // 2], X[n // 2:], y[n // 2:], ("same", "different"), ("#000000", "#ffffff"),
                   {"generator": "xor"})


@pytest.mark.parametrize("act", nw.ACTIVATIONS)
@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_kernel_gradient_equals_reference(act, l2):
    rng = np.random.default_rng(1)
    sizes = (3, 6, 5, 4)
    params = [(W, b + rng.normal(scale=0.1, size=b.shape)) for W, b in
              nw.init_params(sizes, rng=rng, dtype=np.float64, activations=act)]
    X = rng.normal(size=(9, 3))
    y = rng.integers(0, 4, size=9)
    loss, grads = nw.loss_and_grad(params, X, y, (act, act), l2)
    k = kn.Kernels(sizes, (act, act), "float64")
    k.set_params(params)
    Xt = kn.columns(X, np.float64)
    for op in k.forward_ops(Xt, 9) + k.backward_ops(Xt, kn.one_hot_columns(y, 4, np.float64) / 9, 9, 1 / 9):
        op()
    g = k.grad + l2 * k.wmask * k.theta
    np.testing.assert_allclose(g, nw.pack(grads), rtol=1e-10, atol=1e-12)
    k2_loss, _ = k.evaluate(Xt, y)
    assert k2_loss + k.l2_term(l2) == pytest.approx(loss, rel=1e-10)


@pytest.mark.parametrize("optimizer,lr,epochs", [("adam", 0.02, 60), ("sgd", 0.3, 120), ("momentum", 0.1, 60),
                                                  ("lbfgs", None, 100)])
def test_every_optimizer_learns_xor(optimizer, lr, epochs):
    ds = xor_dataset()
    cfg = TrainConfig(optimizer=optimizer, lr=lr, epochs=epochs, batch_size=16)
    model, hist = train((2, 8, 8, 2), ds, cfg, rng=0)
    assert hist.train_accuracy[-1] == 1.0 and hist.test_accuracy[-1] == 1.0
    assert (nw.predict(model, ds.X_test) == ds.y_test).all()
    assert hist.loss[-1] < hist.loss[0]


def test_nesterov_learns_xor():
    model, hist = train((2, 8, 8, 2), xor_dataset(), TrainConfig(optimizer="momentum", nesterov=True, lr=0.1,
                                                                  epochs=60, batch_size=16), rng=0)
    assert hist.test_accuracy[-1] == 1.0


def test_color_cube_three_twists():
    ds = make_color_cube(8000, twists=3, rng=7)
    cfg = TrainConfig(lr=0.01, epochs=30, batch_size=64, schedule="cosine")
    model, hist = train((3, 32, 32, 6), ds, cfg, rng=0)
    assert hist.test_accuracy[-1] >= 0.95
    assert (nw.predict(model, ds.X_test) == ds.y_test).mean() == pytest.approx(hist.test_accuracy[-1])


def test_same_seed_same_weights_and_history():
    ds = xor_dataset()
    cfg = TrainConfig(lr=0.02, epochs=5, batch_size=16)
    (m1, h1), (m2, h2) = train((2, 8, 2), ds, cfg, rng=3), train((2, 8, 2), ds, cfg, rng=3)
    assert all(np.array_equal(W, W2) and np.array_equal(b, b2) for (W, b), (W2, b2) in zip(m1.params, m2.params))
    assert np.array_equal(h1.loss, h2.loss)
    m3, _ = train((2, 8, 2), ds, cfg, rng=4)
    assert not np.array_equal(m1.params[0][0], m3.params[0][0])


def test_history_snapshots_and_model_record():
    ds = xor_dataset()
    cfg = TrainConfig(lr=0.02, epochs=30, batch_size=16, snapshot_epochs=(0, 5, 10))
    seen = []
    model, hist = train((2, 8, 2), ds, cfg, rng=0, callback=lambda epoch, h: seen.append((epoch, len(h.epochs))))
    assert list(hist.epochs) == list(range(31)) and hist.stop_reason == "completed 30 epochs"
    assert seen == [(e, e + 1) for e in range(31)]
    assert [e for e, _ in hist.snapshots] == [0, 5, 10, 30]
    assert np.all(np.diff(hist.seconds) >= 0) and len(hist.loss) == len(hist.test_accuracy) == 31
    last = hist.snapshots[-1][1]
    assert all(np.array_equal(W, W2) for (W, _), (W2, _) in zip(last, model.params))
    assert not np.array_equal(hist.snapshots[0][1][0][0], model.params[0][0])
    assert model.config["sizes"] == [2, 8, 2] and model.config["training"]["optimizer"] == "adam"
    assert model.class_names == ("same", "different") and model.input_mean.shape == (2,)


def test_default_snapshot_schedule():
    sched = tr.snapshot_schedule(100, 24)
    assert sched[0] == 0 and sched[-1] == 100 and len(sched) <= 24 and sched == tuple(sorted(set(sched)))
    assert tr.snapshot_schedule(5, 24) == (0, 1, 2, 3, 4, 5)


def test_target_accuracy_and_patience_stop_early():
    ds = xor_dataset()
    _, hist = train((2, 8, 8, 2), ds, TrainConfig(lr=0.02, epochs=200, batch_size=16, target_accuracy=0.9), rng=0)
    assert hist.epochs[-1] < 200 and hist.stop_reason.startswith("reached the target")
    assert hist.train_accuracy[-1] >= 0.9
    _, hist = train((2, 8, 8, 2), ds, TrainConfig(lr=0.02, epochs=500, batch_size=16, patience=3, tol=0.05), rng=0)
    assert hist.epochs[-1] < 500 and hist.stop_reason.startswith("plateau")


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_divergence_is_caught(optimizer):
    ds = xor_dataset()
    big = Dataset(ds.X_train * 1000, ds.y_train, ds.X_test * 1000, ds.y_test, ds.class_names, ds.class_colors, {})
    model, hist = train((2, 8, 8, 2), big, TrainConfig(optimizer=optimizer, lr=5.0, epochs=30, batch_size=4,
                                                       standardize=False, max_weight=1e3), rng=0)
    assert hist.diverged and "Lower the learning rate (try --lr 0.5)" in hist.stop_reason
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in model.params)
    assert np.abs(model.params[0][0]).max() <= 1e3
    assert np.isfinite(hist.loss).all()


def test_continue_training_a_model_and_dimension_mismatch():
    ds = xor_dataset()
    model, _ = train((2, 8, 2), ds, TrainConfig(lr=0.02, epochs=3, batch_size=16), rng=0)
    more, hist = train(model, ds, TrainConfig(lr=0.02, epochs=3, batch_size=16), rng=0)
    assert np.array_equal(more.input_mean, model.input_mean) and hist.epochs[-1] == 3
    cube = make_color_cube(100, twists=1, rng=0)
    with pytest.raises(CubenetError, match="expects inputs with 2 features but the dataset has 3"):
        train(model, cube)
    with pytest.raises(CubenetError, match="do not fit the dataset"):
        train((2, 4, 6), cube)


@pytest.mark.parametrize("kwargs,match", [
    ({"lr": 0.0}, "learning rate must be > 0"), ({"lr": -1.0}, "learning rate"), ({"lr": 50.0}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"), ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"),
    ({"optimizer": "rmsprop"}, "unknown optimizer"), ({"l2": -1.0}, "l2"), ({"target_accuracy": 1.5}, "target"),
    ({"patience": 0}, "patience"), ({"schedule": "step"}, "schedule"), ({"momentum": 1.0}, "momentum"), ({"activation": "sigmoid"}, "activation"),
])
def test_bad_settings(kwargs, match):
    with pytest.raises(CubenetError, match=match):
        train((2, 4, 2), xor_dataset(), TrainConfig(**kwargs))


def test_eval_subsets_and_exact_final_row():
    ds = make_color_cube(1200, twists=1, rng=0)
    model, hist = train((3, 8, 6), ds, TrainConfig(lr=0.01, epochs=3, eval_points=100), rng=0)
    assert hist.test_accuracy[-1] == pytest.approx((nw.predict(model, ds.X_test) == ds.y_test).mean())
    assert hist.train_accuracy[-1] == pytest.approx((nw.predict(model, ds.X_train) == ds.y_train).mean())


def test_blas_threads_restored():
    controls = threads.openblas_controls()
    before = [get() for get, _ in controls]
    with threads.single_blas_thread():
        assert all(get() == 1 for get, _ in controls)
    assert [get() for get, _ in controls] == before


def test_lbfgs_records_every_iteration():
    ds = xor_dataset()
    seen = []
    _, hist = train((2, 8, 8, 2), ds, TrainConfig(optimizer="lbfgs", epochs=40, tol=1e-12), rng=0,
                    callback=lambda e, h: seen.append(e))
    assert list(hist.epochs) == list(range(len(hist.epochs))) == seen
    assert len(hist.epochs) > 10 and np.all(np.diff(hist.loss) <= 1e-12)
    assert hist.snapshots[0][0] == 0 and hist.snapshots[-1][0] == hist.epochs[-1]


@pytest.mark.parametrize("eval_points,steps", [(2000, False), (100, False), (100, True)])
def test_lbfgs_history_scores_every_training_point_of_each_iterate(eval_points, steps):
    """L-BFGS hands the recorder the accuracy it saw while computing the loss: it is each iterate's accuracy
    on every training point (not a subset), and the model's own prediction agrees."""
    from dataclasses import replace

    from cubenet.nn.steps import StepSpec

    ds = make_color_cube(600, twists=3, rng=1)
    cfg = TrainConfig(optimizer="lbfgs", epochs=25, tol=1e-12, eval_points=eval_points, snapshot_epochs=range(26))
    model, hist = train(StepSpec(3, 8) if steps else (3, 12, 12, ds.n_classes), ds, cfg, rng=0)
    assert len(hist.snapshots) == len(hist.epochs) > 10
    for (epoch, params), accuracy in zip(hist.snapshots, hist.train_accuracy):
        assert np.mean(nw.predict(replace(model, params=list(params)), ds.X_train) == ds.y_train) == accuracy, epoch


def test_unusable_starting_model_is_refused():
    ds = xor_dataset()
    model, _ = train((2, 4, 2), ds, TrainConfig(epochs=1), rng=0)
    broken = nw.Model([(np.full_like(W, np.nan), b) for W, b in model.params], model.activations,
                      model.input_mean, model.input_scale, model.class_names)
    with pytest.raises(CubenetError, match="starting parameters are unusable"):
        train(broken, ds, TrainConfig(epochs=2))


def _spirals_with(**arrays):
    from cubenet.data.planar import make_spirals

    ds = make_spirals(300, rng=0)
    parts = {"X_train": ds.X_train, "y_train": ds.y_train, "X_test": ds.X_test, "y_test": ds.y_test, **arrays}
    return Dataset(parts["X_train"], parts["y_train"], parts["X_test"], parts["y_test"], ds.class_names,
                   ds.class_colors)


@pytest.mark.parametrize("arrays,match", [
    ({"y_train": "minus one"}, "y_train has label -1 outside 0..1"),
    ({"y_train": "halves"}, "y_train must hold integer labels"),
    ({"X_train": "nan"}, "X_train has a non-finite value"),
    ({"X_test": "narrow"}, "X_train has 2 features but X_test has 1"),
    ({"X_train": "list"}, "X_train must be a numpy array, got list"),
])
def test_an_in_memory_dataset_is_checked_before_training(arrays, match):
    ds = _spirals_with()
    make = {"minus one": lambda: ds.y_train - 1, "halves": lambda: ds.y_train * 0.5,
            "nan": lambda: np.where(np.arange(ds.X_train.size).reshape(ds.X_train.shape) == 7, np.nan, ds.X_train),
            "narrow": lambda: ds.X_test[:, :1], "list": lambda: ds.X_train.tolist()}
    bad = _spirals_with(**{k: make[v]() for k, v in arrays.items()})
    with pytest.raises(CubenetError, match=match):
        train((2, 4, 2), bad, TrainConfig(epochs=1), rng=0)


@pytest.mark.parametrize("args,config,match", [
    ((16,), None, r"sizes must list the layer widths"),
    (((2, 4, 2),), TrainConfig(lr="0.01"), "lr must be a number"),
    (((2, 4, 2),), TrainConfig(snapshot_epochs=5), "snapshot_epochs must be a list"),
    (((2, 4, 2),), TrainConfig(standardize="no"), "standardize must be True or False"),
    (((2, 4, 2),), TrainConfig(max_weight=0), "max_weight must be > 0"),
    (((2, 4, 2),), "adam", "config must be a TrainConfig"),
])
def test_wrong_types_for_train_get_one_clear_error(args, config, match):
    with pytest.raises(CubenetError, match=match):
        train(*args, _spirals_with(), config, rng=0)
    with pytest.raises(CubenetError, match="train needs a cubenet Dataset"):
        train((2, 4, 2), (np.zeros((4, 2)), np.zeros(4)))


def test_a_config_dict_is_accepted_and_predict_refuses_bad_points():
    model, history = train((2, 4, 2), _spirals_with(), {"epochs": 2}, rng=0)
    assert len(history.epochs) == 3
    with pytest.raises(CubenetError, match="inputs must be finite: row 1"):
        nw.predict(model, [[0.0, 0.0], [np.nan, 0.0]])
    with pytest.raises(CubenetError, match=r"pass the points, not the whole dataset"):
        nw.predict(model, _spirals_with())


def test_a_callback_that_returns_true_stops_training():
    import cubenet

    ds = cubenet.make_spirals(300, rng=0)
    seen = []

    def callback(epoch, history):
        seen.append(epoch)
        return epoch == 3

    model, history = tr.train((2, 8, 2), ds, tr.TrainConfig(epochs=50), rng=0, callback=callback)
    assert seen == [0, 1, 2, 3]
    assert history.epochs[-1] == 3 and history.stop_reason.startswith("stopped at epoch 3")


def _reference_adam(params, X, y, n_classes, acts, *, epochs, batch, lr, l2, order_seed, b1=0.9, b2=0.999, eps=1e-8):
    """Minibatch Adam written out plainly in float64 (the trainer's specification, without its buffers and fusions):
    per epoch a permutation from ``order_seed``'s generator, batches in that order (the last one smaller), mean
    cross-entropy + l2/2·Σ‖W‖² (weights only), cosine-annealed rate, Adam as Kingma & Ba's efficient form."""
    params = [(W.astype(np.float64), b.astype(np.float64)) for W, b in params]
    f = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}
    df = {"relu": lambda z: (z > 0) * 1.0, "tanh": lambda z: 1 - np.tanh(z) ** 2,
          "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.01)}
    m = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    order, t = np.random.default_rng(order_seed), 0
    for epoch in range(1, epochs + 1):
        rate = lr * 0.5 * (1 + np.cos(np.pi * (epoch - 1) / epochs))
        perm = order.permutation(len(y))
        for s in range(0, len(y), batch):
            idx = perm[s: s + batch]
            hs, zs = [X[idx]], []
            for i, (W, b) in enumerate(params):
                zs.append(hs[-1] @ W + b)
                hs.append(f[acts[i]](zs[-1]) if i < len(acts) else None)
            z = zs[-1] - zs[-1].max(axis=1, keepdims=True)
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            delta = (p - np.eye(n_classes)[y[idx]]) / len(idx)
            grads = []
            for i in range(len(params) - 1, -1, -1):
                grads.append((hs[i].T @ delta + l2 * params[i][0], delta.sum(axis=0)))
                if i:
                    delta = (delta @ params[i][0].T) * df[acts[i - 1]](zs[i - 1])
            t += 1
            rate_t = rate * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            new = []
            for i, g in enumerate(reversed(grads)):
                layer = []
                for j in range(2):
                    m[i][j][...] = b1 * m[i][j] + (1 - b1) * g[j]
                    v[i][j][...] = b2 * v[i][j] + (1 - b2) * g[j] ** 2
                    layer.append(params[i][j] - rate_t * m[i][j] / (np.sqrt(v[i][j]) + eps))
                new.append(tuple(layer))
            params = new
    return params


@pytest.mark.parametrize("sizes,act,dtype", [
    ((3, 7, 5, 6, 4), "relu", "float32"), ((3, 64, 64, 64, 6), "relu", "float32"), ((2, 9, 3), "relu", "float32"),
    ((5, 4), "relu", "float32"), ((3, 6, 5, 4), "tanh", "float32"), ((3, 6, 5, 4), "leaky_relu", "float32"),
    ((3, 64, 64, 6), "relu", "float64")])
def test_trained_parameters_equal_a_plain_reference(sizes, act, dtype):
    """Three epochs of the fast trainer (fused kernels) land on the parameters of the plain float64 reference
    above, to the rounding of the trainer's dtype (float32: rtol 1e-4; float64: 1e-9): every layer, every shape,
    weights and biases, the smaller last batch, L2 on weights only, the schedule and Adam's corrections."""
    rng = np.random.default_rng(5)
    n, n_classes = 150, sizes[-1]
    X = rng.normal(size=(2 * n, sizes[0]))
    y = (np.arange(2 * n) * 7 % n_classes).astype(np.int64)
    X[np.arange(2 * n), y % sizes[0]] += 1.5  # learnable, so gradients are not all noise
    ds = Dataset(X[:n], y[:n], X[n:], y[n:], tuple(f"c{c}" for c in range(n_classes)), ("#000000",) * n_classes, {})
    acts = (act,) * (len(sizes) - 2)
    seeds = {"init": 11, "batches": 12, "evaluation": 13}
    cfg = TrainConfig(optimizer="adam", lr=0.01, epochs=3, batch_size=16, l2=0.01, activation=act, standardize=False,
                      dtype=dtype)
    model, _ = train(sizes, ds, cfg, rng=seeds)
    start = nw.init_params(sizes, rng=np.random.default_rng(11), dtype=np.dtype(dtype), activations=acts)
    expected = _reference_adam(start, X[:n], y[:n], n_classes, acts, epochs=3, batch=16, lr=0.01, l2=0.01, order_seed=12)
    assert len(model.params) == len(expected)
    rtol, atol = (1e-4, 2e-6) if dtype == "float32" else (1e-9, 1e-12)
    for (W, b), (W_ref, b_ref) in zip(model.params, expected):
        assert W.shape == W_ref.shape and b.shape == b_ref.shape and W.dtype == np.dtype(dtype)
        np.testing.assert_allclose(W, W_ref, rtol=rtol, atol=atol)
        np.testing.assert_allclose(b, b_ref, rtol=rtol, atol=atol)
    moved = sum(float(np.abs(W - W0).max()) for (W, _), (W0, _) in zip(model.params, start))
    assert moved > 0.05  # training did change the parameters (the comparison above is not between two starts)


def test_garbage_collector_paused_while_training_and_restored():
    import gc

    seen = []
    assert gc.isenabled()
    train((2, 4, 2), xor_dataset(), TrainConfig(epochs=2, batch_size=16), rng=0,
          callback=lambda epoch, h: seen.append(gc.isenabled()))
    assert gc.isenabled() and seen == [True, True, True]  # the callback runs as the caller had it
    gc.disable()
    try:
        train((2, 4, 2), xor_dataset(), TrainConfig(epochs=2, batch_size=16), rng=0,
              callback=lambda epoch, h: seen.append(gc.isenabled()))
        assert not gc.isenabled() and seen[3:] == [False, False, False]
    finally:
        gc.enable()
