"""Time cubenet's minibatch trainer on the bench tasks in-process: wall and CPU time, medians of repeats.

    python benchmarks/train_speed.py [--tasks cube,spirals,digits,real-digits] [--repeats 5]
                                     [--compare REV,...] [--l2-check] [--sklearn]

The settings are those of ``cubenet bench --full`` (Glorot initialisation, Adam lr 1e-3, a constant
rate, batch 64, l2 = 1e-4 / 64, the same standardised data). ``--compare`` also loads
``cubenet/nn/train.py`` as it was at each git revision and runs it side by side with the working
tree, in turns, so that load from other processes hits every variant alike. (Since the trainer was split
into rooms, a revision's ``train.py`` imports its kernels and optimisers from the working tree: such a
revision differs from the working tree only in what ``train.py`` itself holds, the loop.) ``--sklearn`` adds
scikit-learn's MLPClassifier at equal settings (one BLAS thread) to the turns. CPU time
(``time.process_time``) is less sensitive to a busy machine than wall time. Not a test: timings are noisy.
"""

import os

# one BLAS thread for everything the script does (training already uses one; scoring the model afterwards
# would wake a second thread whose spinning shows up in the next run's CPU time)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from cubenet import bench  # noqa: E402
from cubenet.nn import train as current  # noqa: E402
from cubenet.nn.network import predict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def trainer_at(rev: str):
    """``cubenet/nn/train.py`` as of git revision ``rev``, loaded as a separate module."""
    source = subprocess.run(["git", "show", f"{rev}:cubenet/nn/train.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader(f"cubenet.nn._train_{rev}", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    exec(compile(source, f"train.py@{rev}", "exec"), module.__dict__)
    return module


def fit(trainer, task, ds, seed=0, l2=None):
    n = len(ds.y_train)
    cfg = trainer.TrainConfig(optimizer="adam", epochs=task.epochs, batch_size=task.batch_size, lr=bench.LR,
                              schedule="constant", l2=bench.ALPHA / min(task.batch_size, n) if l2 is None else l2,
                              standardize=False, init="glorot")
    w, c = time.perf_counter(), time.process_time()
    model, hist = trainer.train((ds.n_features, *task.hidden, ds.n_classes), ds, cfg, rng=seed)
    w, c = time.perf_counter() - w, time.process_time() - c
    return w, c, float(np.mean(predict(model, ds.X_test) == ds.y_test)), hist


def fit_sklearn(task, ds, seed=0):
    w, c = time.perf_counter(), time.process_time()
    seconds, accuracy, _, _ = bench._fit_sklearn(task, ds, "adam", seed)
    return time.perf_counter() - w, time.process_time() - c, accuracy, None


def dataset(task):
    raw = task.make(0)
    scale = bench._standardiser(raw)
    return replace(raw, X_train=scale(raw.X_train), X_test=scale(raw.X_test))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tasks", default="cube")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--compare", default="", help="git revisions whose train.py runs beside the working tree")
    p.add_argument("--sklearn", action="store_true")
    p.add_argument("--l2-check", action="store_true", help="cube with l2=1e-4: last 10 epochs against the first 10")
    a = p.parse_args()
    variants = {rev: trainer_at(rev) for rev in a.compare.split(",") if rev} | {"working tree": current}
    names = a.tasks.split(",")
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, median of {a.repeats}", flush=True)
    for task in bench.tasks(False):
        if task.name not in names:
            continue
        ds = dataset(task)
        runs = {v: [] for v in variants} | ({"scikit-learn": []} if a.sklearn else {})
        for _ in range(a.repeats):
            for name in runs:
                runs[name].append(fit_sklearn(task, ds) if name == "scikit-learn" else fit(variants[name], task, ds))
        for name, rs in runs.items():
            print(f"{task.name:12s} {name:14s} wall {statistics.median(r[0] for r in rs):7.3f} s  cpu "
                  f"{statistics.median(r[1] for r in rs):7.3f} s  acc {statistics.median(r[2] for r in rs):.4f}  "
                  f"walls {' '.join(f'{r[0]:.2f}' for r in rs)}", flush=True)
    if a.l2_check:
        ds = dataset(bench.tasks(False)[0])
        for name, trainer in variants.items():
            for _ in range(max(1, a.repeats // 2)):
                _, cpu, acc, hist = fit(trainer, bench.tasks(False)[0], ds, l2=1e-4)
                sec = np.diff(hist.seconds)
                first, last = sec[:10].sum(), sec[-10:].sum()
                print(f"l2=1e-4 cube {name:14s}: first 10 epochs {first:.3f} s, last 10 {last:.3f} s, "
                      f"last/first {last / first:.3f}, cpu {cpu:.2f} s, acc {acc:.4f}", flush=True)


if __name__ == "__main__":
    main()
