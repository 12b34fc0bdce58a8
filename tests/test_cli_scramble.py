"""``cubenet scramble`` and ``cubenet datasets`` through the real CLI."""

import os
import subprocess
import sys

import numpy as np
import pytest

from cubenet.data.io import load


def test_scramble_color_cube_round_trip(cli, tmp_path):
    out = tmp_path / "cube.npz"
    r = cli("scramble", "color-cube", "--twists", "4", "--n", "1200", "--seed", "3", "-o", out)
    assert r.exit_code == 0, r.output
    assert out.exists() and out.with_suffix(".png").exists()
    ds = load(out)
    assert ds.meta["seed"] == 3 and len(ds.meta["scramble"].split()) == 4
    assert ds.meta["scramble"] in r.output and ds.meta["facelets"] in r.output
    assert len(ds.y_train) + len(ds.y_test) == 1200
    # same seed, same file contents
    r2 = cli("scramble", "color-cube", "--twists", "4", "--n", "1200", "--seed", "3", "-o", tmp_path / "again.npz",
             "--no-preview")
    assert r2.exit_code == 0, r2.output
    assert np.array_equal(load(tmp_path / "again.npz").X_train, ds.X_train)


def test_scramble_explicit_moves(cli, tmp_path):
    r = cli("scramble", "color-cube", "--moves", "R U R' U'", "--n", "600", "-o", tmp_path / "m.npz", "--no-preview")
    assert r.exit_code == 0, r.output
    ds = load(tmp_path / "m.npz")
    assert ds.meta["scramble"] == "R U R' U'" and ds.meta["inverse"] == "U R U' R'"


def test_datasets_lists_generators(cli):
    r = cli("datasets")
    assert r.exit_code == 0, r.output
    assert "color-cube" in r.output and "--twists" in r.output


@pytest.mark.parametrize("args, message", [
    (["scramble", "nonsense"], "unknown dataset 'nonsense'"),
    (["scramble", "color-cube", "--twists", "-3"], "twists must be an integer between 0"),
    (["scramble", "color-cube", "--twists", "100000"], "twists must be an integer between 0"),
    (["scramble", "color-cube", "--n", "0"], "n_samples must be an integer between"),
    (["scramble", "color-cube", "--n", "999999999"], "n_samples must be an integer between"),
    (["scramble", "color-cube", "--moves", "R U X2"], "bad move token 'X2' at position 3"),
    (["scramble", "color-cube", "--arms", "3"], "'arms' does not apply to color-cube; its options are: --twists, --moves"),
    (["scramble", "digits", "--strength", "3", "--twists", "3"], "--strength and --twists are the same option of digits"),
    (["scramble", "color-cube", "--test-fraction", "1.5"], "test_fraction must be between 0 and 1"),
    (["scramble", "color-cube", "--noise", "nan"], "noise must be a finite number"),
    (["scramble", "--from", "x.csv", "--twists", "2"], "--twists only applies to a generated dataset"),
])
def test_bad_input_gives_one_error_line(cli, tmp_path, args, message):
    r = cli(*args, "-o", tmp_path / "x.npz")
    assert r.exit_code == 1, r.output
    assert message in r.output
    assert "Traceback" not in r.output
    assert [line for line in r.output.splitlines() if line.startswith("Error:")] != []
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_exit_2(cli, tmp_path):
    r = cli("scramble", "color-cube", "--twists", "many")
    assert r.exit_code == 2
    r = cli("scramble")
    assert r.exit_code == 2 and "DATASET" in r.output


def test_unwritable_output_leaves_nothing(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = cli("scramble", "color-cube", "-o", blocker / "cube.npz")
    assert r.exit_code == 1 and "Error:" in r.output and "cannot create folder" in r.output
    r = cli("scramble", "color-cube", "-o", tmp_path / "cube.txt")
    assert r.exit_code == 1 and "must end in .npz" in r.output
    taken = tmp_path / "taken.npz"
    taken.mkdir()  # the output name is a folder: the rename fails, and no temporary file is left behind
    r = cli("scramble", "color-cube", "-o", taken)
    assert r.exit_code == 1 and f"cannot write '{taken}'" in r.output and "choose another output path" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "taken.npz"] and not any(taken.iterdir())
    if os.geteuid() != 0:  # root can write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        r = cli("scramble", "color-cube", "-o", ro / "cube.npz")
        assert r.exit_code == 1 and "not writable" in r.output


def test_console_script_help_and_version_are_fast_imports():
    """--help must not import numpy/scipy/matplotlib (they are imported inside commands)."""
    code = ("import sys; from cubenet.cli import app; "
            "bad = [m for m in ('numpy', 'scipy', 'matplotlib') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    version = subprocess.run([sys.executable, "-m", "cubenet", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("cubenet ")


def test_unexpected_errors_are_one_line(cli, tmp_path, monkeypatch):
    import cubenet.data.registry as registry

    def boom(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(registry, "make_dataset", boom)
    r = cli("scramble", "color-cube", "-o", tmp_path / "x.npz")
    assert r.exit_code == 1
    assert "Error: cubenet failed unexpectedly (RuntimeError: something broke)" in r.output and "Traceback" not in r.output


def test_written_files_have_normal_permissions(cli, tmp_path):
    r = cli("scramble", "color-cube", "--n", "600", "-o", tmp_path / "c.npz")
    assert r.exit_code == 0, r.output
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "c.npz").stat().st_mode & 0o777 == 0o666 & ~mask


def test_console_script_usage_error_is_one_line():
    r = subprocess.run([sys.executable, "-m", "cubenet", "scramble", "color-cube", "--twists", "many"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Invalid value for '--twists'"), r.stderr
    r = subprocess.run([sys.executable, "-m", "cubenet", "learn", "--optimizer", "adamw"], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.startswith("Error: Invalid value for '--optimizer': 'adamw' is not one of 'adam'"), r.stderr


@pytest.mark.parametrize("args, start", [
    (["moons", "--wobble", "4"], "Error: No such option: --wobble"),
    (["spirals", "--arms", "three"], "Error: Invalid value for '--arms'"),
    (["color-cube", "--noise", "lots"], "Error: Invalid value for '--noise'"),
])
def test_registry_options_give_the_one_line_usage_error(args, start):
    r = subprocess.run([sys.executable, "-m", "cubenet", "scramble", *args], capture_output=True, text=True)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), r.stderr


def test_paths_are_never_wrapped(cli, tmp_path):
    """A path longer than the terminal is printed on one line, so it can be copied or clicked."""
    deep = tmp_path / ("a-long-folder-name-" * 8) / ("and-another-" * 6)
    deep.mkdir(parents=True)
    out = deep / "cube.npz"
    r = cli("scramble", "color-cube", "--n", "300", "-o", out)
    assert r.exit_code == 0, r.output
    assert len(str(out)) > 200 and str(out) in r.output
