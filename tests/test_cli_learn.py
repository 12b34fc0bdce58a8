"""Tests of ``cubenet learn`` and the run folder it writes (save_run / load_run)."""

import json
import os
import re

import numpy as np
import pytest

from cubenet.data.cube import make_color_cube
from cubenet.data.io import save
from cubenet.errors import CubenetError
from cubenet.nn.network import predict
from cubenet.run.folder import FILES, load_run

FAST = ("--hidden", "8", "--epochs", "3", "--no-render")


@pytest.fixture(scope="module")
def cube_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "cube.npz"
    save(make_color_cube(600, twists=1, rng=0), path)
    return path


def _only(folder, names):
    """The folder holds exactly these entries: nothing half-written, no temporary leftovers."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def test_default_run_learns_the_cube(cli, tmp_path):
    run = tmp_path / "run"
    r = cli("learn", "--no-render", "-o", run)
    assert r.exit_code == 0, r.output
    assert "test" in r.output and str(run) in r.output
    _only(tmp_path, ["run"])
    assert set(FILES) <= {p.name for p in run.iterdir()}
    loaded = load_run(run)
    assert loaded.metrics["test_accuracy"] >= 0.97
    assert loaded.model.kind == "steps" and loaded.model.n_steps == 5 and loaded.model.inner == 32  # the first run
    assert np.mean(predict(loaded.model, loaded.dataset.X_test) == loaded.dataset.y_test) == loaded.metrics["test_accuracy"]
    assert loaded.history.test_accuracy[-1] == pytest.approx(loaded.metrics["test_accuracy"])
    assert loaded.history.snapshots[0][0] == 0 and loaded.history.snapshots[-1][0] == loaded.metrics["epochs_run"]
    info = loaded.info
    assert info["command"].startswith("cubenet learn --steps 5 --inner 32") and info["seed"] == 0
    r = cli("learn", "--hidden", "16,16,16", "--no-render", "-o", tmp_path / "wide")   # the wide network, one option away
    assert r.exit_code == 0 and load_run(tmp_path / "wide").model.sizes == (3, 16, 16, 16, 6), r.output
    assert info["dataset"]["generator"] == "color-cube" and info["dataset"]["scramble"]
    assert set(info["versions"]) == {"python", "numpy", "scipy", "cubenet"}
    assert sum(map(sum, loaded.metrics["confusion_matrix"])) == len(loaded.dataset.y_test)


def test_learn_a_file_reproducibly_then_continue_the_model(cli, tmp_path, cube_file):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        r = cli("learn", cube_file, *FAST, "--seed", "5", "-o", out)
        assert r.exit_code == 0, r.output
    ra, rb = load_run(a), load_run(b)
    assert all(np.array_equal(W, W2) for (W, _), (W2, _) in zip(ra.model.params, rb.model.params))
    assert ra.info["dataset"]["path"] == str(cube_file) and len(ra.info["dataset"]["sha256"]) == 64
    assert "--seed 5" in ra.info["command"] and str(cube_file) in ra.info["command"]
    r = cli("learn", cube_file, "--model", a / "model.npz", "--epochs", "2", "--no-render", "-o", tmp_path / "c")
    assert r.exit_code == 0, r.output
    assert load_run(tmp_path / "c").model.sizes == (3, 8, 6)


def test_learn_replaces_an_earlier_run(cli, tmp_path, cube_file):
    out = tmp_path / "run"
    assert cli("learn", cube_file, *FAST, "-o", out).exit_code == 0
    first = (out / "model.npz").read_bytes()
    r = cli("learn", cube_file, *FAST, "--seed", "1", "-o", out)
    assert r.exit_code == 0, r.output
    assert (out / "model.npz").read_bytes() != first
    _only(tmp_path, ["run"])


def test_learn_csv_with_label_column(cli, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    lines = ["kind,x,y"] + [f"{'a' if x0 > 0 else 'b'},{x0},{x1}" for x0, x1 in X]
    csv = tmp_path / "points.csv"
    csv.write_text("\n".join(lines) + "\n")
    r = cli("learn", csv, "--label-column", "kind", "--hidden", "4", "--epochs", "20", "--no-render", "-o", tmp_path / "run")
    assert r.exit_code == 0, r.output
    run = load_run(tmp_path / "run")
    assert run.model.class_names == ("a", "b") and run.metrics["test_accuracy"] > 0.9


@pytest.mark.parametrize("args,match,code", [
    (("{missing}",), "no such file", 1),
    (("{corrupt}",), "corrupt|pickled|not a readable", 1),
    (("{cube}", "--hidden", "3,a"), "each size must be a positive integer", 2),
    (("{cube}", "--hidden", "0,4"), "each size must be a positive integer", 2),
    (("{cube}", "--hidden", "-3"), "each size must be a positive integer", 2),
    (("{cube}", "--lr", "0"), "learning rate must be > 0", 1),
    (("{cube}", "--lr", "-0.5"), "learning rate must be > 0", 1),
    (("{cube}", "--lr", "100"), "learning rate must be > 0 and <= 10", 1),
    (("{cube}", "--epochs", "0"), "epochs must be", 1),
    (("{cube}", "--batch-size", "0"), "batch_size must be", 1),
    (("{cube}", "--target-accuracy", "97"), "target accuracy must be in", 1),
    (("{cube}", "--optimizer", "rmsprop"), "rmsprop", 2),
    (("{cube}", "--model", "{planar_model}"), "expects inputs with 2 features but the dataset has 3", 1),
    (("{cube}", "--model", "{planar_model}", "--hidden", "4"), "either --hidden", 1),
    (("{cube}", "--optimizer", "momentum", "--lr", "10", "--init", "glorot"), "diverged.*Lower the learning rate.*Nothing was written", 1),
    (("--label-column", "x"), "only applies to a CSV", 1),
])
def test_bad_input_is_one_clean_error(cli, tmp_path, cube_file, args, match, code):
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    planar = tmp_path / "planar"
    planar.mkdir()
    from cubenet.nn.model_io import save_model
    from cubenet.nn.network import Model, init_params

    save_model(Model(init_params((2, 4, 6), rng=0), ("relu",), class_names=tuple("abcdef")), planar / "model.npz")
    names = {"missing": tmp_path / "missing.npz", "corrupt": corrupt, "cube": cube_file,
             "planar_model": planar / "model.npz"}
    out = tmp_path / "out"
    args = [a.format(**names) for a in args]
    r = cli("learn", *args, "--no-render", "-o", out)
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output
    assert re.search(match, r.output), r.output
    if code == 1:
        assert len([line for line in r.output.splitlines() if line.startswith("Error:")]) == 1
    assert not out.exists()
    _only(tmp_path, ["corrupt.npz", "planar"])


@pytest.mark.parametrize("where", ["file", "under_file", "not_a_run"])
def test_unwritable_output(cli, tmp_path, cube_file, where):
    blocker = tmp_path / "blocker"
    if where == "not_a_run":
        blocker.mkdir()
        (blocker / "notes.txt").write_text("mine")
        out, match = blocker, "not empty and not a cubenet run"
    else:
        blocker.write_text("a file")
        out, match = (blocker, "is a file") if where == "file" else (blocker / "run", "is a file")
    r = cli("learn", cube_file, *FAST, "-o", out)
    assert r.exit_code == 1 and match in r.output, r.output
    assert r.output.count("Error:") == 1
    _only(tmp_path, ["blocker"])


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc (a folder nobody can create files in)")
def test_read_only_output(cli, cube_file):
    r = cli("learn", cube_file, *FAST, "-o", "/proc/cubenet-run")
    assert r.exit_code == 1 and "cannot write into '/proc'" in r.output, r.output
    assert not os.path.exists("/proc/cubenet-run")


def test_load_run_errors(tmp_path):
    with pytest.raises(CubenetError, match="not a folder"):
        load_run(tmp_path / "nothing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "model.npz").write_bytes(b"")
    with pytest.raises(CubenetError, match="missing data.npz"):
        load_run(tmp_path / "half")


def test_history_csv_columns(cli, tmp_path, cube_file):
    assert cli("learn", cube_file, *FAST, "-o", tmp_path / "run").exit_code == 0
    lines = (tmp_path / "run" / "history.csv").read_text().splitlines()
    assert lines[0] == "epoch,loss,train_accuracy,test_accuracy" and len(lines) == 5
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert set(metrics) >= {"train_accuracy", "test_accuracy", "per_class_accuracy", "confusion_matrix", "class_names",
                            "stop_reason", "epochs_run", "layers", "layer_epochs", "warnings"}
    timing = json.loads((tmp_path / "run" / "run.json").read_text())["timing"]  # wall-clock lives in run.json
    assert len(timing["epoch_seconds"]) == 4 and timing["train_seconds"] >= 0


def test_a_dead_network_ends_with_a_warning_that_says_what_to_change(cli, tmp_path):
    """Momentum at lr 10 kills every ReLU of the deeper layers: a run at chance is not reported as normal."""
    data = tmp_path / "c.npz"
    assert cli("scramble", "color-cube", "--n", "600", "-o", data, "--no-preview").exit_code == 0
    r = cli("learn", data, "--optimizer", "momentum", "--lr", "10", "--no-render", "-o", tmp_path / "run")
    assert r.exit_code == 0, r.output
    assert "Warning: the network ended at chance" in r.output and "is dead" in r.output and "--lr" in r.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert any("dead" in w for w in metrics["warnings"])  # the report and a notebook see it too


def test_one_default_cube(cli, tmp_path):
    """'cubenet learn' without data trains on exactly the file 'cubenet scramble color-cube --seed S' writes."""
    from cubenet.cli.learn import DEFAULT_CUBE
    from cubenet.data.io import load

    assert cli("scramble", "color-cube", "--twists", str(DEFAULT_CUBE["twists"]), "--seed", "3", "-o",
               tmp_path / "c.npz", "--no-preview").exit_code == 0
    from cubenet.cli.learn import _dataset

    generated, _ = _dataset(None, None, 3)
    saved = load(tmp_path / "c.npz")
    assert len(generated.y_train) + len(generated.y_test) == 10_000
    assert np.array_equal(generated.X_train, saved.X_train) and np.array_equal(generated.y_test, saved.y_test)
    assert generated.meta["scramble"] == saved.meta["scramble"]
