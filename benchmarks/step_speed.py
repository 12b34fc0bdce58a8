"""Per-minibatch cost of the trainer's kernels (forward, backward, optimiser step), side by side with other git revisions.

    python benchmarks/step_speed.py [--compare REV,...] [--sizes 3,64,64,64,6] [--trials 400]

Builds the plans of 20 minibatches (batch 64, Adam, l2 = 1e-4 / 64) with each revision's
``cubenet/nn/train.py`` and runs them in many short interleaved trials; prints the minimum, 10th
percentile and median CPU microseconds per minibatch. Short trials and low percentiles see through
the load of a shared machine far better than whole training runs (which ``train_speed.py`` times).
"""

import argparse
import time

import numpy as np
from train_speed import current, trainer_at


def plans(tr, sizes, n_batches=20, m=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_batches * m, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n_batches * m)
    cfg = tr.TrainConfig(optimizer="adam", lr=1e-3, l2=1e-4 / m, init="glorot")
    k = tr._Kernels(sizes, ("relu",) * (len(sizes) - 2), "float32")
    from cubenet.nn.network import init_params
    k.set_params(init_params(sizes, rng=seed, dtype=np.float32, scheme="glorot"))
    Xs = np.ascontiguousarray(tr._columns(X, np.float32).T)
    Ys = np.ascontiguousarray(tr._one_hot_columns(y, sizes[-1], np.float32).T) / m
    ps = [k.forward_ops(Xs[s: s + m].T, m, exact=False) + k.backward_ops(Xs[s: s + m].T, Ys[s: s + m].T, m, 1.0 / m)
          for s in range(0, n_batches * m, m)]
    step = tr._optimizer_step(cfg, k, {"lr": 1e-3})

    def run():
        for plan in ps:
            for op in plan:
                op()
            step()
    return run, len(ps)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--compare", default="")
    p.add_argument("--sizes", default="3,64,64,64,6")
    p.add_argument("--trials", type=int, default=400)
    a = p.parse_args()
    sizes = tuple(int(s) for s in a.sizes.split(","))
    variants = {rev: trainer_at(rev) for rev in a.compare.split(",") if rev} | {"working tree": current}
    runs = {name: plans(tr, sizes) for name, tr in variants.items()}
    times = {name: [] for name in runs}
    with current.single_blas_thread(), np.errstate(all="ignore"):
        for _ in range(a.trials):
            for name, (run, n) in runs.items():
                start = time.process_time()
                run()
                times[name].append((time.process_time() - start) / n * 1e6)
    for name, ts in times.items():
        print(f"{name:14s} sizes {sizes}: CPU µs per minibatch  min {min(ts):6.1f}  p10 {np.percentile(ts, 10):6.1f}  "
              f"median {np.median(ts):6.1f}")


if __name__ == "__main__":
    main()
