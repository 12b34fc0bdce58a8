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
#: the puzzles these tests use, by slug; the learner names them by number, which comes from puzzles.json
APPLY, UNDO, TWIST, ROTATE, STICKERS, ORDER, FOLD, XOR, BACKWARD = (find_puzzle(slug, PUZZLES) for slug in (
    "apply-scramble", "undo-it", "twist-matrix", "rotate-back", "sticker-permutation", "order-of-ru", "fold", "xor",
    "backward"))


def solution(p):
    return p.solution.read_text(encoding="utf-8")


def n(p):
    """The number a learner types for the puzzle: ``cubenet puzzles check 3``."""
    return str(p.number)


def label(p):
    """How the CLI names a puzzle: ``03 A twist is a rotation``."""
    return f"{p.number:02d} {p.title}"


@pytest.fixture
def ws(tmp_path, cli):
    folder = tmp_path / "ws"
    r = cli("puzzles", "init", folder)
    assert r.exit_code == 0, r.output
    return folder


def progress(folder):
    return json.loads((folder / "progress.json").read_text())["puzzles"]


def test_init_makes_a_workspace_and_refuses_to_overwrite_it(ws, cli):
    assert (ws / APPLY.label / "answer.py").is_file() and (ws / "README.md").is_file()
    assert len(progress(ws)) == len(PUZZLES)
    r = cli("puzzles", "init", ws)
    assert r.exit_code == 1 and "Error:" in r.output and "already a puzzle workspace" in r.output


def test_list_and_show(ws, cli):
    r = cli("puzzles", "list", "--dir", ws)
    assert r.exit_code == 0, r.output
    assert all(p.title in r.output for p in PUZZLES) and "▶" in r.output
    r = cli("puzzles", "show", n(ROTATE), "--dir", ws)
    assert r.exit_code == 0, r.output
    assert "Rotate it back" in r.output and str(ws / ROTATE.label / "answer.py") in r.output
    assert "data.png" in r.output
    by_name = cli("puzzles", "show", "rotate-back", "--dir", ws)
    assert by_name.exit_code == 0 and by_name.output == r.output  # a puzzle's name works like its number


def test_check_fails_on_the_stub_and_passes_a_solution_then_moves_on(ws, cli):
    r = cli("puzzles", "check", n(UNDO), "--dir", ws)
    assert r.exit_code == 1 and f"✗ {label(UNDO)} — not yet" in r.output
    assert f"hint {n(UNDO)}" in r.output
    (ws / UNDO.label / "answer.py").write_text(solution(UNDO))
    r = cli("puzzles", "check", n(UNDO), "--dir", ws)
    assert r.exit_code == 0, r.output
    assert f"✓ {label(UNDO)} — passed" in r.output and f"Next: {label(APPLY)}" in r.output
    assert progress(ws)[UNDO.id]["status"] == "passed" and progress(ws)[UNDO.id]["checks"] == 2


def test_check_reports_a_syntax_error_kindly(ws, cli):
    (ws / ORDER.label / "answer.py").write_text("def order(s)\n    return 4\n")
    r = cli("puzzles", "check", n(ORDER), "--dir", ws)
    assert r.exit_code == 1
    assert "Python cannot read the file" in r.output and "line 1" in r.output and "Traceback" not in r.output


def test_check_a_file_for_the_instructor(tmp_path, cli):
    path = tmp_path / "mine.py"
    path.write_text(solution(ORDER))
    r = cli("puzzles", "check", n(ORDER), "--file", path)
    assert r.exit_code == 0 and "passed" in r.output
    wrong = XOR.folder / "wrong" / "backwards.py"
    (tmp_path / "xor.py").write_text(wrong.read_text())
    r = cli("puzzles", "check", n(XOR), "--file", tmp_path / "xor.py")
    assert r.exit_code == 1 and (tmp_path / "feedback.png").is_file()  # a wrong answer to project
    r = cli("puzzles", "check", "--file", path)
    assert r.exit_code == 2


def test_hints_come_one_at_a_time(ws, cli):
    p = TWIST
    outputs = [cli("puzzles", "hint", n(TWIST), "--dir", ws).output for _ in range(len(p.hints) + 1)]
    assert "Hint 1 of 3" in outputs[0] and p.hints[0][:30] in outputs[0].replace("\n", " ").replace("  ", " ")
    assert "Hint 3 of 3" in outputs[-1] and "last hint" in outputs[-1]
    assert progress(ws)[TWIST.id]["hints_shown"] == 3


def test_watch_checks_advances_on_a_pass_and_rechecks_on_save(ws, cli):
    (ws / APPLY.label / "answer.py").write_text(solution(APPLY))
    result = {}

    def run():
        result["r"] = cli("puzzles", "watch", "--dir", ws, "--interval", "0.1", "--max-checks", "3")

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 60
    while progress(ws)[UNDO.id]["checks"] < 1 and time.time() < deadline:
        time.sleep(0.1)
    (ws / UNDO.label / "answer.py").write_text(solution(UNDO))  # the learner saves a fix
    thread.join(90)
    out = result["r"].output
    assert result["r"].exit_code == 0, out
    assert out.index(f"✓ {label(APPLY)}") < out.index(f"✗ {label(UNDO)}") < out.index(f"✓ {label(UNDO)}")
    assert progress(ws)[UNDO.id]["status"] == "passed"


def test_without_a_number_the_puzzle_folder_you_are_in_is_used(ws, cli):
    """From inside NN-backward/ (or --dir pointing into it), check and hint act on that puzzle, not the first."""
    folder = ws / BACKWARD.label
    folder.joinpath("answer.py").write_text(solution(BACKWARD))
    r = cli("puzzles", "check", "--dir", folder)
    assert r.exit_code == 0 and f"✓ {label(BACKWARD)}" in r.output, r.output
    r = cli("puzzles", "hint", "--dir", folder)
    assert f"for {label(BACKWARD)}" in r.output and progress(ws)[BACKWARD.id]["hints_shown"] == 1
    assert progress(ws)[APPLY.id]["hints_shown"] == 0
    cwd = os.getcwd()
    try:
        os.chdir(folder)
        r = cli("puzzles", "check")
    finally:
        os.chdir(cwd)
    assert r.exit_code == 0 and f"✓ {label(BACKWARD)}" in r.output, r.output


def test_watch_stays_with_a_named_puzzle_after_a_pass(ws, cli):
    answer = ws / UNDO.label / "answer.py"
    answer.write_text(solution(UNDO))
    result = {}

    def run():
        result["r"] = cli("puzzles", "watch", n(UNDO), "--dir", ws, "--interval", "0.1", "--max-checks", "2")

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.time() + 60
    while progress(ws)[UNDO.id]["checks"] < 1 and time.time() < deadline:
        time.sleep(0.1)
    answer.write_text("def inverse(scramble)\n")  # the learner keeps editing puzzle 2 after its pass
    thread.join(90)
    out = result["r"].output
    assert result["r"].exit_code == 0, out
    assert out.index(f"✓ {label(UNDO)}") < out.index("Still watching") < out.index(f"✗ {label(UNDO)}")
    assert "Next:" not in out and label(TWIST) not in out and progress(ws)[UNDO.id]["checks"] == 2


def test_reset_asks_first(ws):
    runner = CliRunner()
    from cubenet.cli import app

    answer = ws / TWIST.label / "answer.py"
    answer.write_text("# my work\n")
    r = runner.invoke(app, ["puzzles", "reset", n(TWIST), "--dir", str(ws)], input="n\n")
    assert r.exit_code == 1 and "Replace" in r.output and answer.read_text() == "# my work\n"
    r = runner.invoke(app, ["puzzles", "reset", n(TWIST), "--dir", str(ws), "--yes"])
    assert r.exit_code == 0, r.output
    assert answer.read_text() == TWIST.stub_text
    assert (ws / TWIST.label / "answer.py.bak").read_text() == "# my work\n"


def test_status_and_solution_only_after_a_pass(ws, cli):
    r = cli("puzzles", "solution", n(ORDER), "--dir", ws)
    assert r.exit_code == 1 and f"Error: puzzle {n(ORDER)} is not passed yet" in r.output
    r = cli("puzzles", "solution", n(ORDER), "--force", "--dir", ws)
    assert r.exit_code == 0 and "Warning" in r.output and "def order" in r.output
    assert progress(ws)[ORDER.id]["peeked"] is True
    (ws / ORDER.label / "answer.py").write_text(solution(ORDER))
    assert cli("puzzles", "check", n(ORDER), "--dir", ws).exit_code == 0
    r = cli("puzzles", "solution", n(ORDER), "--dir", ws)
    assert r.exit_code == 0 and "Warning" not in r.output and "math.lcm" in r.output
    r = cli("puzzles", "status", "--dir", ws)
    assert r.exit_code == 0 and f"1 of {len(PUZZLES)} puzzles passed" in r.output and "peeked" in r.output
    assert "Tried, not passed" not in r.output
    cli("puzzles", "check", n(FOLD), "--dir", ws)
    cli("puzzles", "check", n(FOLD), "--dir", ws)
    cli("puzzles", "hint", n(FOLD), "--dir", ws)
    r = cli("puzzles", "status", "--dir", ws)
    assert f"✗ {label(FOLD)}: 2 checks, 1 hint" in r.output  # who is stuck where, at a glance


def test_errors_are_one_line(tmp_path, cli, ws):
    r = cli("puzzles", "list", "--dir", tmp_path)
    assert r.exit_code == 1 and "Error:" in r.output and "not inside a puzzle workspace" in r.output
    r = cli("puzzles", "show", "99", "--dir", ws)
    assert r.exit_code == 1 and "Error: no puzzle '99'" in r.output
    (ws / STICKERS.label / "answer.py").unlink()
    r = cli("puzzles", "check", n(STICKERS), "--dir", ws)
    assert r.exit_code == 1 and f"reset {n(STICKERS)}" in r.output


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
    wheel = next((tmp / "dist").glob("cubenet_geometry-*.whl"))
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
    for p in (ORDER, XOR):
        (ws / p.label / "answer.py").write_text(solution(p))
        r = run("puzzles", "check", n(p), cwd=ws / p.label)
        assert r.returncode == 0, r.stdout + r.stderr
    assert (ws / XOR.label / "feedback.png").is_file()
