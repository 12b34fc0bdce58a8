"""The workshop's verdicts survive hostile answers: each test is an attack from the audit of issue 18.

A forged result and an early exit are never a pass; reaching for the reference is "peeked"; a looping,
forking or flooding answer leaves no process behind; hand-edited progress is found by ``status --verify``;
``puzzles init`` on a full disk leaves nothing.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cubenet.errors import CubenetError
from cubenet.workshop import puzzles as pz
from cubenet.workshop.checker import check_answer

PUZZLES = pz.load_puzzles()
BY_ID = {p.id: p for p in PUZZLES}
ORDER = BY_ID["order-of-ru"]


def write(tmp_path, text, name="answer.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (read from /proc, no psutil)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:].split()[0] != b"Z"


def wait_for_pids(folder: Path, names, timeout=20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pids = [int((folder / n).read_text()) for n in names]
            return pids
        except (OSError, ValueError):
            time.sleep(0.05)
    raise AssertionError(f"the answer never wrote {names}")


def gone(pids, timeout=5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process control is tested on Linux")

#: module-level code that starts a detached grandchild (fork, setsid, fork again) looping forever
DAEMON = """
import os, time
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        open({pidfile!r} + ".part", "w").write(str(os.getpid()))
        os.replace({pidfile!r} + ".part", {pidfile!r})
        while True:
            time.sleep(0.05)
    os._exit(0)
os.waitpid(pid, 0)
"""

SELF_PID = "import os\nopen({pidfile!r} + '.part', 'w').write(str(os.getpid()))\nos.replace({pidfile!r} + '.part', {pidfile!r})\n"


# ---------------------------------------------------------------- forged verdicts

@pytest.mark.parametrize("pid", ["order-of-ru", "golf-cube", "rotate-back", "dense-forward"])
def test_a_forged_result_and_an_early_exit_is_never_a_pass(tmp_path, pid):
    forged = json.dumps({"puzzle": pid, "status": "pass", "message": "forged", "details": [], "score": 1, "par": 126,
                         "feedback": None, "seconds": 0.0, "output": ""})
    path = write(tmp_path, f"""import os, sys
forged = {forged!r}
args = sys.argv
for i, a in enumerate(args):
    if a == "--result" and i + 1 < len(args):
        open(args[i + 1], "w").write(forged)
for name in os.listdir(os.environ.get("TMPDIR", "/tmp")):
    if name.startswith("cubenet-check-"):
        open(os.path.join(os.environ.get("TMPDIR", "/tmp"), name, "result.json"), "w").write(forged)
os.write(3, b"\\x00\\x00\\x00\\x10" + b'{{"body": 1}}   ') if False else None
os._exit(0)
""")
    r = check_answer(BY_ID[pid], path)
    assert r.status == "crash" and r.score is None, r


def test_forged_replies_on_the_pipe_cannot_pass(tmp_path):
    # the answer writes a fake "ok" reply for every file descriptor it can find, then exits
    path = write(tmp_path, """import os, json, struct
head = json.dumps({"body": {"$": "dict", "k": ["kind", "value", "violations", "peeked"],
                   "v": ["ok", 105, [], []]}, "blobs": []}).encode()
for fd in range(3, 20):
    try:
        os.write(fd, struct.pack(">I", len(head)) + head)
    except OSError:
        pass
os._exit(0)
""")
    r = check_answer(ORDER, path)
    assert r.status != "pass", r


def test_patching_numpy_or_the_checker_in_the_answer_changes_nothing(tmp_path):
    path = write(tmp_path, "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                           "def rotation(move):\n    return np.eye(3)\n")
    r = check_answer(BY_ID["twist-matrix"], path)
    assert r.status == "fail", r


# ---------------------------------------------------------------- peeking at the reference

@pytest.mark.parametrize("source", [
    "from cubenet.workshop.checks.cube import state_after as apply_scramble\n",
    "import importlib\napply_scramble = importlib.import_module('cubenet.workshop.checks.cube').state_after\n",
    "from cubenet.workshop.checker import CheckResult\nCheckResult.to_json = lambda self: '{{}}'\n"
    "def apply_scramble(state, scramble):\n    return state\n",
    "from cubenet.workshop.verdict import CheckResult\nCheckResult.to_json = lambda self: '{{}}'\n"
    "def apply_scramble(state, scramble):\n    return state\n",
    "from cubenet.workshop import processes\nprocesses.kill_leftovers = lambda *a, **k: None\n"
    "def apply_scramble(state, scramble):\n    return state\n",
    "import runpy\napply_scramble = runpy.run_path({solution!r})['apply_scramble']\n",
    "ns = {{}}\nexec(open({solution!r}).read(), ns)\napply_scramble = ns['apply_scramble']\n",
    "import os\nos.open({check!r}, os.O_RDONLY)\n",
    "import sys\ndef apply_scramble(state, scramble):\n    f = sys._getframe()\n    while f.f_back: f = f.f_back\n"
    "    return state\n",
    "import inspect\ndef apply_scramble(state, scramble):\n    inspect.stack()\n    return state\n",
    "import gc\ndef apply_scramble(state, scramble):\n    gc.get_objects()\n    return state\n",
    "import subprocess\nsubprocess.run(['cat', {solution!r}], capture_output=True)\n",
    "import ctypes\nlibc = ctypes.CDLL(None)\nlibc.getpid()\n",
])
def test_reaching_for_the_reference_is_peeked(tmp_path, source):
    puzzle = BY_ID["apply-scramble"]
    check = str(Path(pz.__file__).parent / "checks" / "cube.py")
    path = write(tmp_path, source.format(solution=str(puzzle.solution), check=check))
    r = check_answer(puzzle, path)
    assert r.status == "peeked", r
    assert "never a pass" in r.message


def test_a_swallowed_peek_is_still_peeked(tmp_path):
    path = write(tmp_path, f"""try:
    exec(open({str(ORDER.solution)!r}).read())
except BaseException:
    pass
from cubenet.data.cube import permutation
import math
def order(scramble):
    return 1
""")
    r = check_answer(ORDER, path)
    assert r.status == "peeked", r


def test_a_peek_is_recorded_in_progress(tmp_path, cli):
    ws = tmp_path / "ws"
    assert cli("puzzles", "init", ws).exit_code == 0
    (ws / ORDER.label / "answer.py").write_text(f"exec(open({str(ORDER.solution)!r}).read())\n")
    r = cli("puzzles", "check", str(ORDER.number), "--dir", ws)
    assert r.exit_code == 1 and "never a pass" in r.output
    entry = json.loads((ws / "progress.json").read_text())["puzzles"][ORDER.id]
    assert entry["peeked"] is True and entry["status"] == "tried"


def test_a_forbidden_call_compiled_under_another_file_name_is_refused(tmp_path):
    path = write(tmp_path, 'exec(compile("from cubenet.data.moves import invert, format_scramble\\n'
                           'def inverse(s):\\n    return format_scramble(invert(s))\\n", "x.py", "exec"))\n')
    r = check_answer(BY_ID["undo-it"], path)
    assert r.status == "forbidden" and "invert" in r.message, r


def test_a_forbidden_call_compiled_as_a_cubenet_file_is_refused(tmp_path):
    import cubenet.data.moves as moves

    path = write(tmp_path, f'exec(compile("from cubenet.data.moves import invert, format_scramble\\n'
                           f'def inverse(s):\\n    return format_scramble(invert(s))\\n", {moves.__file__!r}, "exec"))\n')
    r = check_answer(BY_ID["undo-it"], path)
    assert r.status == "forbidden", r


def test_writing_progress_json_from_the_answer_is_refused(tmp_path):
    path = write(tmp_path, "open('../progress.json', 'w').write('{}')\n")
    (tmp_path / "sub").mkdir()
    moved = tmp_path / "sub" / "answer.py"
    path.rename(moved)
    r = check_answer(ORDER, moved)
    assert r.status == "peeked" and not (tmp_path / "progress.json").exists(), r


def test_the_memory_cap_cannot_be_lifted(tmp_path):
    path = write(tmp_path, "import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))\n")
    r = check_answer(ORDER, path)
    assert r.status == "error" and "ValueError" in r.message, r


# ---------------------------------------------------------------- orphans and floods

@linux_only
def test_an_endless_loop_is_killed_at_the_time_limit(tmp_path):
    pidfile = str(tmp_path / "child.pid")
    path = write(tmp_path, SELF_PID.format(pidfile=pidfile) + "while True:\n    pass\n")
    r = check_answer(ORDER, path, time_limit=3)
    assert r.status == "timeout"
    assert gone(wait_for_pids(tmp_path, ["child.pid"]))


@linux_only
def test_a_setsid_grandchild_is_killed_after_a_normal_check(tmp_path):
    pidfile = str(tmp_path / "daemon.pid")
    path = write(tmp_path, DAEMON.format(pidfile=pidfile) + "def order(scramble):\n    return 1\n")
    r = check_answer(ORDER, path)
    assert r.status == "fail", r
    assert gone(wait_for_pids(tmp_path, ["daemon.pid"]))


@linux_only
def test_a_setsid_grandchild_is_killed_after_a_timeout(tmp_path):
    pidfile = str(tmp_path / "daemon.pid")
    path = write(tmp_path, DAEMON.format(pidfile=pidfile) + "while True:\n    pass\n")
    r = check_answer(ORDER, path, time_limit=3)
    assert r.status == "timeout"
    assert gone(wait_for_pids(tmp_path, ["daemon.pid"]))


def _cli_process(args, cwd):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "cubenet", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


@linux_only
@pytest.mark.parametrize("command", ["check", "watch"])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_a_kill_of_check_and_watch_leaves_nothing_running(tmp_path, command, how):
    ws = tmp_path / "ws"
    pz.init_workspace(ws, PUZZLES)
    folder = ws / ORDER.label
    loop = SELF_PID.format(pidfile=str(folder / "child.pid")) + DAEMON.format(pidfile=str(folder / "daemon.pid"))
    (folder / "answer.py").write_text(loop + "while True:\n    pass\n")
    proc = _cli_process(["puzzles", command, str(ORDER.number), "--dir", str(ws)], tmp_path)
    try:
        pids = wait_for_pids(folder, ["child.pid", "daemon.pid"])
        assert all(alive(p) for p in pids)
        proc.send_signal(how)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert gone(pids), out.decode(errors="replace")


@linux_only
def test_an_output_flood_is_capped_and_stopped(tmp_path):
    path = write(tmp_path, "import os\ndef order(scramble):\n    while True:\n        os.write(1, b'x' * 2**20)\n")
    start = time.monotonic()
    r = check_answer(ORDER, path, time_limit=30)
    assert r.status == "flood", r
    assert len(r.output) < 100_000 and "output was cut" in r.output
    assert time.monotonic() - start < 25  # stopped for flooding, long before its time limit


def test_printing_past_sys_stdout_on_stderr_is_capped_too(tmp_path):
    path = write(tmp_path, "import os, sys\nsys.stdout = sys.__stdout__\nfor _ in range(100):\n"
                           "    os.write(2, b'y' * 100_000)\n")
    r = check_answer(ORDER, path)
    assert r.status == "flood" and len(r.output) < 100_000, r.status


# ---------------------------------------------------------------- progress and init

def test_status_verify_finds_a_hand_edited_pass(tmp_path, cli):
    ws = tmp_path / "ws"
    assert cli("puzzles", "init", ws).exit_code == 0
    apply = BY_ID["apply-scramble"]
    (ws / apply.label / "answer.py").write_text(apply.solution.read_text())
    assert cli("puzzles", "check", str(apply.number), "--dir", ws).exit_code == 0
    data = json.loads((ws / "progress.json").read_text())
    data["puzzles"][ORDER.id].update(status="passed", passed_at="2024-01-01T00:00:00+00:00")
    data["puzzles"]["golf-cube"].update(status="passed", best_score=1)
    (ws / "progress.json").write_text(json.dumps(data))
    r = cli("puzzles", "status", "--verify", "--dir", ws)
    assert r.exit_code == 1, r.output
    assert "Verified 3 recorded passes: 1 still pass." in r.output
    assert f"✗ {ORDER.number:02d} {ORDER.title}: recorded as passed, but" in r.output
    assert "golf" in r.output.lower() and "apply" not in r.output.split("Verified")[1].lower()
    r = cli("puzzles", "status", "--dir", ws)
    assert r.exit_code == 0  # without --verify the file is read as it is


def test_tampered_progress_types_get_one_line(tmp_path, cli):
    ws = tmp_path / "ws"
    assert cli("puzzles", "init", ws).exit_code == 0
    data = json.loads((ws / "progress.json").read_text())
    data["puzzles"][ORDER.id]["checks"] = "many"
    (ws / "progress.json").write_text(json.dumps(data))
    r = cli("puzzles", "status", "--dir", ws)
    assert r.exit_code == 1 and "Error:" in r.output and "checks" in r.output and "unexpected" not in r.output


def test_init_on_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = pz.write_text

    def full_disk(path, text, *a, **k):
        calls["n"] += 1
        if calls["n"] == 7:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text, *a, **k)

    monkeypatch.setattr(pz, "write_text", full_disk)
    with pytest.raises(CubenetError, match="disk is full"):
        pz.init_workspace(tmp_path / "ws", PUZZLES)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(pz, "write_text", real)
    ws = pz.init_workspace(tmp_path / "ws", PUZZLES)  # and init works afterwards
    assert (ws.root / "progress.json").is_file() and [p.name for p in tmp_path.iterdir()] == ["ws"]


def test_init_into_an_existing_empty_folder_works(tmp_path):
    (tmp_path / "ws").mkdir()
    ws = pz.init_workspace(tmp_path / "ws", PUZZLES)
    assert (ws.root / "progress.json").is_file() and [p.name for p in tmp_path.iterdir()] == ["ws"]


def test_init_onto_a_file_is_one_line(tmp_path, cli):
    (tmp_path / "notes.txt").write_text("mine")
    r = cli("puzzles", "init", tmp_path / "notes.txt")
    assert r.exit_code == 1 and "is a file, not a folder" in r.output and "unexpected" not in r.output
    assert (tmp_path / "notes.txt").read_text() == "mine"
