"""Per-layer numbers: the linear probe, nearest centroids, dead units, singular values, and a trained cube."""

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.run import metrics
from vizrun import small_cube, trained


def blobs(n=600, d=5, k=3, spread=0.3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3, size=(k, d))
    y = rng.integers(0, k, n)
    return centers[y] + rng.normal(scale=spread, size=(n, d)), y


def test_probe_reads_separated_blobs_and_not_random_labels():
    X, y = blobs()
    assert metrics.probe_accuracy(X[:400], y[:400], X[400:], y[400:]) == 1.0
    noise = np.random.default_rng(1).integers(0, 3, len(y))
    assert metrics.probe_accuracy(X[:400], noise[:400], X[400:], noise[400:]) < 0.5


def test_probe_handles_constant_and_dead_units():
    X, y = blobs()
    X = np.column_stack([X, np.zeros(len(X)), np.full(len(X), 7.0)])
    probe = metrics.fit_probe(X, y)
    assert np.all(np.isfinite(probe.W))
    assert np.mean(probe.predict(X) == y) == 1.0


def test_solved_cube_is_linearly_separable_and_scrambled_is_not():
    solved = small_cube(2000, twists=0)
    probe = metrics.fit_probe(solved.X_train, solved.y_train, l2=1e-8, max_iter=400)
    assert np.mean(probe.predict(solved.X_train) == solved.y_train) == 1.0  # one plane per face suffices
    test_acc = np.mean(probe.predict(solved.X_test) == solved.y_test)
    assert test_acc >= 0.99
    # the only test points a fitted probe can miss sit right on a cube edge (two faces tie there)
    wrong = probe.predict(solved.X_test) != solved.y_test
    second = np.sort(np.abs(solved.X_test), axis=1)[:, 1]
    assert np.all(1.5 - second[wrong] < 0.02)
    scrambled = small_cube(2000, twists=3)
    assert metrics.probe_accuracy(scrambled.X_train, scrambled.y_train, scrambled.X_test, scrambled.y_test) < 0.65



@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solved_cube_with_sticker_gaps_reads_100_percent(seed):
    """With a bare border around every sticker (like a real cube's black plastic) the faces never touch:
    the layer statistics' own probe (fitted on the training points) reads every test point right."""
    from cubenet.data.cube import make_color_cube
    from cubenet.nn.network import Model, init_params

    solved = make_color_cube(6000, twists=0, gap=0.1, rng=seed)
    model = Model(init_params((3, 4, 6), rng=0), ("relu",), class_names=solved.class_names)
    (raw, *_) = metrics.layer_stats(model, solved)
    assert raw.name == "input" and raw.probe_accuracy == 1.0

def test_centroid_accuracy_and_dead_fraction_and_singular_values():
    X, y = blobs(spread=0.1)
    assert metrics.centroid_accuracy(X, y, X, y) == 1.0
    pre = np.array([[1.0, -1.0, -2.0, 0.5], [-1.0, -3.0, 0.0, 0.2]])
    assert metrics.dead_fraction(pre) == 0.5  # units 2 and 3 never positive
    W = np.diag([3.0, 1.0, 0.5])[:, :2]
    np.testing.assert_allclose(metrics.singular_values(W), [3.0, 1.0])


@pytest.mark.parametrize("H, y, match", [
    (np.full((4, 2), np.nan), np.zeros(4, int), "NaN"),
    (np.zeros((4, 2)), np.zeros(3, int), "expected H of shape"),
    (np.zeros((0, 2)), np.zeros(0, int), "no points"),
])
def test_bad_representations_are_refused(H, y, match):
    with pytest.raises(CubenetError, match=match):
        metrics.fit_probe(H, y)


@pytest.fixture(scope="module")
def cube_run():
    ds = small_cube(3000, twists=3)
    model, history = trained(ds, hidden=(16, 16, 16), epochs=60)
    return ds, model, history


def test_probe_rises_with_depth_to_the_network_accuracy(cube_run):
    from cubenet.nn.network import predict

    ds, model, _ = cube_run
    stats = metrics.layer_stats(model, ds)
    assert [s.name for s in stats] == ["input", "layer 1", "layer 2", "layer 3", "output"]
    assert [s.width for s in stats] == [3, 16, 16, 16, 6]
    network = float(np.mean(predict(model, ds.X_test) == ds.y_test))
    probe = [s.probe_accuracy for s in stats]
    assert network > 0.9
    assert probe[0] < 0.65  # the scrambled input: no plane per colour
    assert probe[3] > probe[1] > probe[0] + 0.15  # unscrambled step by step
    assert abs(probe[3] - network) < 0.03  # the last hidden layer is as readable as the network's answer
    assert stats[0].singular_values is None and len(stats[1].singular_values) == 3
    assert stats[0].dead_fraction is None and 0 <= stats[1].dead_fraction <= 1


def test_probe_by_epoch_table(cube_run):
    ds, model, history = cube_run
    snaps = [history.snapshots[0], history.snapshots[-1]]
    table = metrics.probe_by_epoch(model, snaps, ds, max_points=800)
    assert table["epochs"] == [snaps[0][0], snaps[1][0]]
    A = np.array(table["probe_accuracy"])
    assert A.shape == (5, 2)
    assert A[0, 0] == A[0, 1]  # the input does not train
    assert A[3, 1] > A[3, 0]  # training made the last hidden layer more readable


def test_display_fidelity_is_drawn_probe_over_full_probe():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 100)
    H = rng.normal(size=(400, 6)) * 0.3
    H[np.arange(400), 2 + y] += 3.0          # the classes live in coordinates 2..5, not 0..1
    full = metrics.probe_accuracy(H[::2], y[::2], H[1::2], y[1::2])
    assert full > 0.95
    shadow = metrics.display_fidelity(H[::2, :2], y[::2], H[1::2, :2], y[1::2], full)
    assert shadow < 0.5                       # a view of the wrong two coordinates hides the classes
    kept = metrics.display_fidelity(H[::2, 2:5], y[::2], H[1::2, 2:5], y[1::2], full)
    assert kept > 0.9                          # three of the four class directions show three classes and the rest


def memorisable_noise(n_train=60, n_test=2000, d=80, seed=3):
    """Random features with random labels: more features than training points, so a linear probe can
    memorise the training labels exactly, while the test labels are unrelated to anything it learnt."""
    rng = np.random.default_rng(seed)
    H_train, H_test = rng.normal(size=(n_train, d)), rng.normal(size=(n_test, d))
    return H_train, rng.integers(0, 2, n_train), H_test, rng.integers(0, 2, n_test)


def test_a_probe_that_memorised_its_training_labels_reads_chance_on_test():
    """A probe scored on its own training points would read 1.0 here; scored on held-out points it reads chance."""
    H_train, y_train, H_test, y_test = memorisable_noise()
    memorised = metrics.fit_probe(H_train, y_train)
    assert np.mean(memorised.predict(H_train) == y_train) == 1.0
    assert abs(metrics.probe_accuracy(H_train, y_train, H_test, y_test) - 0.5) < 0.06  # 5 sigma of 2000 coin flips


def test_layer_stats_score_every_probe_on_the_test_points():
    from cubenet.data.dataset import Dataset
    from cubenet.nn.train import TrainConfig, train

    H_train, y_train, H_test, y_test = memorisable_noise()
    ds = Dataset(H_train, y_train, H_test, y_test, ("a", "b"), ("#000000", "#ffffff"), {})
    model, _ = train((80, 4, 2), ds, TrainConfig(epochs=1), rng=0)
    stats = metrics.layer_stats(model, ds)
    assert abs(stats[0].probe_accuracy - 0.5) < 0.06  # the input layer: memorisable, random
    assert all(abs(s.probe_accuracy - 0.5) < 0.1 for s in stats)
