"""Synthetic digits: formats per size, determinism, balance, recorded moves, distortion vs strength, real handwriting."""

import os
import subprocess
import sys

import numpy as np
import pytest

from cubenet.data import digits as D
from cubenet.data.io import load, save
from cubenet.data.registry import make_dataset
from cubenet.errors import CubenetError


@pytest.fixture(scope="module")
def ds8():
    return D.make_digits(1200, rng=7)


def test_optdigits_format(ds8):
    X = ds8.X
    assert ds8.meta["kind"] == "digits" and ds8.meta["image_shape"] == [8, 8]
    assert ds8.class_names == tuple("0123456789")
    assert X.shape == (1200, 64) and X.dtype == np.float64
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    images = X.reshape(-1, 8, 8)
    # normalised like optdigits: ink fills all 8 rows, about 312 "on" pixels of 1,024, mostly 6 blocks wide
    assert np.mean((images.sum(axis=2) > 0).all(axis=1)) > 0.98
    assert 290 < X.sum(axis=1).mean() < 335
    width = np.bincount((images.sum(axis=1) > 0).sum(axis=1), minlength=9)
    assert width.argmax() == 6 and width[4:].sum() > 0.98 * len(X)


@pytest.mark.parametrize("size", [16, 28])
def test_greyscale_sizes(size):
    ds = D.make_digits(200, size=size, strength=3, rng=1)
    assert ds.X.shape == (200, size * size) and ds.meta["image_shape"] == [size, size]
    assert ds.X.min() >= 0.0 and ds.X.max() <= 1.0
    assert len(np.unique(ds.X)) > 50  # greyscale, not binary
    assert ds.meta["moves"][-2:] == ["blur", "noise"]


def test_same_seed_same_images_and_different_seeds_differ():
    a, b, c = D.make_digits(300, rng=3), D.make_digits(300, rng=3), D.make_digits(300, rng=4)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.X_test, b.X_test)
    assert np.array_equal(a.y, b.y) and a.meta == b.meta
    assert not np.array_equal(a.X, c.X)


def test_every_class_present_and_balanced_in_both_parts(ds8):
    for y in (ds8.y_train, ds8.y_test):
        counts = np.bincount(y, minlength=10)
        assert counts.min() > 0 and counts.max() - counts.min() <= 1
    assert len(ds8.y_test) == 300


def test_moves_are_recorded_and_regenerate_the_image(ds8):
    assert ds8.meta["moves"][:5] == ["style", "jitter", "rotate", "shear", "warp"]
    for index in (0, 700, 1199):  # several blocks, train and test
        assert np.array_equal(D.regenerate(ds8, index), ds8.X[index])
        moves = D.sample_moves(ds8, index)
        assert moves[0].kind == "style" and moves[0].params["digit"] == ds8.y[index]
        assert {m.kind for m in moves} == set(ds8.meta["moves"])
        assert "rotate(degrees=" in " ".join(map(str, moves))
    with pytest.raises(CubenetError, match="index must be an image number between 0 and 1199, got 1200"):
        D.sample_moves(ds8, 1200)


def test_moves_list_every_kind_with_its_parameters(ds8):
    moves = {m.kind: m.params for m in D.sample_moves(ds8, 5)}
    assert list(moves) == ds8.meta["moves"] == ["style", *D.KINDS]
    assert moves["aspect"]["factor"] > 0 and moves["pen"]["log_pressure"].shape == (D.moves.PEN_NODES,)
    assert moves["style"]["style"] in D.STYLES[moves["style"]["digit"]]


def test_block_counts_are_the_32x32_bitmap_counted_in_4x4_blocks():
    """The optdigits pipeline: a binary 32×32 bitmap, glyph normalised to its full height, 4×4 blocks counted."""
    rng = np.random.default_rng(0)
    labels = np.arange(200) % 10
    moves = D.draw_moves(labels, 2, 8, rng=rng)
    bitmap = D.raster.bitmaps(moves, 8)
    assert bitmap.shape == (200, 32, 32) and bitmap.dtype == bool
    counts = D.render(moves, 8)
    assert np.array_equal(counts, bitmap.reshape(200, 8, 4, 8, 4).sum((2, 4)).reshape(200, 64))
    rows = bitmap.any(axis=2)
    assert rows[:, :4].any(axis=1).all() and rows[:, -4:].any(axis=1).all()  # ink in the top and bottom block rows
    assert np.mean(rows[:, 0] | rows[:, 1]) > 0.97 and np.mean(rows[:, -1] | rows[:, -2]) > 0.97  # nearly full height
    _, r, ink = D.raster.place(D.moves.skeleton_points(moves), moves, D.FRAMES[8])
    assert np.all(bitmap.sum((1, 2)) >= np.round(ink)) and np.all(bitmap.sum((1, 2)) <= np.round(ink) + 3)
    assert 250 < np.median(ink) < 370 and np.all(r > 0)


def test_styles_are_drawn_with_their_weights():
    sk = D.skeletons()
    labels = np.repeat(np.arange(10), 20_000)
    style = D.styles.pick_styles(labels, np.random.default_rng(1).random(len(labels)))
    assert np.array_equal(np.array([sk.names[s][0] for s in style]), labels)  # always a style of its digit
    for digit in (1, 7, 9):
        first, count = sk.first[digit], sk.count[digit]
        seen = np.bincount(style[labels == digit] - first, minlength=count) / 20_000
        w = np.array([D.WEIGHTS[digit].get(name, 1.0) for name in D.STYLES[digit]])
        assert np.allclose(seen, w / w.sum(), atol=0.01), (digit, seen)
        assert seen.min() > 0.03  # every style still drawn
    assert all(set(D.WEIGHTS[d]) <= set(D.STYLES[d]) for d in D.WEIGHTS)  # no weight for a style that does not exist


def test_same_images_on_1_2_and_4_threads():
    """BLAS threads never change an image (the products are small and split by rows, not along the sums)."""
    code = ("import hashlib; from cubenet.data.digits import make_digits; "
            "print(*(hashlib.sha256(make_digits(600, size=s, rng=3).X.tobytes()).hexdigest() for s in (8, 28)))")
    digests = set()
    for threads in ("1", "2", "4"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        digests.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(digests) == 1, digests


def test_twists_is_a_deprecated_name_of_strength():
    with pytest.warns(DeprecationWarning, match="use strength="):
        old = D.make_digits(300, twists=4, rng=2)
    new = D.make_digits(300, strength=4, rng=2)
    assert np.array_equal(old.X, new.X) and old.meta == new.meta and new.meta["params"]["strength"] == 4
    with pytest.warns(DeprecationWarning), pytest.raises(CubenetError, match="twists must be an integer between 0 and 10, got 11"):
        D.make_digits(300, twists=11)


def test_files_written_before_the_rename_still_regenerate(ds8):
    """A dataset file from before ``strength`` records ``params["twists"]``; its moves still regenerate."""
    import dataclasses

    params = {("twists" if k == "strength" else k): v for k, v in ds8.meta["params"].items()}
    old = dataclasses.replace(ds8, meta={**ds8.meta, "params": params})
    assert np.array_equal(D.regenerate(old, 900), ds8.X[900])
    assert [str(m) for m in D.sample_moves(old, 5)] == [str(m) for m in D.sample_moves(ds8, 5)]


def test_moves_survive_the_dataset_file(ds8, tmp_path):
    back = load(save(ds8, tmp_path / "d.npz"))
    assert np.array_equal(D.regenerate(back, 900), ds8.X[900])


def test_distortion_grows_with_strength():
    """Mean pixel distance of each image to its own undistorted twin (same seed, strength 0) grows with strength."""
    clean = D.make_digits(600, strength=0, rng=5)
    distances = [np.linalg.norm(D.make_digits(600, strength=t, rng=5).X - clean.X, axis=1).mean() for t in (0, 1, 2, 4, 8)]
    assert distances[0] == 0
    assert all(a < b for a, b in zip(distances, distances[1:])), distances
    assert clean.meta["moves"] == ["style"] and [m.kind for m in D.sample_moves(clean, 3)] == ["style"]


def test_styles_compile_to_curves_through_their_key_points():
    sk = D.skeletons()
    assert len(sk.names) == sum(len(v) for v in D.STYLES.values()) and set(sk.count) >= {2}
    P = sk.weights @ sk.keys  # (styles, points, 2) without any move
    assert np.allclose(sk.weights.sum(axis=2), 1.0)  # a curve point is an affine combination of key points
    assert P.min() > -0.2 and P.max() < 1.2


def test_registered_and_refuses_other_parameters():
    ds = make_dataset("digits", 100, rng=0, size=16, strength=1)
    assert ds.n_features == 256 and ds.meta["params"]["strength"] == 1
    with pytest.raises(CubenetError, match="'noise' does not apply to digits"):
        make_dataset("digits", 100, noise=0.1)


@pytest.mark.parametrize("kwargs, match", [
    ({"size": 10}, "size must be one of 8, 16, 28 .* got 10"),
    ({"strength": -1}, "strength must be an integer between 0 and 10, got -1"),
    ({"strength": 11}, "strength must be an integer between 0 and 10, got 11"),
    ({"strength": 1.5}, "strength must be an integer between 0 and 10, got 1.5"),
    ({"strength": 3, "twists": 3}, "give strength= or its old name twists=, not both"),
    ({"test_fraction": 1.0}, "test_fraction must be between 0 and 1"),
    ({"n_samples": 5}, "n_samples must be an integer between 20 and 1,000,000, got 5"),
    ({"n_samples": 30}, "leaves 8 test and 22 training images; each part needs at least 10"),
])
def test_bad_parameters(kwargs, match):
    kwargs = {"n_samples": 100, **kwargs}
    with pytest.raises(CubenetError, match=match):
        D.make_digits(kwargs.pop("n_samples"), **kwargs)


def test_scramble_command_writes_digits_and_preview(cli, tmp_path):
    out = tmp_path / "d.npz"
    r = cli("scramble", "digits", "--n", 400, "--size", 8, "--twists", 2, "-o", out)
    assert r.exit_code == 0, r.output
    ds = load(out)
    assert ds.meta["kind"] == "digits" and ds.X.shape == (400, 64) and (tmp_path / "d.png").stat().st_size > 10_000
    r = cli("scramble", "digits", "--size", 12, "-o", out)
    assert r.exit_code == 1 and "size must be one of 8, 16, 28" in r.output


# --------------------------------------------------------------------------- the study and real handwriting

def test_study_statistics_describe_each_class(ds8):
    from cubenet import digits_study as study

    stats = study.statistics(ds8.X, ds8.y)
    assert sorted(stats) == list(range(10))
    s = stats[0]
    assert s["mean"].shape == (8, 8) and np.isclose(s["width"].sum(), 1.0) and s["rows"].shape == (8,)
    assert np.isclose(s["ink"], ds8.X[ds8.y == 0].sum(1).mean())
    assert stats[1]["width"][:6].sum() > stats[0]["width"][:6].sum()  # ones are narrower than zeros
    rows = study.compare(stats, stats)
    assert len(rows) == 10 and all(r["mean_rms"] == 0 and r["ink"] == 0 for r in rows)


def test_study_skips_in_one_line_without_sklearn(monkeypatch, capsys):

    from cubenet import digits_study as study

    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert study.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("skipped: the study needs scikit-learn")



def test_real_digit_accuracy_plumbing():
    pytest.importorskip("sklearn")
    X, y = D.load_real_digits()
    assert X.shape == (1797, 64) and X.max() == 16 and np.bincount(y).min() > 170
    zeros = D.real_digit_accuracy(lambda X: np.zeros(len(X), dtype=int))  # "always 0"
    assert zeros["accuracy"] == pytest.approx(np.mean(y == 0))
    assert zeros["per_class_accuracy"]["0"] == 1.0 and zeros["per_class_accuracy"]["7"] == 0.0
    assert zeros["worst_confusions"][0]["predicted"] == "0" and len(zeros["worst_confusions"]) == 5
    assert np.sum(zeros["confusion_matrix"]) == 1797


def test_real_digits_need_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # import fails as if not installed
    with pytest.raises(CubenetError, match="needs scikit-learn"):
        D.load_real_digits()


@pytest.mark.parametrize("seed", [0, 1])
def test_trained_on_synthetic_reads_real_handwriting(seed):
    """Issue 15's floor: the README's recipe trained with cubenet ONLY on synthetic 8×8 digits reads the 1,797 real ones.

    Measured on the issue's machine (2026-12-03, round 3's generator, float64 as in the README): 96.55 % and
    97.27 % at seeds 0 and 1 (96.93 % mean over seeds 0-4, worst 96.55 %; 96.84 % over 0-9, worst 96.05 %); every
    class >= 93.3 % at these two seeds, >= 91.7 % at seeds 0-4. float64 gives the same predictions with other BLAS
    kernels (the test above); the floors leave about half a point (every class: about 1.3) for what else may
    differ between machines (numpy's own loops, libm). 5-NN on
    standardised pixels, trained on the same images, reads 94.4 % and 93.0 % (93.7 % mean over seeds 0-4, every seed
    of 0-9 >= 93.0 %); its floor leaves 0.5 points (docs/digits.md).
    """
    pytest.importorskip("sklearn")
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from cubenet.nn.network import predict
    from cubenet.nn.train import TrainConfig, train

    ds = D.make_digits(30_000, strength=2, test_fraction=0.1, rng=seed)
    model, history = train((64, 128, 64, 10), ds, TrainConfig(optimizer="adam", epochs=30, lr=0.003, l2=0.003,
                                                               dtype="float64"), rng=seed)
    assert history.test_accuracy[-1] > 0.9  # synthetic test images (93.5 % and 94.1 %: sloppier than the real ones)
    real = D.real_digit_accuracy(lambda X: predict(model, X))
    assert real["accuracy"] >= 0.96, real["accuracy"]
    assert min(real["per_class_accuracy"].values()) >= 0.92, real["per_class_accuracy"]
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier(5)).fit(ds.X_train, ds.y_train)
    nearest = D.real_digit_accuracy(lambda X: knn.predict(X).astype(np.int64))
    assert nearest["accuracy"] >= 0.925, nearest["accuracy"]


KERNEL_CODE = """
import hashlib, sys
from cubenet.data.digits import make_digits
from cubenet.nn.network import predict
from cubenet.nn.train import TrainConfig, train
ds = make_digits(3000, strength=2, test_fraction=0.2, rng=4)
model, _ = train((64, 128, 64, 10), ds, TrainConfig(epochs=4, lr=0.003, l2=0.003, dtype=sys.argv[1]), rng=4)
print(hashlib.sha256(predict(model, ds.X_test).tobytes()).hexdigest(), float(model.params[0][0][10, 3]))
"""


def test_float64_training_predicts_the_same_with_every_blas_kernel():
    """Why the README's recipe trains in float64: OpenBLAS picks its kernels by CPU (OPENBLAS_CORETYPE forces
    one), float32 kernels round differently, and training amplifies the difference; in float64 the weights
    differ in their last digits only and every prediction is the same (so the snippet prints one number)."""
    runs = {}
    for core in ("Haswell", "Prescott"):  # AVX2 and SSE3 kernels: different blocking, different rounding
        env = {**os.environ, "OPENBLAS_CORETYPE": core, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        for dtype in ("float32", "float64"):
            out = subprocess.run([sys.executable, "-c", KERNEL_CODE, dtype], env=env, capture_output=True,
                                 text=True, check=True).stdout.split()
            runs[core, dtype] = out[0], float(out[1])
    assert runs["Haswell", "float64"][0] == runs["Prescott", "float64"][0]  # every prediction the same
    assert runs["Haswell", "float64"][1] == pytest.approx(runs["Prescott", "float64"][1], rel=1e-9)
    # the kernels really differ: float32 weights part well beyond float64's last digits
    assert runs["Haswell", "float32"][1] != runs["Prescott", "float32"][1]


def test_real_digit_accuracy_refuses_a_wrong_predictor():
    pytest.importorskip("sklearn")
    from cubenet.nn.network import predict
    from cubenet.nn.train import TrainConfig, train

    small = train((256, 10), D.make_digits(100, size=16, rng=0), TrainConfig(epochs=1), rng=0)[0]
    with pytest.raises(CubenetError, match="expects inputs with 256 features"):
        D.real_digit_accuracy(lambda X: predict(small, X))
    model = train((64, 10), D.make_digits(100, rng=0), TrainConfig(epochs=1), rng=0)[0]
    with pytest.raises(CubenetError, match="integer labels in 0..9"):
        D.real_digit_accuracy(lambda X: predict(model, X)[:10])
