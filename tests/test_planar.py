"""The 2-D datasets and moves: shapes, balance, determinism, exact inverses, separability, noise, training."""

import re

import numpy as np
import pytest

import cubenet
from cubenet.data import planar
from cubenet.data.moves import MOVE_KINDS, apply_moves, format_scramble, invert, parse_scramble
from cubenet.data.registry import GENERATORS, make_dataset
from cubenet.errors import CubenetError

PLANAR = [name for name, spec in GENERATORS.items() if spec.target.startswith("cubenet.data.planar:")]
#: every 2-D generator as it comes and with two twists; each integer option of its own (arms, classes, cells) two
#: above its default; and one class more than its default where an option sets the count (all from the registry)
CASES = [(name, {}) for name in PLANAR] + [(name, {"twists": 2}) for name in PLANAR] + [
    (name, {option.name: GENERATORS[name].default(option) + 2}) for name in PLANAR for option in GENERATORS[name].options
    if option.type is int and option.name != "twists"] + [
    (name, {spec.classes: spec.n_classes() + 1}) for name, spec in GENERATORS.items() if name in PLANAR
    and isinstance(spec.classes, str)]


def linearly_separable(X, y) -> bool:
    """Exact test: a linear program finds W, b with score(true class) >= score(other) + 1 for every point."""
    from scipy.optimize import linprog

    X = (X - X.mean(axis=0)) / X.std(axis=0)
    k, (n, d) = int(y.max()) + 1, X.shape
    Xa = np.column_stack([X, np.ones(n)])
    blocks = []
    for true in range(k):
        rows = Xa[y == true]
        for other in range(k):
            if other != true:
                A = np.zeros((len(rows), k * (d + 1)))
                A[:, true * (d + 1):(true + 1) * (d + 1)] = -rows
                A[:, other * (d + 1):(other + 1) * (d + 1)] = rows
                blocks.append(A)
    A = np.vstack(blocks)
    res = linprog(np.zeros(A.shape[1]), A_ub=A, b_ub=-np.ones(len(A)), bounds=(None, None), method="highs")
    return res.status == 0


def logistic_accuracy(X, y) -> float:
    """Training accuracy of a (nearly unregularised) multinomial logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    Z = StandardScaler().fit_transform(X)
    return LogisticRegression(C=1e6, max_iter=20_000, tol=1e-10).fit(Z, y).score(Z, y)


@pytest.mark.parametrize("name, params", CASES, ids=lambda v: str(v) if not isinstance(v, dict) else
                         ",".join(f"{k}={x}" for k, x in v.items()) or "default")
def test_generator_shapes_balance_and_separable_inverse(name, params):
    ds = make_dataset(name, 600, rng=3, **params)
    n_classes = GENERATORS[name].n_classes(params)
    assert ds.X_train.shape[1] == ds.X_test.shape[1] == 2 and len(ds.X_train) + len(ds.X_test) == 600
    assert abs(len(ds.y_test) - 150) <= n_classes and len(ds.y_train) == len(ds.X_train)
    assert ds.y_train.dtype == np.int64 and ds.n_classes == n_classes == len(ds.class_colors)
    counts = np.bincount(ds.y, minlength=n_classes)
    assert counts.max() - counts.min() <= 1, counts
    assert ds.meta["kind"] == "planar" and ds.meta["generator"] == name
    solved = apply_moves(ds.X, ds.meta["inverse"])
    assert linearly_separable(solved, ds.y), f"{name} {params}: the inverse does not give a separable arrangement"
    assert logistic_accuracy(solved, ds.y) == 1.0
    if ds.meta["scramble"] and not params.get("twists"):  # its own moves (blobs has none) tangle it
        assert not linearly_separable(ds.X, ds.y), "the scrambled data should not be linearly separable"


@pytest.mark.parametrize("name", PLANAR)
def test_determinism(name):
    a, b, c = (make_dataset(name, 300, rng=seed, twists=2) for seed in (7, 7, 8))
    for part in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(a, part), getattr(b, part))
    assert a.meta == b.meta
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.meta["scramble"] != c.meta["scramble"]  # the random twists differ too


@pytest.mark.parametrize("name", PLANAR)
def test_scramble_string_round_trips_and_reproduces_the_points(name):
    ds = make_dataset(name, 300, rng=1, twists=3)
    moves = parse_scramble(ds.meta["scramble"])
    assert len(moves) >= 3
    assert format_scramble(moves) == ds.meta["scramble"]
    assert format_scramble(invert(moves)) == ds.meta["inverse"]
    for m in moves:
        assert parse_scramble(str(m)) == (m,)
    # the recorded scramble applied to the solved arrangement gives exactly the dataset's points
    solved = apply_moves(ds.X, ds.meta["inverse"])
    np.testing.assert_allclose(apply_moves(solved, ds.meta["scramble"]), ds.X, atol=1e-9)


def _random_params(name, rng):
    u = lambda lo, hi: float(rng.uniform(lo, hi))  # noqa: E731
    return {
        "swirl": lambda: (u(-4, 4),),
        "disc": lambda: (u(-1, 1), u(-1, 1), u(0.2, 1.5), u(-360, 360)),
        "ring": lambda: (u(-1, 1), u(-1, 1), u(0.0, 0.5), u(0.6, 1.5), u(-360, 360)),
        "wave": lambda: (u(-0.5, 0.5), u(0.3, 3), u(0, 360), u(0, 360)),
        "shear": lambda: (u(-2, 2), u(0, 360)),
        "bend": lambda: (u(-2, 2), u(0, 360)),
        "shift": lambda: (u(-3, 3), u(-3, 3)),
        "cup": lambda: (u(-1, 1), u(-1, 1), float(rng.choice([0.0, u(1, 4)])), float(rng.choice([1.0, -1.0]))),
        "slide": lambda: (u(-1, 1), u(-3, 3), u(0, 360)),
        "flip": lambda: (u(-2, 0), u(0.1, 2), u(0, 360)),
    }[name]()


@pytest.mark.parametrize("name", list(planar.PLANAR_MOVES))
def test_every_move_is_exactly_invertible_and_prints_back(name):
    rng = np.random.default_rng(0)
    X = rng.normal(scale=1.5, size=(4000, 2))
    for _ in range(5):
        m = planar.move(name, *_random_params(name, rng))
        assert MOVE_KINDS[name].dim == 2
        assert parse_scramble(str(m)) == (m,)
        assert re.fullmatch(rf"{name}\([-0-9.e,]+\)", str(m))
        Y = m(X)
        assert Y.shape == X.shape and np.all(np.isfinite(Y))
        np.testing.assert_allclose(m.inverse()(Y), X, atol=1e-9)
        np.testing.assert_allclose(m(m.inverse()(X)), X, atol=1e-9)


@pytest.mark.parametrize("name", list(planar.PLANAR_MOVES))
def test_moves_do_not_fold(name):
    """Fold-free: the Jacobian determinant is positive wherever the move is smooth (orientation kept)."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(3000, 2))
    h = 1e-6
    for _ in range(3):
        m = planar.move(name, *_random_params(name, rng))
        dx = (m(X + [h, 0]) - m(X - [h, 0])) / (2 * h)
        dy = (m(X + [0, h]) - m(X - [0, h])) / (2 * h)
        det = dx[:, 0] * dy[:, 1] - dx[:, 1] * dy[:, 0]
        smooth = (np.abs(dx) < 1e4).all(axis=1) & (np.abs(dy) < 1e4).all(axis=1)  # not across a cut
        assert smooth.mean() > 0.9
        assert np.all(det[smooth] > 0), f"{m} folds the plane"


def test_moves_do_what_their_names_say():
    X = np.array([[1.0, 0.0], [0.5, 0.0], [3.0, 0.0]])
    # swirl: rotation by a·r
    np.testing.assert_allclose(apply_moves(X[:1], "swirl(1.5707963267948966)"), [[0.0, 1.0]], atol=1e-12)
    # disc: rigid inside the radius, untouched beyond 1.5·radius
    np.testing.assert_allclose(apply_moves(X, "disc(0.0,0.0,1.0,90.0)"), [[0, 1], [0, 0.5], [3, 0]], atol=1e-12)
    # cup: the line y = -r becomes the lower half-circle of radius r
    line = np.column_stack([np.linspace(-0.99, 0.99, 50), np.full(50, -1.0)])
    bent = apply_moves(line, "cup(0.0,0.0,0.0,1.0)")
    np.testing.assert_allclose(np.hypot(*bent.T), 1.0, atol=1e-12)
    assert np.all(bent[:, 1] < 0)
    # flip: the strip 0 < x < 1 turns 180° about (0.5, 0); outside nothing moves
    np.testing.assert_allclose(apply_moves([[0.2, 0.3], [1.5, 0.3]], "flip(0.0,1.0,0.0)"), [[0.8, -0.3], [1.5, 0.3]])
    # slide: the half-plane y > 0 moves right
    np.testing.assert_allclose(apply_moves([[0.0, 1.0], [0.0, -1.0]], "slide(0.0,2.0,0.0)"), [[2, 1], [0, -1]])


@pytest.mark.parametrize("token, message", [
    ("swirl(1,2)", "swirl takes 1 arguments"), ("disc(0,0,0,90)", "must be > 0"),
    ("ring(0,0,1,0.5,90)", "r1 < r2"), ("flip(1,0,0)", "lo < hi"), ("cup(0,0,1,0.5)", "direction must be 1"),
    ("wave(1,0,0,0)", "must be > 0"), ("swirl(abc)", "is not a number"), ("swirl(nan)", "must be finite"),
])
def test_bad_move_arguments_are_clear_errors(token, message):
    with pytest.raises(CubenetError, match=re.escape(message)):
        parse_scramble(token)


def test_twists_add_random_moves_and_moves_replace_the_scramble():
    base = planar.make_spirals(200, rng=0)
    assert base.meta["scramble"] == "swirl(9.4248)"
    twisted = planar.make_spirals(200, twists=4, rng=0)
    assert len(parse_scramble(twisted.meta["scramble"])) == 5
    assert twisted.meta["params"]["twists"] == 4
    solved = planar.make_spirals(200, moves="", rng=0)
    assert solved.meta["scramble"] == "" and linearly_separable(solved.X, solved.y)
    custom = planar.make_moons(200, moves="swirl(3.0) disc(0.0,0.0,0.5,90.0)", rng=0)
    assert custom.meta["inverse"] == "disc(0.0,0.0,0.5,-90.0) swirl(-3.0)"
    with pytest.raises(CubenetError, match="either twists or moves"):
        planar.make_moons(200, twists=1, moves="swirl(1.0)")
    with pytest.raises(CubenetError, match="not a 2-D move"):
        planar.make_moons(200, moves="R U")


def test_random_moves_are_readable_and_varied():
    moves = planar.random_moves(40, rng=0)
    assert len({m.kind for m in moves}) >= 3
    for m in moves:
        for p in m.params:
            assert p == round(p, 2)


def test_noise_jitters_points_after_the_moves():
    clean = planar.make_moons(4000, rng=5)
    noisy = planar.make_moons(4000, noise=0.1, rng=5)
    diff = noisy.X - clean.X  # same seed: same points, same scramble, same split
    assert np.array_equal(noisy.y, clean.y)
    assert abs(diff.std() - 0.1) < 0.005 and abs(diff.mean()) < 0.01
    assert noisy.meta["params"]["noise"] == 0.1


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25])
def test_label_noise_flips_exactly_that_fraction(fraction):
    clean = planar.make_spirals(1000, arms=3, rng=2)
    noisy = planar.make_spirals(1000, arms=3, label_noise=fraction, rng=2)
    assert np.array_equal(noisy.X, clean.X)
    assert np.sum(noisy.y != clean.y) == round(fraction * 1000) == noisy.meta["labels_flipped"]
    assert set(np.unique(noisy.y)) <= {0, 1, 2}


@pytest.mark.parametrize("call, message", [
    (lambda: planar.make_spirals(100, arms=1), "arms must be an integer between 2 and 12, got 1"),
    (lambda: planar.make_checker(100, cells=3), "even number of cells per side"),
    (lambda: planar.make_moons(100, label_noise=0.7), "label_noise must be a finite number between 0 and 0.5, got 0.7"),
    (lambda: planar.make_moons(100, noise=-1.0), "noise must be a finite number between 0 and 1, got -1.0"),
    (lambda: planar.make_moons(3), "n_samples must be an integer between 8"),
    (lambda: planar.make_circles(100, twists=-2), "twists must be an integer between 0 and 1,000, got -2"),
    (lambda: planar.make_blobs(100, classes=40), "classes must be an integer between 2 and 12, got 40"),
    (lambda: make_dataset("moons", 100, arms=3), "'arms' does not apply to moons"),
])
def test_bad_parameters_name_the_parameter(call, message):
    with pytest.raises(CubenetError, match=re.escape(message)):
        call()


def test_xor_and_checker_classes_follow_the_cell_parity():
    xor = planar.make_xor(1000, rng=0)
    assert np.all((np.sign(xor.X[:, 0] * xor.X[:, 1]) > 0) == (xor.y == 1))
    for cells in (4, 6, 8):
        board = planar.make_checker(2000, cells=cells, rng=0)
        cell = np.floor((board.X + 1) / (2 / cells)).astype(int)  # (column, row) from the bottom left
        odd = np.array(board.class_names)[board.y] == "odd cells"
        assert np.array_equal(cell.sum(axis=1) % 2 == 1, odd)


def test_familiar_pictures():
    rings = planar.make_circles(1000, classes=3, rng=0)
    radius = np.hypot(*rings.X.T)
    for j in range(3):  # ring j sits at radius (j+1)/3
        assert np.all(np.abs(radius[rings.y == j] - (j + 1) / 3) < 0.04)
    moons = planar.make_moons(1000, rng=0)
    upper = moons.X[moons.y == 0] + [0.5, 0.25]  # scikit-learn's upper moon, centred
    assert np.all(np.abs(np.hypot(*upper.T) - 1) <= 0.1 + 1e-9) and np.all(upper[:, 1] >= -1e-9)
    spirals = planar.make_spirals(1000, rng=0)
    assert np.all(np.hypot(*spirals.X.T) <= 1 + 1e-9)


def test_public_api_apply_moves_and_load(tmp_path):
    ds = cubenet.make_spirals(300, arms=3, twists=1, rng=0)
    cubenet.save(ds, tmp_path / "s.npz")
    back = cubenet.load(tmp_path / "s.npz")
    assert back.meta == ds.meta and np.array_equal(back.X_train, ds.X_train)
    solved = cubenet.apply_moves(back.X, back.meta["inverse"])
    assert linearly_separable(solved, back.y)


# the 2-D datasets train to >= 99 % test accuracy with small networks (a few seconds each)
@pytest.mark.parametrize("name, sizes", [
    ("spirals", (2, 32, 32, 2)), ("moons", (2, 16, 16, 2)), ("circles", (2, 16, 16, 2)), ("xor", (2, 16, 16, 2)),
])
def test_small_networks_learn_the_2d_datasets(name, sizes):
    from cubenet.nn.network import predict
    from cubenet.nn.train import TrainConfig, train

    ds = make_dataset(name, 1000, rng=0)
    model, history = train(sizes, ds, TrainConfig(optimizer="lbfgs", epochs=400, target_accuracy=1.0), rng=0)
    accuracy = float(np.mean(predict(model, ds.X_test) == ds.y_test))
    assert accuracy >= 0.99, f"{name}: test accuracy {accuracy:.3f} ({history.stop_reason})"


def test_preview_shows_the_scramble_and_the_answer_key():
    from cubenet.viz.planar_plots import planar_preview_figure

    ds = planar.make_spirals(500, arms=3, twists=1, rng=0)
    fig = planar_preview_figure(ds)
    left, right = fig.axes[:2]
    assert "swirl(9.4248)" in left.get_title(loc="left")
    assert ds.meta["inverse"].split()[0] in right.get_title(loc="left")
    assert "straight lines separate every class" in right.get_title(loc="left").replace("\n", " ")
    assert [t.get_text() for t in left.get_legend().get_texts()][0].startswith("arm 1")
    assert len(left.collections) == 3  # one scatter per class, in the class colours
    assert [c.get_facecolor()[0][:3].tolist() for c in left.collections] == [
        list(__import__("matplotlib").colors.to_rgb(c)) for c in ds.class_colors]


def test_preview_of_noisy_data_reports_the_linear_accuracy():
    from cubenet.viz.planar_plots import planar_preview_figure

    ds = planar.make_moons(600, noise=0.15, label_noise=0.1, rng=0)
    title = planar_preview_figure(ds).axes[1].get_title(loc="left").replace("\n", " ")
    assert re.search(r"the best straight lines get \d+\.\d% right", title)
