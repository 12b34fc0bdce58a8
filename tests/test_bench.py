"""Tests of cubenet.bench and ``cubenet bench`` (behaviour only: timings are never asserted)."""

import re

import pytest

from cubenet import bench
from cubenet.errors import CubenetError

sklearn_installed = pytest.mark.skipif(not bench.has_sklearn(), reason="scikit-learn not installed")


def test_tasks_match_the_issue():
    full = {t.name: t for t in bench.tasks()}
    cube, spirals = full["cube"], full["spirals"]
    assert (cube.hidden, cube.epochs, cube.batch_size) == ((64, 64, 64), 100, 64)
    assert (spirals.hidden, spirals.epochs) == ((16, 16, 16), 200)
    assert bench.tasks()[2].hidden == (64,) and bench.tasks()[2].epochs == 100
    assert all(q.epochs < t.epochs for q, t in zip(bench.tasks(quick=True), bench.tasks()))
    if bench.has_sklearn():  # real 8×8 digits, split 50/50, (64,), 100 epochs
        real = full["real-digits"]
        assert (real.hidden, real.epochs) == ((64,), 100)
        ds = real.make(0)
        assert len(ds.y_train) + len(ds.y_test) == 1797 and abs(len(ds.y_train) - len(ds.y_test)) <= 1


def test_digits_task_is_synthetic_8x8():
    ds = bench.tasks(quick=True)[2].make(0)
    assert ds.n_features == 64 and ds.n_classes == 10 and ds.meta["generator"] == "digits"
    assert len(ds.y_train) == 750 and len(ds.y_test) == 250


@sklearn_installed
def test_digits_task_is_scored_on_real_handwriting():
    results = [r for r in bench.run_bench(quick=True, repeats=1, solvers=("adam",), task_names=["digits"])
               if r.task == "digits"]  # not real-digits, which trains on the real images
    assert [r.library for r in results] == ["cubenet", "scikit-learn"]
    for r in results:
        assert r.real_accuracy is not None and 0.3 < r.real_accuracy <= 1  # 10 epochs on 750 images: well above chance


@sklearn_installed
def test_quick_bench_side_by_side():
    seen = []
    results = bench.run_bench(quick=True, repeats=1, task_names=["spirals"], callback=seen.append)
    assert seen == results
    assert [(r.solver, r.library) for r in results] == [("adam", "cubenet"), ("adam", "scikit-learn"),
                                                        ("lbfgs", "cubenet"), ("lbfgs", "scikit-learn")]
    assert all(r.seconds > 0 and 0 <= r.accuracy <= 1 and r.task == "spirals" for r in results)


@sklearn_installed
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")  # the one-epoch set-up fit does not converge
@pytest.mark.parametrize("name", ["spirals", "digits"])  # two classes (one logistic output) and ten
def test_scikit_learn_starts_from_cubenets_weights(name):
    """Equal initialisation: handed cubenet's first snapshot, scikit-learn predicts what cubenet's start predicts."""
    from dataclasses import replace

    import numpy as np

    from cubenet.nn.network import predict
    from cubenet.nn.train import TrainConfig, train

    task = next(t for t in bench.tasks(quick=True) if t.name == name)
    ds = task.make(0)
    model, history = train((ds.n_features, *task.hidden, ds.n_classes), ds,
                           TrainConfig(epochs=1, init="glorot", standardize=False), rng=0)
    start = history.snapshots[0][1]
    clf = bench._sklearn_model(task, "adam", 0).set_params(max_iter=1)
    clf.fit(ds.X_train, ds.y_train)
    clf.coefs_, clf.intercepts_ = bench._sklearn_weights(start)
    expected = predict(replace(model, params=list(start)), ds.X_test)
    assert np.mean(clf.predict(ds.X_test) == expected) > 0.99  # float32 against float64 on ties only
    assert not np.array_equal(bench._sklearn_weights(history.snapshots[1][1])[0][0], clf.coefs_[0])


@sklearn_installed
def test_cubenet_defaults_are_scored_beside_equal_settings():
    adam, lbfgs = [r for r in bench.run_bench(quick=True, repeats=1, task_names=["spirals"]) if r.library == "cubenet"]
    assert 0.5 <= adam.default_accuracy <= 1 and lbfgs.default_accuracy is None


def test_cubenet_only():
    results = bench.run_bench(quick=True, repeats=2, solvers=("adam",), sklearn=False, task_names=["spirals"])
    assert len(results) == 1 and results[0].library == "cubenet" and results[0].repeats == 2


@pytest.mark.parametrize("kwargs,match", [({"repeats": 0}, "repeats"), ({"solvers": ("sgd",)}, "unknown solver"),
                                          ({"task_names": ["mnist"]}, "no task matches")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(CubenetError, match=match):
        bench.run_bench(quick=True, sklearn=False, **kwargs)


def test_cli_bench_quick(cli):
    r = cli("bench", "--repeats", "1", "--task", "spirals", "--solver", "adam")
    assert r.exit_code == 0, r.output
    assert "spirals" in r.output and "cubenet bench (times: median of 1, accuracies: seed 0;" in r.output
    assert "cubenet script s" in r.output and "cubenet learn s" in r.output
    if bench.has_sklearn():
        assert "speed-up" in r.output


def test_digit_generation_speed_is_in_the_bench(cli):
    rate = bench.digits_rate(1, n=500)
    assert rate > 0
    r = cli("bench", "--repeats", "1", "--task", "digits", "--solver", "adam", "--no-processes", "--no-sklearn")
    assert r.exit_code == 0, r.output
    assert re.search(r"synthetic 8×8 digits: [\d,]+ images per second of CPU on one core \(make_digits\(3000\) at seed 0\)",
                     r.output)


def test_cli_bench_bad_solver(cli):
    r = cli("bench", "--solver", "sgd")
    assert r.exit_code == 2 and "choose adam, lbfgs or all" in r.output


def test_whole_processes_are_timed_beside_the_fit():
    results = bench.run_bench(quick=True, repeats=1, solvers=("adam",), task_names=["spirals"], processes=True)
    assert all(r.process_seconds is not None and r.process_seconds > r.seconds for r in results)
    ours = results[0]
    assert ours.library == "cubenet" and ours.learn_seconds > ours.seconds  # cubenet learn: train, measure, write
    assert all(r.learn_seconds is None for r in results[1:])


@pytest.mark.parametrize("library", ["cubenet", "scikit-learn"])
def test_the_equal_work_scripts_score_what_the_fit_scores(tmp_path, library):
    """The two whole-process scripts do one job: load the file, standardise, fit, print the test accuracy."""
    import subprocess
    import sys

    if library == "scikit-learn" and not bench.has_sklearn():
        pytest.skip("scikit-learn not installed")
    task = next(t for t in bench.tasks(quick=True) if t.name == "spirals")
    raw = task.make(3)
    assert bench.process_seconds(task, raw, library, 3, tmp_path) > 0
    script = bench.CUBENET_SCRIPT if library == "cubenet" else bench.SKLEARN_SCRIPT
    alpha = bench.ALPHA / task.batch_size if library == "cubenet" else bench.ALPHA
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "spirals-3.npz"), repr(task.hidden),
                          str(task.epochs), str(task.batch_size), str(bench.LR), repr(alpha), "3"],
                         capture_output=True, text=True, check=True).stdout
    if library == "cubenet":  # the same number as the in-process fit at the same seed
        _, scale, ds = bench._standardised(raw)
        assert float(out) == pytest.approx(bench._fit_cubenet(task, ds, "adam", 3)[1], abs=1e-12)
    else:
        assert 0.5 < float(out) <= 1


def test_repeats_take_consecutive_seeds_and_average_accuracies(monkeypatch):
    seen = []
    real_fit = bench._fit_cubenet

    def fit(task, ds, solver, seed):
        out = real_fit(task, ds, solver, seed)
        seen.append((seed, out[1]))
        return out

    monkeypatch.setattr(bench, "_fit_cubenet", fit)
    (result,) = bench.run_bench(quick=True, repeats=3, solvers=("adam",), sklearn=False, task_names=["spirals"], seed=5)
    assert [s for s, _ in seen] == [5, 6, 7] and result.seeds == (5, 6, 7)
    assert result.accuracy == pytest.approx(sum(a for _, a in seen) / 3)
    assert len({a for _, a in seen}) > 1  # three seeds: three data sets, three starts


def test_the_readme_table_has_the_bench_rows():
    """The README's table lists exactly the full bench's (task, solver) rows (its times are a dated record)."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Speed: `cubenet bench`"):]
    section = section[:section.index("\n## ", 5)]
    rows = re.findall(r"^\| ([a-z-]+) \| (adam|lbfgs) \|", section, flags=re.M)
    names = [t.name for t in bench.tasks()] if bench.has_sklearn() else [t.name for t in bench.tasks()] + ["real-digits"]
    assert rows == [(name, solver) for name in dict.fromkeys(names) for solver in ("adam", "lbfgs")]
