"""Measure step networks as the issue asks: ``python -m cubenet.run.steps_measure [--table] [--seeds 5]``.

Prints, with the default settings of ``cubenet learn --steps`` (:data:`DEFAULTS`):

* the default 3-twist cube (10,000 points, as ``cubenet scramble color-cube`` makes it) and the 1-twist
  cube: test accuracy, training wall time and CPU time per seed, and their medians, beside the default
  wide network (3, 16, 16, 16, 6) trained in the same process, so a busy machine slows both alike;
* every 2-D set with 2-D steps (median test accuracy over the seeds);
* with ``--table``: test accuracy for twists 0-5 × steps × inner width (seed 0, or the median of
  ``--table-seeds``).

Seeds follow ``cubenet learn --seed S``: the data from stream "data" and the training streams of
:class:`cubenet.run.experiment.Seeds`. A measurement, not a test (timings depend on the machine's load).
"""

from __future__ import annotations

import argparse
import statistics
import time

from cubenet.data.registry import make_dataset
from cubenet.nn.steps import StepSpec
from cubenet.nn.train import TrainConfig, train
from cubenet.run.experiment import Seeds

#: the step network the measurements use (``cubenet learn --steps 5`` with its default inner width and epochs)
DEFAULTS = {"n_steps": 5, "inner": 32, "epochs": 50}
PLANAR = ("spirals", "moons", "circles", "xor", "checker", "blobs")


def _seeds(seed: int):
    return Seeds(seed)


def fit(dataset, start, seed: int, epochs: int) -> tuple[float, float, float]:
    """(test accuracy, training wall seconds, training CPU seconds) of one run."""
    cpu = time.process_time()
    _, history = train(start, dataset, TrainConfig(epochs=epochs), rng=_seeds(seed).training())
    return float(history.test_accuracy[-1]), float(history.seconds[-1]), time.process_time() - cpu


def make(name: str, seed: int, twists: int | None = None, n: int = 10_000):
    options = {} if twists is None else {"twists": twists}
    return make_dataset(name, n, rng=_seeds(seed).rng("data"), **options)


def cube_targets(seeds: int) -> None:
    spec = StepSpec(DEFAULTS["n_steps"], DEFAULTS["inner"])
    for twists in (3, 1):
        rows = []
        for seed in range(seeds):
            ds = make("color-cube", seed, twists)
            rows.append(fit(ds, spec, seed, DEFAULTS["epochs"]) + fit(ds, (3, 16, 16, 16, 6), seed, 60))
        print(f"\n{twists}-twist cube, 10,000 points: steps {spec.n_steps} × inner {spec.inner}, "
              f"{DEFAULTS['epochs']} epochs, beside the default wide (3, 16, 16, 16, 6), 60 epochs")
        print("seed  steps test  wall s  cpu s | wide test  wall s  cpu s")
        for seed, r in enumerate(rows):
            print(f"{seed:>4}  {r[0]:>9.2%}  {r[1]:>6.2f}  {r[2]:>5.2f} | {r[3]:>8.2%}  {r[4]:>6.2f}  {r[5]:>5.2f}")
        med = [statistics.median(col) for col in zip(*rows)]
        print(f"median {med[0]:>8.2%}  {med[1]:>6.2f}  {med[2]:>5.2f} | {med[3]:>8.2%}  {med[4]:>6.2f}  {med[5]:>5.2f}")


def planar_targets(seeds: int) -> None:
    print(f"\n2-D sets, 10,000 points, 2-D steps {DEFAULTS['n_steps']} × inner {DEFAULTS['inner']}, "
          f"{DEFAULTS['epochs']} epochs: median test accuracy (min … max) over seeds 0-{seeds - 1}, median wall s")
    for name in PLANAR:
        rows = [fit(make(name, seed), StepSpec(DEFAULTS["n_steps"], DEFAULTS["inner"]), seed, DEFAULTS["epochs"])
                for seed in range(seeds)]
        accs = [r[0] for r in rows]
        print(f"{name:>8}  {statistics.median(accs):.2%} ({min(accs):.2%} … {max(accs):.2%})  "
              f"{statistics.median(r[1] for r in rows):.2f} s")


def table(seeds: int, steps=(2, 4, 6, 8), inners=(8, 16, 32)) -> None:
    print(f"\ntest accuracy, colour cube 10,000 points, {DEFAULTS['epochs']} epochs, "
          f"{'seed 0' if seeds == 1 else f'median of seeds 0-{seeds - 1}'}")
    print("| twists | " + " | ".join(f"{n} steps × {k}" for n in steps for k in inners) + " |")
    print("|---|" + "---|" * (len(steps) * len(inners)))
    for twists in range(6):
        cells = []
        for n in steps:
            for k in inners:
                accs = [fit(make("color-cube", s, twists), StepSpec(n, k), s, DEFAULTS["epochs"])[0]
                        for s in range(seeds)]
                cells.append(f"{statistics.median(accs):.1%}")
        print(f"| {twists} | " + " | ".join(cells) + " |", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 for the targets (default 5)")
    parser.add_argument("--table", action="store_true", help="also the twists × steps × inner table")
    parser.add_argument("--table-seeds", type=int, default=1, help="seeds per table cell (default 1)")
    parser.add_argument("--skip-targets", action="store_true", help="only the table")
    args = parser.parse_args(argv)
    if not args.skip_targets:
        cube_targets(args.seeds)
        planar_targets(args.seeds)
    if args.table:
        table(args.table_seeds)


if __name__ == "__main__":
    main()
