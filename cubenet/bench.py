"""The reference benchmark: cubenet's training side by side with scikit-learn's MLPClassifier at equal settings.

Both get the same standardised arrays, architecture, initialisation scheme (scikit-learn's uniform
Glorot), solver, epochs (L-BFGS: iterations), batch size, learning rate and L2 penalty, and run in
the same process with one BLAS thread. Only the fitting call is timed; the reported time is the median
over ``repeats`` runs, taken in turns (cubenet, scikit-learn, cubenet, …) so that load from other
processes hits both alike. Repeat ``r`` uses seed ``seed + r`` (its own data and starting weights), and
the accuracies are means over the repeats: one seed's test set moves an accuracy by about a point.
Equal initialisation: scikit-learn starts from the very weights cubenet starts from (cubenet's first
snapshot, handed to ``MLPClassifier`` by a warm start), so the two fits differ only in their
arithmetic and minibatch order. Beside them, cubenet is also trained with its own defaults (its
initialisation, learning rate and schedule; the task's architecture, epochs and batch size), and that
test accuracy is reported too.
Whole processes (Adam) are timed at equal work: a script that loads the data file, standardises, fits and
scores, written with cubenet (:data:`CUBENET_SCRIPT`) and with scikit-learn (:data:`SKLEARN_SCRIPT`).
Beside them ``cubenet learn DATA --no-render`` is timed too; it does more (it measures every layer and
writes the run folder).
scikit-learn is optional: without it only cubenet's columns are filled. With it, the digits task also
scores both models on the 1,797 real UCI optdigits images bundled with scikit-learn (never trained on).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from cubenet.data.cube import make_color_cube
from cubenet.data.dataset import DEFAULT_COLORS, Dataset, make_meta
from cubenet.data.digits import make_digits, real_digit_accuracy
from cubenet.data.io import save
from cubenet.data.registry import make_dataset
from cubenet.errors import CubenetError
from cubenet.nn.network import predict
from cubenet.nn.train import TrainConfig, train
from cubenet.threads import single_blas_thread

#: scikit-learn's default L2 strength; cubenet's ``l2`` equals ``alpha / batch_size`` (sklearn divides by the batch)
ALPHA = 1e-4
LR = 0.001


@dataclass(frozen=True)
class Task:
    """One reference task: how to make its data and how to train on it."""

    name: str
    make: Callable  # rng -> Dataset
    hidden: tuple
    epochs: int
    batch_size: int = 64
    lbfgs_iterations: int = 200


@dataclass(frozen=True)
class Result:
    """One (task, solver, library) measurement: median seconds over repeats, test accuracy (0..1), epochs run."""

    task: str
    solver: str
    library: str
    seconds: float
    accuracy: float
    repeats: int
    epochs: int
    real_accuracy: float | None = None  #: digits task: accuracy on the real optdigits images
    process_seconds: float | None = None  #: a whole process at equal work: load, standardise, fit, score
    default_accuracy: float | None = None  #: cubenet, Adam: test accuracy with cubenet's own defaults
    learn_seconds: float | None = None  #: cubenet, Adam: the whole ``cubenet learn DATA --no-render``
    seeds: tuple = ()  #: the seeds of the repeats (accuracies are their means)


def _cube(n_per_part: int, twists: int):
    def make(rng):
        return make_color_cube(2 * n_per_part, twists=twists, test_fraction=0.5, rng=rng)
    return make


def _spirals(n_per_part: int):
    def make(rng):
        return make_dataset("spirals", 2 * n_per_part, test_fraction=0.5, rng=rng)
    return make


def _digits(n_train: int, n_test: int):
    def make(rng):
        n = n_train + n_test
        return make_digits(n, size=8, rng=rng, test_fraction=n_test / n)
    return make


def _real_digits(rng):
    """The 1,797 real 8×8 UCI optdigits images (bundled with scikit-learn), split 50/50 by the seed."""
    from sklearn.datasets import load_digits  # (optional dependency: scikit-learn)

    X, y = load_digits(return_X_y=True)
    order = np.random.default_rng(rng).permutation(len(y))
    half = len(y) // 2
    tr, te = order[:half], order[half:]
    names = tuple(str(d) for d in range(10))
    return Dataset(X[tr].astype(float), y[tr].astype(np.int64), X[te].astype(float), y[te].astype(np.int64), names,
                   DEFAULT_COLORS[:10], meta=make_meta("optdigits", kind="table"))


def tasks(quick: bool = False) -> list[Task]:
    """The reference tasks: ``quick`` (the default of ``cubenet bench``, about 20 s) shrinks data and epochs;
    the full suite is the issue's table. ``real-digits`` (scikit-learn's bundled optdigits) needs scikit-learn."""
    digits = "digits"
    real = [Task("real-digits", _real_digits, (64,), 30 if quick else 100, lbfgs_iterations=50 if quick else 200)] \
        if has_sklearn() else []
    if quick:
        return [Task("cube", _cube(2000, 20), (64, 64, 64), 10, lbfgs_iterations=20),
                Task("spirals", _spirals(500), (16, 16, 16), 40, lbfgs_iterations=30),
                Task(digits, _digits(750, 250), (64,), 20, lbfgs_iterations=20), *real]
    return [Task("cube", _cube(20_000, 20), (64, 64, 64), 100, lbfgs_iterations=200),
            Task("spirals", _spirals(2_000), (16, 16, 16), 200, lbfgs_iterations=300),
            Task(digits, _digits(3_000, 2_000), (64,), 100, lbfgs_iterations=200), *real]


def has_sklearn() -> bool:
    try:
        import sklearn.neural_network  # noqa: F401  (is the optional scikit-learn installed?)
    except ImportError:
        return False
    return True


SKLEARN_SCRIPT = """
import sys, warnings
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
f = np.load(sys.argv[1], allow_pickle=False)
Xtr, ytr, Xte, yte = f["X_train"], f["y_train"], f["X_test"], f["y_test"]
mean, scale = Xtr.mean(axis=0), Xtr.std(axis=0)
scale[scale < 1e-12] = 1.0
hidden, epochs, batch, lr, alpha = eval(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
clf = MLPClassifier(hidden, solver="adam", alpha=alpha, batch_size=batch, learning_rate_init=lr, max_iter=epochs,
                    shuffle=True, tol=0.0, n_iter_no_change=epochs + 1, random_state=int(sys.argv[7]))
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit((Xtr - mean) / scale, ytr)
print(clf.score((Xte - mean) / scale, yte))
"""

#: the same job written with cubenet (its loader validates the file; ``train`` standardises the inputs)
CUBENET_SCRIPT = """
import sys
import numpy as np
from cubenet.data.io import load
from cubenet.nn.network import predict
from cubenet.nn.train import TrainConfig, train
ds = load(sys.argv[1])
hidden, epochs, batch, lr, l2 = eval(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
config = TrainConfig(optimizer="adam", epochs=epochs, batch_size=batch, lr=lr, schedule="constant", l2=l2, init="glorot")
model, _ = train((ds.n_features, *hidden, ds.n_classes), ds, config, rng=int(sys.argv[7]))
print(np.mean(predict(model, ds.X_test) == ds.y_test))
"""


def process_seconds(task: Task, raw, library: str, seed: int, folder) -> float:
    """Wall time of one whole process: a script that loads the data file, standardises, fits and scores
    (``library`` "cubenet" or "scikit-learn", equal work), or ``cubenet learn DATA --no-render`` (library
    "cubenet learn": it also measures every layer and writes the run folder)."""
    data = Path(folder) / f"{task.name}-{seed}.npz"
    if not data.exists():
        save(raw, data)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    l2 = ALPHA / min(task.batch_size, len(raw.y_train))
    if library == "cubenet learn":
        args = [sys.executable, "-m", "cubenet", "learn", str(data), "--hidden", ",".join(map(str, task.hidden)),
                "--init", "glorot", "--optimizer", "adam", "--epochs", str(task.epochs), "--batch-size",
                str(task.batch_size), "--lr", str(LR), "--schedule", "constant", "--l2", repr(l2), "--seed", str(seed),
                "--no-render", "-o", str(Path(folder) / f"run-{task.name}")]
    else:
        script, alpha = (CUBENET_SCRIPT, l2) if library == "cubenet" else (SKLEARN_SCRIPT, ALPHA)
        args = [sys.executable, "-c", script, str(data), repr(tuple(task.hidden)), str(task.epochs),
                str(task.batch_size), str(LR), repr(alpha), str(seed)]
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise CubenetError(f"the {library} process for {task.name} failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return seconds


def digits_rate(repeats: int, *, n: int = 15_000) -> float:
    """Synthetic 8×8 digits drawn per second of CPU on one core: ``make_digits(n)`` at seeds 0, 1, …, the median."""
    rates = []
    with single_blas_thread():
        for seed in range(repeats):
            start = time.process_time()
            make_digits(n, rng=seed)
            rates.append(n / (time.process_time() - start))
    return float(np.median(rates))


def default_learn_seconds(repeats: int, folder) -> float:
    """Median wall time of the newcomer's first command, ``cubenet learn`` (train, numbers, figures, report)."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cubenet", "learn", "-o", str(Path(folder) / f"default-{i}")],
                       capture_output=True, check=True, cwd=folder)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _standardiser(ds) -> Callable:
    """``X -> (X - mean) / scale`` with the training set's statistics."""
    mean, scale = ds.X_train.mean(axis=0), ds.X_train.std(axis=0)
    scale[scale < 1e-12] = 1.0
    return lambda X: (X - mean) / scale


def _fit_cubenet(task: Task, ds, solver: str, seed: int):
    """(seconds, test accuracy, epochs run, predict, initial params)."""
    n = len(ds.y_train)
    if solver == "lbfgs":
        cfg = TrainConfig(optimizer="lbfgs", epochs=task.lbfgs_iterations, l2=ALPHA / n, standardize=False,
                          init="glorot")
    else:
        cfg = TrainConfig(optimizer="adam", epochs=task.epochs, batch_size=task.batch_size, lr=LR,
                          schedule="constant", l2=ALPHA / min(task.batch_size, n), standardize=False, init="glorot")
    start = time.perf_counter()
    model, history = train((ds.n_features, *task.hidden, ds.n_classes), ds, cfg, rng=seed)
    seconds = time.perf_counter() - start
    return seconds, float(np.mean(predict(model, ds.X_test) == ds.y_test)), int(history.epochs[-1]), \
        lambda X: predict(model, X), history.snapshots[0][1]


def _default_accuracy(task: Task, ds, seed: int) -> float:
    """Test accuracy of cubenet with its own defaults (only the architecture, epochs and batch size given)."""
    model, _ = train((ds.n_features, *task.hidden, ds.n_classes), ds,
                     TrainConfig(epochs=task.epochs, batch_size=task.batch_size), rng=seed)
    return float(np.mean(predict(model, ds.X_test) == ds.y_test))


def _sklearn_model(task: Task, solver: str, seed: int):
    """An MLPClassifier at the task's settings."""
    from sklearn.neural_network import MLPClassifier  # (optional dependency: scikit-learn)

    if solver == "lbfgs":
        clf = MLPClassifier(task.hidden, solver="lbfgs", alpha=ALPHA, max_iter=task.lbfgs_iterations,
                            random_state=seed)
    else:
        clf = MLPClassifier(task.hidden, solver="adam", alpha=ALPHA, batch_size=task.batch_size,
                            learning_rate_init=LR, max_iter=task.epochs, shuffle=True, tol=0.0,
                            n_iter_no_change=task.epochs + 1, random_state=seed)
    return clf


def _sklearn_weights(start) -> tuple[list, list]:
    """cubenet's [(W, b)] as scikit-learn's (coefs_, intercepts_). With two classes scikit-learn has one
    logistic output: it gets the difference of cubenet's two logits, which gives the same predictions."""
    coefs = [np.array(W, dtype=np.float64) for W, _ in start]
    intercepts = [np.array(b, dtype=np.float64) for _, b in start]
    if coefs[-1].shape[1] == 2:
        coefs[-1] = coefs[-1][:, 1:] - coefs[-1][:, :1]
        intercepts[-1] = intercepts[-1][1:] - intercepts[-1][:1]
    return coefs, intercepts


def _fit_sklearn(task: Task, ds, solver: str, seed: int, start=None):
    """(seconds, test accuracy, iterations run, predict); from cubenet's initial weights ``start`` (a list of
    (W, b)) if given: a one-iteration fit builds the layers (untimed), its weights are replaced by
    ``start``, and the timed fit warm-starts from them with a fresh optimiser."""
    from sklearn.exceptions import ConvergenceWarning  # (optional dependency: scikit-learn)

    clf = _sklearn_model(task, solver, seed)
    with warnings.catch_warnings(), single_blas_thread():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if start is not None:
            iterations = clf.max_iter
            clf.set_params(max_iter=1).fit(ds.X_train, ds.y_train)
            clf.coefs_, clf.intercepts_ = _sklearn_weights(start)
            clf.set_params(max_iter=iterations, warm_start=True)
        begin = time.perf_counter()
        clf.fit(ds.X_train, ds.y_train)
        seconds = time.perf_counter() - begin
    return seconds, float(clf.score(ds.X_test, ds.y_test)), int(clf.n_iter_), clf.predict


def run_bench(*, quick: bool = False, repeats: int = 3, solvers=("adam", "lbfgs"), sklearn: bool | None = None,
              task_names=None, seed: int = 0, callback: Callable | None = None,
              processes: bool = False, process_repeats: int | None = None) -> list[Result]:
    """Run the reference tasks; return one Result per (task, solver, library).

    Parameters
    ----------
    quick : small data and few epochs (for CI)
    repeats : timing repeats per measurement (the median is reported)
    solvers : any of "adam", "lbfgs"
    sklearn : compare with scikit-learn (default: when it is installed)
    task_names : restrict to tasks whose name contains one of these strings
    seed : repeat ``r`` uses seed ``seed + r`` for its data and initialisation (the same for both libraries)
    callback : called with each Result as soon as it is measured
    processes : also time whole processes (Adam, interleaved with the fits): the same script written with
        cubenet and with scikit-learn, and ``cubenet learn … --no-render``
    process_repeats : how many of the repeats also time the processes (default: every repeat for the
        full suite, one for the quick suite, which stays near 20 s that way)
    """
    sklearn = _check_bench_settings(repeats, solvers, sklearn)
    chosen = _chosen_tasks(quick, task_names)
    fits = ("cubenet", "scikit-learn") if sklearn else ("cubenet",)
    results = []
    process_repeats = process_repeats_for(quick, repeats) if process_repeats is None else process_repeats
    scratch = tempfile.TemporaryDirectory(prefix="cubenet-bench-")
    seeds = tuple(seed + r for r in range(repeats))
    for task in chosen:
        data = [_standardised(task.make(s)) for s in seeds]  # (raw, standardiser, standardised) per seed
        for solver in solvers:
            runs = {library: [] for library in fits}
            wall = {library: [] for library in (*fits, "cubenet learn")}
            for s, (raw, _, ds) in zip(seeds, data):  # interleaved, so that a busy machine slows both alike
                ours = _fit_cubenet(task, ds, solver, s)
                runs["cubenet"].append(ours)
                if sklearn:  # from the very weights cubenet started from
                    runs["scikit-learn"].append(_fit_sklearn(task, ds, solver, s, start=ours[4]))
                if processes and solver == "adam" and s - seed < process_repeats:
                    for library in wall:
                        wall[library].append(process_seconds(task, raw, library, s, scratch.name))
            default = float(np.mean([_default_accuracy(task, ds, s) for s, (_, _, ds) in zip(seeds, data)])) \
                if solver == "adam" else None
            for library, measured in runs.items():
                ours = library == "cubenet"
                result = _result(task, solver, library, measured, [d[1] for d in data], seeds, wall[library],
                                 default if ours else None, wall["cubenet learn"] if ours else [])
                results.append(result)
                if callback is not None:
                    callback(result)
    scratch.cleanup()
    return results


def _standardised(raw) -> tuple:
    """``(raw, standardiser, standardised dataset)`` for one seed's data."""
    scale = _standardiser(raw)
    return raw, scale, replace(raw, X_train=scale(raw.X_train), X_test=scale(raw.X_test))


def process_repeats_for(quick: bool, repeats: int) -> int:
    """Whole processes timed per measurement: one in the quick suite (they dominate its time), else every repeat."""
    return 1 if quick else repeats


def _check_bench_settings(repeats, solvers, sklearn: bool | None) -> bool:
    """Refuse a bad repeat count or solver; return whether to compare with scikit-learn."""
    if isinstance(repeats, bool) or not isinstance(repeats, int) or not 1 <= repeats <= 100:
        raise CubenetError(f"repeats must be an integer between 1 and 100, got {repeats!r}")
    for s in solvers:
        if s not in ("adam", "lbfgs"):
            raise CubenetError(f"unknown solver {s!r}; choose adam or lbfgs")
    if sklearn is None:
        return has_sklearn()
    if sklearn and not has_sklearn():
        raise CubenetError("scikit-learn is not installed; install it with: pip install scikit-learn (or, in a "
                           "checkout: pip install -e \".[bench]\")")
    return sklearn


def _chosen_tasks(quick: bool, task_names) -> list:
    """The reference tasks, only those whose name contains one of ``task_names`` when given."""
    chosen = tasks(quick)
    if task_names:
        chosen = [t for t in chosen if any(s.lower() in t.name.lower() for s in task_names)]
        if not chosen:
            raise CubenetError(f"no task matches {', '.join(task_names)}; tasks: {', '.join(t.name for t in tasks(quick))}")
    return chosen


def _result(task, solver: str, library: str, measured: list, scales: list, seeds: tuple, wall: list,
            default: float | None, learn: list) -> Result:
    """Median times and mean accuracies of one library's repeats (one per seed), and, for the digits, the
    mean score on the real images."""
    real = None
    if task.name == "digits" and has_sklearn():  # the real images come with scikit-learn
        real = float(np.mean([real_digit_accuracy(lambda X, p=r[3], s=scale: p(s(X)))["accuracy"]
                              for r, scale in zip(measured, scales)]))
    return Result(task.name, solver, library, float(np.median([r[0] for r in measured])),
                  float(np.mean([r[1] for r in measured])), len(measured),
                  int(np.median([r[2] for r in measured])), real,
                  float(np.median(wall)) if wall else None, default,
                  float(np.median(learn)) if learn else None, seeds)
