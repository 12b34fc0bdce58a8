"""cubenet sweep: grids expand as written, every engine gives the same rows, a killed sweep resumes cleanly."""

import csv
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from cubenet.cli import app
from cubenet.errors import CubenetError
from cubenet.sweep import Grid, ResultsFile, parse_values, run_sweep
from cubenet.sweep.results import COLUMNS, TIMING_COLUMNS

TINY = Grid(data="color-cube", data_params=(("twists", (0, 1)),), n_samples=600, widths=(4,), depths=(1, 2),
            training=(("epochs", (3,)),), seeds=(0, 1))


def reproducible(rows):
    """Rows without their timing columns, in key order (what must agree between engines and runs)."""
    return sorted(({k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in rows), key=lambda r: r["key"])


def test_values_read_as_written():
    assert parse_values("4,8,16", "--hidden") == (4, 8, 16)
    assert parse_values("0:20", "--twists") == tuple(range(21))          # inclusive, as people read 0-20
    assert parse_values("0:20:5", "--twists") == (0, 5, 10, 15, 20)
    assert parse_values("1,4:6,4", "--depth") == (1, 4, 5, 6)            # repeats dropped, order kept
    assert parse_values("0.01,0.003", "--lr", kind=float) == (0.01, 0.003)


@pytest.mark.parametrize("text, match", [("", "needs at least one value"), ("5:2", "is empty"),
                                         ("1:5:0", "step"), ("a,b", "is not an integer")])
def test_bad_values_are_one_line(text, match):
    with pytest.raises(CubenetError, match=match):
        parse_values(text, "--depth")


def test_cells_are_the_product_with_stable_keys():
    cells = TINY.cells()
    assert len(cells) == TINY.size() == 8
    assert len({c.key for c in cells}) == 8
    assert [c.key for c in cells] == [c.key for c in TINY.cells()]
    assert {c.hidden for c in cells} == {(4,), (4, 4)}


def test_serial_and_pool_give_the_same_rows(tmp_path):
    cells = TINY.cells()
    serial = run_sweep(cells, ResultsFile(tmp_path / "serial.csv"), workers=1)
    pool = run_sweep(cells, ResultsFile(tmp_path / "pool.csv"), workers=2)
    assert len(serial) == 8 and all(r["status"] == "ok" for r in serial)
    assert reproducible(serial) == reproducible(pool)
    assert run_sweep(cells, ResultsFile(tmp_path / "serial.csv"), workers=1) == []   # resumed: nothing to do
    assert len(ResultsFile(tmp_path / "serial.csv").rows()) == 8


def test_dask_local_cluster_gives_the_same_rows(tmp_path):
    try:
        from distributed import LocalCluster
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("dask.distributed is not installed, but CI is set: it is in the 'test' extra")
        pytest.skip("dask.distributed not installed (pip install -e '.[dask]')")
    cells = TINY.cells()
    serial = run_sweep(cells, ResultsFile(tmp_path / "serial.csv"), workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      processes=True) as cluster:
        dask = run_sweep(cells, ResultsFile(tmp_path / "dask.csv"), scheduler=cluster.scheduler_address)
    assert reproducible(dask) == reproducible(serial)


def test_a_failing_cell_is_recorded_and_the_others_go_on(tmp_path):
    grid = Grid(data="color-cube", n_samples=600, widths=(16,), depths=(2,),
                training=(("epochs", (3,)), ("l2", (1.0,)), ("lr", (0.01, 10.0)), ("optimizer", ("sgd",))), seeds=(0,))
    rows = run_sweep(grid.cells(), ResultsFile(tmp_path / "r.csv"))
    by_lr = {r["training"]["lr"]: r for r in rows}
    assert by_lr[0.01]["status"] == "ok"
    assert by_lr[10.0]["status"] == "failed" and "diverged" in by_lr[10.0]["reason"]


def test_a_torn_last_line_is_cut_and_a_foreign_file_refused(tmp_path):
    path = tmp_path / "results.csv"
    ResultsFile(path)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("abc,ok,,color-cube")          # a row a crash cut short
    assert ResultsFile(path).rows() == []
    assert path.read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CubenetError, match="not a cubenet sweep table"):
        ResultsFile(tmp_path / "other.csv")


SWEEP_ARGS = ["--twists", "0:1", "--hidden", "4", "--depth", "1:3", "--seeds", "0:1", "--epochs", "3", "--n", "600"]


def test_sigkill_halfway_then_resume_gives_the_uninterrupted_rows(tmp_path):
    whole = tmp_path / "whole"
    r = CliRunner().invoke(app, ["sweep", *SWEEP_ARGS, "--workers", "1", "-o", str(whole)])
    assert r.exit_code == 0, r.output
    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "cubenet", "sweep", *SWEEP_ARGS, "--workers", "1", "-o", str(killed)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        table = killed / "results.csv"
        if table.exists() and table.read_text(encoding="utf-8").count("\n") >= 4:   # header + 3 rows
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = ResultsFile(killed / "results.csv").rows()
    assert 3 <= len(partial) < 12
    r = CliRunner().invoke(app, ["sweep", *SWEEP_ARGS, "--workers", "1", "-o", str(killed)])
    assert r.exit_code == 0, r.output
    rows = ResultsFile(killed / "results.csv").rows()
    assert len(rows) == len({row["key"] for row in rows}) == 12          # no duplicate
    assert reproducible(rows) == reproducible(ResultsFile(whole / "results.csv").rows())
    with open(killed / "results.csv", newline="", encoding="utf-8") as fh:
        assert all(len(line) == len(COLUMNS) for line in csv.reader(fh))  # no torn line
    for name in ("phase.png", "smallest.png", "probes.png", "sweep.html"):
        assert (killed / name).stat().st_size > 1000


@pytest.mark.parametrize("args, match", [
    (["--twists", "5:1"], "is empty"),
    (["--depth", "-2"], "--depth must be an integer between 1 and 64"),
    (["--data", "nope"], "unknown dataset 'nope'"),
    (["--set", "arms=3"], "'arms' does not apply to color-cube"),
    (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler|needs Dask"),
    (["--workers", "0"], "--workers must be between 1 and 256"),
])
def test_a_bad_grid_gets_one_line_quickly(tmp_path, args, match):
    r = CliRunner().invoke(app, ["sweep", *args, "-o", str(tmp_path / "s")])
    assert r.exit_code == 1
    assert r.output.startswith("Error: ") and r.output.count("\n") == 1
    assert re.search(match, r.output), r.output
    assert not (tmp_path / "s" / "results.csv").exists()


def test_a_cells_command_reproduces_its_row_bit_for_bit(tmp_path, monkeypatch):
    """The row's numbers are those of an ordinary 'cubenet scramble … && cubenet learn …' with the same seed."""
    import json
    import shlex

    cell = TINY.cells()[5]
    (row,) = run_sweep([cell], ResultsFile(tmp_path / "results.csv"), keep_runs=tmp_path / "runs")
    kept = json.loads((tmp_path / "runs" / cell.key / "metrics.json").read_text())
    assert kept["test_accuracy"] == row["test_accuracy"]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for part in cell.command().split(" && "):
        args = shlex.split(part)[1:]
        if args[0] == "learn":
            args += ["-o", "again"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    again = json.loads((tmp_path / "again" / "metrics.json").read_text())
    assert again == kept
    assert [round(s["probe_accuracy"], 6) for s in again["layers"]] == row["probe_accuracy"]


def test_a_sweep_of_step_networks(tmp_path):
    grid = Grid(data="spirals", n_samples=400, widths=(8,), steps=(1, 3), training=(("epochs", (3,)),), seeds=(0,))
    cells = grid.cells()
    assert [(c.steps, c.hidden) for c in cells] == [(1, (8,)), (3, (8,))]
    assert len({c.key for c in cells} | {c.key for c in TINY.cells()}) == 10
    rows = run_sweep(cells, ResultsFile(tmp_path / "results.csv"))
    assert all(r["status"] == "ok" and r["network"] == "steps" for r in rows), rows
    assert sorted(r["depth"] for r in rows) == [1, 3]
    assert "--steps 3 --inner 8" in next(r["command"] for r in rows if r["depth"] == 3)
    assert [len(r["probe_accuracy"]) for r in sorted(rows, key=lambda r: r["depth"])] == [3, 5]  # input, steps, output
    r = CliRunner().invoke(app, ["sweep", "--data", "digits", "--steps", "2", "--n", "200", "-o", str(tmp_path / "d")])
    assert r.exit_code == 1 and "keeps the data's own dimension" in r.output
