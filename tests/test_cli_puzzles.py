"""``cubenet puzzles``: init, list, show, check, hint, watch, reset, status, solution — and init → check --all
from a wheel installed into a fresh environment."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cubenet.workshop.puzzles import find_puzzle, load_puzzles

PUZZLES = load_puzzles()
ROOT = Path(__file__).resolve().parent.parent


def solution(n):
    return find_puzzle(n, PUZZLES).solution.read_text(encoding="utf-8")


@pytest.fixture
def ws(tmp_path, cli):
    folder = tmp_path / "ws"
    r = cli("puzzles", "init", folder)
    assert r.exit_code == 0, r.output
    return folder


def progress(folder):
    return json.loads((folder / "progress.json").read_text())["puzzles"]


def test_init_makes_a_workspace_and_refuses_to_overwrite_it(ws, cli):
    assert (ws / "01-apply-scramble" / "answer.py").is_file() and (ws / "README.md").is_file()
    assert len(progress(ws)) == len(PUZZLES)
    r = cli("puzzles", "init", ws)
    assert r.exit_code == 1 and "Error:" in r.output and "already a puzzle workspace" in r.output


def test_list_and_show(ws, cli):
    r = cli("puzzles", "list", "--dir", ws)
    assert r.exit_code == 0, r.output
    assert all(p.title in r.output for p in PUZZLES) and "▶" in r.output
    r = cli("puzzles", "show", "4", "--dir", ws)
    assert r.exit_code == 0, r.output
    assert "Rotate it back" in r.output and str(ws / "04-rotate-back" / "answer.py") in r.output
    assert "data.png" in r.output


def test_check_fails_on_the_stub_and_passes_a_solution_then_moves_on(ws, cli):
    r = cli("puzzles", "check", "2", "--dir", ws)
    assert r.exit_code == 1 and "✗ 02 Undo a scramble — not yet" in r.output
    assert "hint 2" in r.output
    (ws / "02-undo-it" / "answer.py").write_text(solution(2))
    r = cli("puzzles", "check", "2", "--dir", ws)
    assert r.exit_code == 0, r.output
    assert "✓ 02 Undo a scramble — passed" in r.output and "Next: 01 Apply a scramble" in r.output
    assert progress(ws)["02-undo-it"]["status"] == "passed" and progress(ws)["02-undo-it"]["checks"] == 2


def test_check_reports_a_syntax_error_kindly(ws, cli):
    (ws / "06-order-of-ru" / "answer.py").write_text("def order(s)\n    return 4\n")
    r = cli("puzzles", "check", "6", "--dir", ws)
    assert r.exit_code == 1
    assert "Python cannot read the file" in r.output and "line 1" in r.output and "Traceback" not in r.output


def test_check_a_file_for_the_instructor(tmp_path, cli):
    path = tmp_path / "mine.py"
    path.write_text(solution(6))
    r = cli("puzzles", "check", "6", "--file", path)
    assert r.exit_code == 0 and "passed" in r.output
    wrong = find_puzzle(10, PUZZLES).folder / "wrong" / "backwards.py"
    (tmp_path / "xor.py").write_text(wrong.read_text())
    r = cli("puzzles", "check", "10", "--file", tmp_path / "xor.py")
    assert r.exit_code == 1 and (tmp_path / "feedback.png").is_file()  # a wrong answer to project
    r = cli("puzzles", "check", "--file", path)
    assert r.exit_code == 2


def test_hints_come_one_at_a_time(ws, cli):
    p = find_puzzle(3, PUZZLES)
    outputs = [cli("puzzles", "hint", "3", "--dir", ws).output for _ in range(len(p.hints) + 1)]
    assert "Hint 1 of 3" in outputs[0] and p.hints[0][:30] in outputs[0].replace("\n", " ").replace("  ", " ")
    assert "Hint 3 of 3" in outputs[-1] and "last hint" in outputs[-1]
    assert progress(ws)["03-twist-matrix"]["hints_shown"] == 3


def test_watch_checks_advances_on_a_pass_and_rechecks_on_save(ws, cli):
    (ws / "01-apply-scramble" / "answer.py").write_text(solution(1))
    result = {}

    def run():
        result["r"] = cli("puzzles", "watch", "--dir", ws, "--interval", "0.1", "--max-checks", "3")

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 60
    while progress(ws)["02-undo-it"]["checks"] < 1 and time.time() < deadline:
        time.sleep(0.1)
    (ws / "02-undo-it" / "answer.py").write_text(solution(2))  # the learner saves a fix
    thread.join(90)
    out = result["r"].output
    assert result["r"].exit_code == 0, out
    assert out.index("✓ 01") < out.index("✗ 02") < out.index("✓ 02")
    assert progress(ws)["02-undo-it"]["status"] == "passed"


def test_without_a_number_the_puzzle_folder_you_are_in_is_used(ws, cli):
    """From inside 12-backward/ (or --dir pointing into it), check and hint act on puzzle 12, not the first."""
    folder = ws / "12-backward"
    folder.joinpath("answer.py").write_text(solution(12))
    r = cli("puzzles", "check", "--dir", folder)
    assert r.exit_code == 0 and "✓ 12 " in r.output, r.output
    r = cli("puzzles", "hint", "--dir", folder)
    assert "for 12 " in r.output and progress(ws)["12-backward"]["hints_shown"] == 1
    assert progress(ws)["01-apply-scramble"]["hints_shown"] == 0
    cwd = os.getcwd()
    try:
        os.chdir(folder)
        r = cli("puzzles", "check")
    finally:
        os.chdir(cwd)
    assert r.exit_code == 0 and "✓ 12 " in r.output, r.output


def test_watch_stays_with_a_named_puzzle_after_a_pass(ws, cli):
    answer = ws / "02-undo-it" / "answer.py"
    answer.write_text(solution(2))
    result = {}

    def run():
        result["r"] = cli("puzzles", "watch", "2", "--dir", ws, "--interval", "0.1", "--max-checks", "2")

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 60
    while progress(ws)["02-undo-it"]["checks"] < 1 and time.time() < deadline:
        time.sleep(0.1)
    answer.write_text("def inverse(scramble)\n")  # the learner keeps editing puzzle 2 after its pass
    thread.join(90)
    out = result["r"].output
    assert result["r"].exit_code == 0, out
    assert out.index("✓ 02") < out.index("Still watching") < out.index("✗ 02")
    assert "Next:" not in out and "03 A twist" not in out and progress(ws)["02-undo-it"]["checks"] == 2


def test_reset_asks_first(ws):
    runner = CliRunner()
    from cubenet.cli import app

    answer = ws / "03-twist-matrix" / "answer.py"
    answer.write_text("# my work\n")
    r = runner.invoke(app, ["puzzles", "reset", "3", "--dir", str(ws)], input="n\n")
    assert r.exit_code == 1 and "Replace" in r.output and answer.read_text() == "# my work\n"
    r = runner.invoke(app, ["puzzles", "reset", "3", "--dir", str(ws), "--yes"])
    assert r.exit_code == 0, r.output
    assert answer.read_text() == find_puzzle(3, PUZZLES).stub.read_text()
    assert (ws / "03-twist-matrix" / "answer.py.bak").read_text() == "# my work\n"


def test_status_and_solution_only_after_a_pass(ws, cli):
    r = cli("puzzles", "solution", "6", "--dir", ws)
    assert r.exit_code == 1 and "Error: puzzle 6 is not passed yet" in r.output
    r = cli("puzzles", "solution", "6", "--force", "--dir", ws)
    assert r.exit_code == 0 and "Warning" in r.output and "def order" in r.output
    assert progress(ws)["06-order-of-ru"]["peeked"] is True
    (ws / "06-order-of-ru" / "answer.py").write_text(solution(6))
    assert cli("puzzles", "check", "6", "--dir", ws).exit_code == 0
    r = cli("puzzles", "solution", "6", "--dir", ws)
    assert r.exit_code == 0 and "Warning" not in r.output and "math.lcm" in r.output
    r = cli("puzzles", "status", "--dir", ws)
    assert r.exit_code == 0 and f"1 of {len(PUZZLES)} puzzles passed" in r.output and "peeked" in r.output
    assert "Tried, not passed" not in r.output
    cli("puzzles", "check", "9", "--dir", ws)
    cli("puzzles", "check", "9", "--dir", ws)
    cli("puzzles", "hint", "9", "--dir", ws)
    r = cli("puzzles", "status", "--dir", ws)
    assert "✗ 09 Fold the V flat: 2 checks, 1 hint" in r.output  # who is stuck where, at a glance


def test_errors_are_one_line(tmp_path, cli, ws):
    r = cli("puzzles", "list", "--dir", tmp_path)
    assert r.exit_code == 1 and "Error:" in r.output and "not inside a puzzle workspace" in r.output
    r = cli("puzzles", "show", "99", "--dir", ws)
    assert r.exit_code == 1 and "Error: no puzzle '99'" in r.output
    (ws / "05-sticker-permutation" / "answer.py").unlink()
    r = cli("puzzles", "check", "5", "--dir", ws)
    assert r.exit_code == 1 and "reset 5" in r.output


# ---------------------------------------------------------------- from a wheel, in a fresh environment

@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    """Build the wheel from a copy of the source tree and install it into a new venv (nothing downloaded)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "feedback.png", "*.egg-info")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("cubenet", "puzzles"):
        shutil.copytree(ROOT / name, src / name, symlinks=True, ignore=ignore)
    pip = [sys.executable, "-m", "pip"]
    built = subprocess.run([*pip, "wheel", str(src), "-w", str(tmp / "dist"), "--no-deps", "--no-build-isolation",
                            "-q"], capture_output=True, text=True, cwd=src)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((tmp / "dist").glob("cubenet-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # the new environment sees this one's dependencies (numpy, typer, ...), but not its cubenet
    Path(purelib, "_deps_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True)
    return venv


def test_init_then_check_all_from_a_wheel_install(wheel_env, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cubenet = str(wheel_env / "bin" / "cubenet")

    def run(*args, cwd=tmp_path):
        return subprocess.run([cubenet, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=300)

    where = subprocess.run([str(wheel_env / "bin" / "python"), "-c", "import cubenet; print(cubenet.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    assert str(wheel_env) in where and str(ROOT) not in where
    r = run("puzzles", "init", "ws")
    assert r.returncode == 0, r.stderr
    ws = tmp_path / "ws"
    r = run("puzzles", "check", "--all", cwd=ws)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"0 of {len(PUZZLES)} puzzles pass" in r.stdout
    assert all(f"✗ {p.number:02d} {p.title}" in r.stdout for p in PUZZLES), r.stdout
    assert "Traceback" not in r.stdout + r.stderr
    for n in (6, 10):
        folder = find_puzzle(n, PUZZLES).id
        (ws / folder / "answer.py").write_text(solution(n))
        r = run("puzzles", "check", str(n), cwd=ws / folder)
        assert r.returncode == 0, r.stdout + r.stderr
    assert (ws / "10-xor" / "feedback.png").is_file()
