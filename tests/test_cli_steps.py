"""``cubenet learn --steps N [--inner K]``: step networks from the command line, their run folders and figures."""

import numpy as np
import pytest

from cubenet.data.cube import make_color_cube
from cubenet.data.io import save
from cubenet.nn.steps import StepModel
from cubenet.run.folder import load_run


@pytest.fixture(scope="module")
def cube_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "cube.npz"
    save(make_color_cube(600, twists=1, rng=0), path)
    return path


def test_learn_steps_writes_a_step_run(cli, tmp_path, cube_file):
    run = tmp_path / "run"
    r = cli("learn", cube_file, "--steps", "3", "--inner", "8", "--epochs", "3", "--no-render", "-o", run)
    assert r.exit_code == 0, r.output
    assert "3 steps in 3-D" in r.output and "3 → 8 → 3" in r.output
    loaded = load_run(run)
    assert isinstance(loaded.model, StepModel) and loaded.model.n_steps == 3 and loaded.model.inner == 8
    assert all(len(p) == 7 for _, p in loaded.history.snapshots)
    command = loaded.info["command"]
    assert "--steps 3 --inner 8 --motion 0.1" in command and "--lr 0.015" in command and "--hidden" not in command
    again = tmp_path / "again"  # the recorded command reproduces the network
    args = command.split()[1:]
    args[args.index("-o") + 1] = str(again)
    assert cli(*args).exit_code == 0
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(loaded.model.params, load_run(again).model.params))
    more = tmp_path / "more"  # --model continues a step network
    r = cli("learn", cube_file, "--model", run / "model.npz", "--epochs", "2", "--no-render", "-o", more)
    assert r.exit_code == 0, r.output
    assert isinstance(load_run(more).model, StepModel)


def test_wide_csv_with_steps_is_refused_in_one_line(cli, tmp_path):
    rng = np.random.default_rng(0)
    rows = ["a,b,c,d,e,label"] + [",".join(f"{v:.3f}" for v in rng.normal(size=5)) + f",{i % 2}" for i in range(40)]
    (tmp_path / "wide.csv").write_text("\n".join(rows) + "\n")
    r = cli("learn", tmp_path / "wide.csv", "--steps", "4", "--no-render", "-o", tmp_path / "run")
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0, r.output
    assert r.output.startswith("Error: a step network keeps the data's own dimension") and "this data has 5" in r.output
    assert "--hidden" in r.output and not (tmp_path / "run").exists()


@pytest.mark.parametrize("args,match", [
    (("--steps", "3", "--hidden", "8"), "give either --steps (a step network) or --hidden, not both"),
    (("--inner", "8",), "give it with --steps N"),
    (("--steps", "0"), "--steps must be an integer between 1"),
    (("--steps", "2", "--inner", "0"), "--inner must be an integer between 1"),
    (("--steps", "2", "--activation", "tanh"), "uses ReLU inside every step"),
    (("--motion", "0.1",), "give it with --steps N"),
    (("--steps", "2", "--motion", "-1"), "motion must be a number between 0 and"),
])
def test_conflicting_step_options(cli, tmp_path, cube_file, args, match):
    r = cli("learn", cube_file, *args, "--epochs", "1", "--no-render", "-o", tmp_path / "run")
    assert r.exit_code == 1 and match in r.output, r.output
