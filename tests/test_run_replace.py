"""Nothing lost: run folders are replaced only when cubenet owns every file, one writer at a time, recoverably."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from cubenet.cli import app
from cubenet.errors import CubenetError
from cubenet.files import write_text
from cubenet.run import load_run
from cubenet.run.replace import MANIFEST, run_lock

FAST = ["--epochs", "2", "--no-render", "--hidden", "4"]


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture()
def spirals(tmp_path):
    path = tmp_path / "sp.npz"
    r = cli("scramble", "spirals", "--n", "400", "-o", path)
    assert r.exit_code == 0, r.output
    return path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_folder_with_a_run_json_and_user_files_is_never_deleted(tmp_path, spirals):
    """The audit's repro: proj/run.json + thesis.tex + my.csv, then learn proj/my.csv -o proj."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "run.json").write_text("{}")
    (proj / "thesis.tex").write_text("thesis")
    assert cli("export", spirals, "--csv", proj / "my.csv").exit_code == 0
    r = cli("learn", proj / "my.csv", *FAST, "-o", proj)
    assert r.exit_code == 1 and "holds files cubenet did not write (my.csv, thesis.tex)" in r.output
    assert (proj / "thesis.tex").read_text() == "thesis" and (proj / "my.csv").exists()


def test_a_file_the_user_added_to_a_real_run_stops_the_replacement(tmp_path, spirals):
    run = tmp_path / "run"
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0          # cubenet's own files: replaced
    (run / "notes.txt").write_text("mine")
    r = cli("learn", spirals, *FAST, "-o", run)
    assert r.exit_code == 1 and "notes.txt" in r.output
    assert (run / "notes.txt").read_text() == "mine"


def test_a_rendered_run_is_still_cubenets_own(tmp_path, spirals):
    run = tmp_path / "run"
    assert cli("learn", spirals, "--epochs", "2", "--hidden", "4", "-o", run).exit_code == 0
    assert {"report.html", "layers.png", MANIFEST} <= {p.name for p in run.iterdir()}
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0


def test_learn_into_the_working_folder_is_refused_without_debris(tmp_path, spirals, monkeypatch):
    run = tmp_path / "run"
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0
    monkeypatch.chdir(run)
    r = cli("learn", spirals, *FAST, "-o", ".")
    assert r.exit_code == 1 and "the folder you are working in" in r.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_second_writer_is_told_who_holds_the_folder(tmp_path, spirals):
    run = tmp_path / "run"
    with run_lock(run):
        r = cli("learn", spirals, *FAST, "-o", run)
    assert r.exit_code == 1 and f"pid {os.getpid()}" in r.output and "is writing" in r.output
    assert not run.exists()
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0          # the lock is released


def test_a_swap_killed_between_its_two_renames_is_undone(tmp_path, spirals):
    run = tmp_path / "run"
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0
    pid = dead_pid()
    old = tmp_path / f".run.cubenet-old-{pid}-abc123"
    old.mkdir()
    os.replace(run, old / "run")                                          # the first rename happened, then SIGKILL
    half = tmp_path / f".run.cubenet-new-{pid}-def456"
    half.mkdir()
    (half / "model.npz").write_bytes(b"half")
    assert load_run(run).model is not None                                 # the next reader puts the run back
    assert not old.exists() and cli("learn", spirals, *FAST, "-o", run).exit_code == 0
    assert not half.exists()


def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path):
    stale = tmp_path / f".data.{dead_pid()}.tmp-x1y2.npz"
    stale.write_bytes(b"x" * 1000)
    live = tmp_path / f".data.{os.getpid()}.tmp-zz.npz"
    live.write_bytes(b"mine")
    write_text(tmp_path / "data.npz", "placeholder")
    assert not stale.exists() and live.exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_termination_signals_clean_up_like_ctrl_c(tmp_path, sig):
    proc = subprocess.Popen([sys.executable, "-m", "cubenet", "learn", "--epochs", "400", "--no-render", "-o",
                             str(tmp_path / "run")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    time.sleep(2.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_sigkilled_learn_leaves_what_the_next_command_cleans(tmp_path, spirals):
    run = tmp_path / "run"
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0
    before = (run / "model.npz").read_bytes()
    for delay in (0.8, 1.6):
        proc = subprocess.Popen([sys.executable, "-m", "cubenet", "learn", str(spirals), "--epochs", "3000",
                                 "--hidden", "4", "--no-render", "-o", str(run)], stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        assert (run / "model.npz").read_bytes() == before                 # the earlier run is intact
    assert cli("learn", spirals, *FAST, "-o", run).exit_code == 0
    debris = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert debris == []


def test_a_folder_is_not_a_run_without_run_json(tmp_path, spirals):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.txt").write_text("x")
    with pytest.raises(CubenetError, match="not empty and not a cubenet run"):
        from cubenet.run.folder import check_run_target

        check_run_target(out)
    shutil.rmtree(out)
