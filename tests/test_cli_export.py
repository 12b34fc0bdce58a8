"""``cubenet export`` and the 2-D datasets through the real CLI: scramble, export, re-import."""

import numpy as np
import pytest

from cubenet.data.csvio import read_csv
from cubenet.data.io import load


def test_scramble_spirals_writes_data_and_preview(cli, tmp_path):
    out = tmp_path / "s.npz"
    r = cli("scramble", "spirals", "--arms", "3", "--twists", "2", "--n", "600", "--seed", "4", "-o", out)
    assert r.exit_code == 0, r.output
    ds = load(out)
    assert ds.n_classes == 3 and ds.meta["kind"] == "planar" and ds.meta["seed"] == 4
    assert len(ds.meta["scramble"].split()) == 3 and ds.meta["scramble"].startswith("swirl(9.4248)")
    assert "inverse:" in r.output and out.with_suffix(".png").stat().st_size > 10_000


@pytest.mark.parametrize("args", [
    ["moons", "--noise", "0.1", "--label-noise", "0.05"], ["circles", "--classes", "3"], ["xor"],
    ["checker", "--cells", "6"], ["blobs", "--classes", "5"], ["moons", "--moves", "swirl(2.0) shear(0.5,0.0)"],
])
def test_scramble_every_2d_dataset(cli, tmp_path, args):
    out = tmp_path / "d.npz"
    r = cli("scramble", *args, "--n", "400", "-o", out, "--no-preview")
    assert r.exit_code == 0, r.output
    assert load(out).meta["generator"] == args[0]


def test_scramble_refuses_parameters_that_do_not_apply(cli, tmp_path):
    r = cli("scramble", "moons", "--arms", "3", "-o", tmp_path / "m.npz")
    assert r.exit_code == 1 and "'arms' does not apply to moons" in r.output
    r = cli("scramble", "checker", "--cells", "5", "-o", tmp_path / "c.npz")
    assert r.exit_code == 1 and "even number of cells" in r.output
    r = cli("scramble", "spirals", "--moves", "swirl(1,2)", "-o", tmp_path / "c.npz")
    assert r.exit_code == 1 and "swirl takes 1 arguments" in r.output


def test_export_round_trip(cli, tmp_path):
    data = tmp_path / "moons.npz"
    assert cli("scramble", "moons", "--n", "300", "-o", data, "--no-preview").exit_code == 0
    r = cli("export", data, "--csv", tmp_path / "out.csv")
    assert r.exit_code == 0, r.output
    ds, back = load(data), read_csv(tmp_path / "out.csv")
    assert f"{len(ds.y_train)} train + {len(ds.y_test)} test rows" in " ".join(r.output.split())
    assert np.array_equal(back.X_train, ds.X_train) and np.array_equal(back.X_test, ds.X_test)
    # class names survive; their order becomes sorted ("lower moon" before "upper moon")
    assert back.class_names == ("lower moon", "upper moon") == tuple(sorted(ds.class_names))
    for part in ("y_train", "y_test"):
        names = lambda d, part=part: np.array(d.class_names)[getattr(d, part)]  # noqa: E731
        assert np.array_equal(names(back), names(ds))
    # and the CSV imports as a dataset file again, with the same split
    r = cli("scramble", "--from", tmp_path / "out.csv", "-o", tmp_path / "again.npz")
    assert r.exit_code == 0, r.output
    again = load(tmp_path / "again.npz")
    assert np.array_equal(again.X_test, ds.X_test) and again.meta["kind"] == "table"
    assert (tmp_path / "again.png").exists()


def test_export_default_name_and_no_split(cli, tmp_path):
    data = tmp_path / "xor.npz"
    assert cli("scramble", "xor", "--n", "200", "-o", data, "--no-preview").exit_code == 0
    r = cli("export", data, "--no-split")
    assert r.exit_code == 0 and "200 rows (train then test, no split column)" in " ".join(r.output.split()), r.output
    lines = (tmp_path / "xor.csv").read_text().splitlines()
    assert lines[0] == "x1,x2,label" and len(lines) == 201
    assert lines[1].split(",")[2] in ("x·y < 0", "x·y > 0")


def test_export_errors(cli, tmp_path):
    r = cli("export", tmp_path / "missing.npz")
    assert r.exit_code == 1 and "no such file" in r.output
    data = tmp_path / "b.npz"
    assert cli("scramble", "blobs", "--n", "100", "-o", data, "--no-preview").exit_code == 0
    r = cli("export", data, "--csv", tmp_path / "b.txt")
    assert r.exit_code == 1 and "must end in .csv" in r.output
    csv = tmp_path / "in.csv"
    csv.write_text("x,label\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n")
    r = cli("export", csv, "--csv", csv)
    assert r.exit_code == 1 and "would overwrite the input" in r.output


def test_scramble_from_csv_errors_are_one_line(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,a\n3,oops,b\n")
    r = cli("scramble", "--from", bad, "-o", tmp_path / "bad.npz")
    assert r.exit_code == 1
    assert "line 3: column 'y' must be numeric, got 'oops'" in r.output
    assert not (tmp_path / "bad.npz").exists()
