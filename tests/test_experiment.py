"""The run as one stage: one seed split into named streams, numbers measured once, files byte for byte the same."""

import json
import subprocess
import sys

import numpy as np
import pytest

from cubenet.data.cube import make_color_cube
from cubenet.errors import CubenetError
from cubenet.nn.train import TrainConfig, flush_subnormal, train
from cubenet.run.experiment import STREAMS, Seeds, run_experiment
from cubenet.run.folder import load_run

FAST = TrainConfig(epochs=6, n_snapshots=4)
REPRODUCIBLE = ("model.npz", "metrics.json", "history.csv", "snapshots.npz", "data.npz")


def cube(seed=0, n=900):
    return make_color_cube(n, twists=2, rng=Seeds(seed).rng("data"))


def files(run_dir, names=REPRODUCIBLE):
    return {name: (run_dir / name).read_bytes() for name in names}


def test_the_streams_are_named_independent_and_recorded():
    seeds = Seeds(7)
    draws = {name: seeds.rng(name).integers(2 ** 62, size=4).tolist() for name in STREAMS}
    assert len({tuple(v) for v in draws.values()}) == len(STREAMS)  # no two streams alike
    assert draws == {name: Seeds(7).rng(name).integers(2 ** 62, size=4).tolist() for name in STREAMS}
    # the data stream is what 'cubenet scramble --seed 7' uses
    assert draws["data"] == np.random.default_rng(7).integers(2 ** 62, size=4).tolist()
    record = seeds.record()
    assert record["seed"] == 7 and set(record["streams"]) == set(STREAMS)
    assert record["streams"]["init"] == {"entropy": 7, "spawn_key": [STREAMS.index("init")]}
    with pytest.raises(CubenetError, match="unknown random stream 'noise'"):
        seeds.rng("noise")
    with pytest.raises(CubenetError, match="seed must be"):
        Seeds(-1)


def test_changing_only_the_data_seed_keeps_the_initial_weights_and_vice_versa():
    ds = cube(0)
    first = lambda seeds: train((3, 8, 6), ds, TrainConfig(epochs=1), rng=seeds.training())[1].snapshots[0][1]  # noqa: E731
    base, other_data, other_seed = first(Seeds(3, data_seed=0)), first(Seeds(3, data_seed=1)), first(Seeds(4, 0))
    assert all(np.array_equal(a, b) for (W, _), (V, _) in zip(base, other_data) for a, b in [(W, V)])
    assert not np.array_equal(base[0][0], other_seed[0][0])
    assert not np.array_equal(Seeds(3, 0).rng("data").random(3), Seeds(3, 1).rng("data").random(3))
    assert np.array_equal(Seeds(3, 0).rng("data").random(3), Seeds(4, 0).rng("data").random(3))


def test_one_seed_gives_byte_identical_run_files_and_another_seed_differs(tmp_path):
    ds = cube()
    runs = [run_experiment(ds, (3, 8, 8, 6), FAST, seed=s, run_dir=tmp_path / f"r{i}", command="test")
            for i, s in enumerate((0, 0, 1))]
    a, b, c = (files(r.run_dir) for r in runs)
    assert a == b
    assert all(a[name] != c[name] for name in ("model.npz", "metrics.json", "history.csv"))
    info = json.loads((runs[0].run_dir / "run.json").read_text())
    assert info["seeds"]["streams"]["probes"]["spawn_key"] == [STREAMS.index("probes")]
    assert len(info["timing"]["epoch_seconds"]) == len(runs[0].history.epochs)


def test_the_numbers_are_measured_once_and_stored(tmp_path):
    result = run_experiment(cube(), (3, 8, 8, 6), FAST, seed=0, run_dir=tmp_path / "r")
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(result.metrics))
    assert [s["name"] for s in metrics["layers"]] == ["input", "layer 1", "layer 2", "output"]
    assert len(metrics["layer_epochs"]["epochs"]) == len(load_run(tmp_path / "r").history.snapshots)
    assert metrics["probe"]["definition"] == "cubenet.run.probe"


def test_the_whole_cli_run_is_byte_identical_across_reruns_and_blas_threads(tmp_path):
    """Two 'cubenet learn' processes, one with OMP_NUM_THREADS=1 and one with 2, give the same files and PNGs."""
    import os

    out = []
    for i, threads in enumerate(("1", "2")):
        env = {**os.environ, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads}
        run_dir = tmp_path / f"run{i}"
        subprocess.run([sys.executable, "-m", "cubenet", "scramble", "color-cube", "--n", "800", "-o",
                        tmp_path / f"c{i}.npz", "--no-preview"], check=True, env=env, capture_output=True)
        subprocess.run([sys.executable, "-m", "cubenet", "learn", tmp_path / f"c{i}.npz", "--epochs", "5",
                        "-o", run_dir], check=True, env=env, capture_output=True)
        out.append(run_dir)
    pngs = sorted(p.name for p in out[0].glob("*.png"))
    assert len(pngs) >= 5
    assert files(out[0], REPRODUCIBLE[:-1] + tuple(pngs)) == files(out[1], REPRODUCIBLE[:-1] + tuple(pngs))


def subnormal(arrays) -> int:
    return sum(int(np.count_nonzero((a != 0) & (np.abs(a) < np.finfo(a.dtype).tiny))) for a in arrays)


def test_flush_subnormal():
    a = np.array([1e-30, -1e-40, 0.5, 0.0], dtype=np.float32)
    assert flush_subnormal(a) == 2 and a.tolist() == [0.0, 0.0, 0.5, 0.0]


def test_no_weight_is_subnormal_after_training_with_l2(monkeypatch):
    """Strong weight decay halves dead weights every step: without the flush 300+ of them end subnormal."""
    import cubenet.nn.train as trainer

    ds = cube(n=600)
    config = TrainConfig(optimizer="sgd", lr=0.5, l2=1.0, epochs=17, schedule="constant")
    model, _ = train((3, 16, 16, 6), ds, config, rng=0)
    assert subnormal([p for layer in model.params for p in layer]) == 0
    monkeypatch.setattr(trainer, "flush_subnormal", lambda *arrays: 0)
    model, _ = train((3, 16, 16, 6), ds, config, rng=0)
    assert subnormal([p for layer in model.params for p in layer]) > 100  # the check above can fail


def test_every_optimiser_flushes_its_weights_and_moments_each_epoch(monkeypatch):
    import cubenet.nn.train as trainer

    seen = []
    original = trainer.flush_subnormal

    def checked(*arrays):
        n = original(*arrays)
        seen.append((len(arrays), subnormal(arrays)))
        return n

    monkeypatch.setattr(trainer, "flush_subnormal", checked)
    ds = cube(n=600)
    for optimizer, state in (("adam", 2), ("momentum", 2), ("sgd", 1)):
        seen.clear()
        train((3, 16, 6), ds, TrainConfig(optimizer=optimizer, epochs=5, l2=1e-3), rng=0)
        assert seen == [(state, 0)] * 5, optimizer  # weights (+ moments or velocity), every epoch, none left
