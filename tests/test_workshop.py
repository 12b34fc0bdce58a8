"""The workshop keeps its exercises honest: every reference passes, every stub and known-wrong answer fails,
metadata and files match, and every kind of failure reads as a friendly message."""

import contextlib
import io
import json
import re
import runpy
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.workshop import guide
from cubenet.workshop import puzzles as pz
from cubenet.workshop.checker import CheckResult, check_answer, run_check
from cubenet.workshop.checks import load_all

PUZZLES = pz.load_puzzles()
BY_ID = {p.id: p for p in PUZZLES}
WRONG = [(p.id, w.name) for p in PUZZLES for w in p.wrong]
ALLOWED_FILES = {"statement.md", "meta.json", "stub.py", "solution.py", "wrong"}


def check(puzzle_id, path, **kw):
    return run_check(BY_ID[puzzle_id], path, **kw)


# ---------------------------------------------------------------- every puzzle, every file

@pytest.mark.parametrize("pid", list(BY_ID))
def test_reference_solution_passes_within_its_time_limit(pid):
    result = check(pid, BY_ID[pid].solution)
    assert result.status == "pass", result.message
    assert result.seconds < BY_ID[pid].time_limit


@pytest.mark.parametrize("pid", list(BY_ID))
def test_untouched_stub_fails(pid):
    result = check(pid, BY_ID[pid].stub)
    assert result.status in ("fail", "shape"), result.message
    assert "Traceback" not in result.message


@pytest.mark.parametrize("pid", list(BY_ID))
def test_stub_runs_as_a_script_without_error(pid):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        runpy.run_path(str(BY_ID[pid].stub), run_name="__main__")
    assert out.getvalue().strip(), "the stub's demo should print something"
    assert "TODO" in BY_ID[pid].stub.read_text(encoding="utf-8")


@pytest.mark.parametrize("pid,name", WRONG)
def test_known_wrong_answer_fails_with_a_friendly_message(pid, name):
    result = check(pid, BY_ID[pid].folder / "wrong" / name)
    assert result.status != "pass", f"{name} passed: {result.message}"
    assert result.status in ("fail", "shape", "error", "forbidden"), result.message
    assert result.message and "Traceback" not in result.message


# ---------------------------------------------------------------- metadata and files, one to one

def test_the_set_is_big_ordered_and_covers_every_kind():
    assert len(PUZZLES) >= 16
    assert [p.number for p in PUZZLES] == list(range(1, len(PUZZLES) + 1))
    assert [p.difficulty for p in PUZZLES] == sorted(p.difficulty for p in PUZZLES)
    assert {p.kind for p in PUZZLES} == set(pz.KINDS)
    assert sum(p.kind == "golf" for p in PUZZLES) >= 2


@pytest.mark.parametrize("pid", list(BY_ID))
def test_meta_and_files_match(pid):
    p = BY_ID[pid]
    meta = json.loads((p.folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["id"] == p.folder.name
    assert 2 <= len(p.hints) <= 3 and all(len(h) > 20 for h in p.hints)
    assert p.concepts and p.minutes > 0 and p.time_limit > 0
    expected = ALLOWED_FILES | ({p.image} if p.image else set())
    assert {f.name for f in p.folder.iterdir() if f.name != "__pycache__"} == expected
    if p.image:
        assert (p.folder / p.image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"({p.image})" in p.statement or f"`{p.image}`" in p.statement
    assert p.wrong, "every puzzle needs known-wrong answers"
    assert p.statement.startswith(f"# {p.number:02d} · {p.title}")
    assert f"cubenet puzzles check {p.number}" in p.statement and "{{" not in p.statement
    assert p.stub_text.startswith(f'"""Puzzle {p.number:02d} · {p.title}') and "{{" not in p.stub_text


@pytest.mark.parametrize("pid", list(BY_ID))
def test_no_file_of_a_puzzle_writes_its_own_number(pid):
    """Numbers come from puzzles.json: a file says {{n}} or {{nn}}, so inserting a puzzle edits no other puzzle."""
    p = BY_ID[pid]
    for path in (p.folder / "statement.md", p.stub, p.solution, *p.wrong):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[Pp]uzzle \d|puzzles (check|hint|show|watch|reset|solution) \d|^# \d", text, re.M), path


def test_every_puzzle_has_a_check_and_every_check_a_puzzle():
    assert set(load_all()) == set(BY_ID)
    for spec in load_all().values():
        assert spec.expects, spec.puzzle


def test_statement_pictures_and_golf_pars_agree_with_the_code():
    from cubenet.workshop.datasets import CUBE, SPIRALS
    from cubenet.workshop.figures import STATEMENT_IMAGES

    assert set(STATEMENT_IMAGES) == {(p.id, p.image) for p in PUZZLES if p.image}
    assert BY_ID["golf-cube"].par == CUBE.par and BY_ID["golf-spirals"].par == SPIRALS.par
    assert f"**Par is {CUBE.par}.**" in BY_ID["golf-cube"].statement


def order(root, *slugs):
    (root / "puzzles.json").write_text(json.dumps({"order": list(slugs)}))


def test_bad_meta_is_refused_with_the_file_named(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"id": "broken", "title": "x"}))
    order(tmp_path, "broken")
    with pytest.raises(CubenetError, match=r"meta\.json: missing difficulty"):
        pz.load_puzzles(tmp_path)


def copy_set(root, *slugs):
    """A puzzle set of some of the real puzzles, in the given order."""
    for slug in slugs:
        shutil.copytree(BY_ID[slug].folder, root / slug)
    order(root, *slugs)
    return root


@pytest.mark.parametrize("slugs,message", [
    (["apply-scramble"], "not listed: undo-it"),
    (["apply-scramble", "undo-it", "no-such"], "no such folder: no-such"),
    (["apply-scramble", "undo-it", "undo-it"], "listed twice: undo-it"),
    (["apply-scramble", "Undo It"], "lower-case slugs"),
])
def test_the_order_lists_every_puzzle_folder_once(tmp_path, slugs, message):
    copy_set(tmp_path, "apply-scramble", "undo-it")
    order(tmp_path, *slugs)
    with pytest.raises(CubenetError, match=rf"puzzles\.json: .*{message}"):
        pz.load_puzzles(tmp_path)


def test_inserting_a_puzzle_renumbers_the_later_ones_and_nothing_else(tmp_path):
    root = copy_set(tmp_path, "apply-scramble", "twist-matrix")
    before = {p.id: p.number for p in pz.load_puzzles(root)}
    copy_set(tmp_path, "undo-it")
    order(root, "apply-scramble", "undo-it", "twist-matrix")  # the one edit: a slug in puzzles.json
    after = pz.load_puzzles(root)
    assert before == {"apply-scramble": 1, "twist-matrix": 2}
    assert [(p.id, p.number) for p in after] == [("apply-scramble", 1), ("undo-it", 2), ("twist-matrix", 3)]
    moved = after[2]
    assert moved.statement.startswith("# 03 · A twist is a rotation") and "cubenet puzzles check 3`" in moved.statement
    assert "cubenet puzzles check 3" in moved.stub_text
    linked = "**[07](twist-matrix/statement.md)** (99) and [01](undo-it/statement.md)"
    assert guide.update_guide(linked, after) == "**[03](twist-matrix/statement.md)** (15) and [02](undo-it/statement.md)"


def test_find_puzzle_by_number_slug_or_workspace_label():
    p = BY_ID["twist-matrix"]
    for key in (p.number, str(p.number), f"{p.number:02d}", p.id, p.label, f" {p.id} "):
        assert pz.find_puzzle(key, PUZZLES) is p
    assert p.label == f"{p.number:02d}-twist-matrix"
    with pytest.raises(CubenetError, match="no puzzle '99'"):
        pz.find_puzzle("99", PUZZLES)


# ---------------------------------------------------------------- friendly failures, through the subprocess

def write(tmp_path, text, name="answer.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_syntax_error_shows_the_line_and_a_caret(tmp_path):
    r = check_answer(BY_ID["order-of-ru"], write(tmp_path, "def order(scramble)\n    return 4\n"))
    assert r.status == "syntax"
    assert "line 1" in r.message and "def order(scramble)" in r.message and "^" in r.message
    assert "Traceback" not in r.message


def test_exception_shows_the_learners_line_not_a_traceback(tmp_path):
    path = write(tmp_path, "def order(scramble):\n    count = len(scramble)\n    return count // 0\n")
    r = check_answer(BY_ID["order-of-ru"], path)
    assert r.status == "error"
    assert "ZeroDivisionError" in r.message and "line 3 of answer.py" in r.message and "return count // 0" in r.message
    assert "order(" in r.message and "Traceback" not in r.message


def test_missing_name_says_what_was_expected(tmp_path):
    r = check_answer(BY_ID["order-of-ru"], write(tmp_path, "def ordre(scramble):\n    return 1\n"))
    assert r.status == "missing"
    assert "does not define order" in r.message and "order(scramble: str) -> int" in r.message


def test_wrong_shape_and_dtype_say_what_was_expected(tmp_path):
    path = write(tmp_path, "import numpy as np\n\ndef rotation(move):\n    return np.eye(2)\n")
    r = check_answer(BY_ID["twist-matrix"], path)
    assert r.status == "shape"
    assert "should have shape (3, 3), but yours has shape (2, 2)" in r.message


def test_timeout_is_stopped_and_says_where_the_code_was_busy(tmp_path):
    path = write(tmp_path, "def order(scramble):\n    k = 0\n    while True:\n        k += 1\n")
    r = check_answer(BY_ID["order-of-ru"], path, time_limit=5)
    assert r.status == "timeout"
    assert "did not finish within 5 s" in r.message
    assert "of answer.py (in order)" in r.message


def test_forbidden_shortcut_is_refused_with_a_reason(tmp_path):
    path = write(tmp_path, "import numpy as np\nfrom scipy.optimize import minimize\nW = np.eye(2)\nb = np.zeros(2)\n")
    r = check_answer(BY_ID["rotate-back"], path)
    assert r.status == "forbidden"
    assert "importing scipy.optimize" in r.message and "by hand" in r.message


def test_what_the_learner_printed_is_kept_and_a_crash_is_reported(tmp_path):
    path = write(tmp_path, "print('hello from my answer')\nimport os\nos._exit(3)\n")
    r = check_answer(BY_ID["order-of-ru"], path)
    assert r.status == "crash" and "exit code 3" in r.message
    assert "hello from my answer" in r.output


def test_not_written_yet_is_named_as_such(tmp_path):
    r = check("order-of-ru", write(tmp_path, "def order(scramble):\n    raise NotImplementedError\n"))
    assert r.status == "error" and "is not written yet" in r.message


def test_result_round_trips_through_json():
    r = CheckResult("order-of-ru", "fail", "nope", ("a", "b"), score=3, par=4, seconds=0.5)
    assert CheckResult.from_json(r.to_json()) == r


# ---------------------------------------------------------------- the guard

def test_a_swallowed_forbidden_call_still_fails_and_cubenet_keeps_working(tmp_path):
    path = write(tmp_path, "from cubenet.data.moves import format_scramble, invert\n\n"
                           "def inverse(scramble):\n    try:\n        return format_scramble(invert(scramble))\n"
                           "    except BaseException:\n        return ''\n")
    r = check("undo-it", path)
    assert r.status == "forbidden" and "calling invert()" in r.message
    from cubenet.data.moves import format_scramble, invert

    assert format_scramble(invert("R U")) == "U' R'"  # the real function is back


def test_hidden_modules_come_back_after_a_check(tmp_path):
    import cubenet.nn.network  # noqa: F401

    check("dense-forward", BY_ID["dense-forward"].folder / "wrong" / "uses_cubenet.py")
    assert "cubenet.nn.network" in sys.modules
    import cubenet.nn

    assert hasattr(cubenet.nn, "network")


def test_internal_cubenet_calls_are_not_refused(tmp_path):
    # puzzle 01 refuses permutation() of whole scrambles from the learner's file, not from cubenet itself
    path = write(tmp_path, "from cubenet.data.cube import permutation\nfrom cubenet.data.moves import apply_moves\n\n"
                           "def apply_scramble(state, scramble):\n"
                           "    for t in scramble.split():\n        state = ''.join(state[j] for j in permutation(t))\n"
                           "    return state\n")
    assert check("apply-scramble", path).status == "pass"


# ---------------------------------------------------------------- feedback pictures

def test_data_puzzles_draw_yours_vs_target(tmp_path):
    r = check("fold", BY_ID["fold"].folder / "wrong" / "identity.py", feedback_dir=tmp_path)
    assert r.status == "fail" and r.feedback == str(tmp_path / "feedback.png")
    assert (tmp_path / "feedback.png").read_bytes()[:4] == b"\x89PNG"


def test_unfold_puts_every_surface_point_on_its_face():
    from cubenet.data.cube import sample_surface
    from cubenet.workshop.figures import unfold

    X, y = sample_surface(600, rng=0)
    P = unfold(X)
    col = (P[:, 0] // 3).astype(int)
    row = (-P[:, 1] // 3).astype(int)
    where = {0: (1, 0), 1: (2, 1), 2: (1, 1), 3: (1, 2), 4: (0, 1), 5: (3, 1)}  # URFDLB -> (col, row)
    assert all(where[c] == (a, b) for c, a, b in zip(y, col, row))


# ---------------------------------------------------------------- reference numerics the checks rely on

def test_piece_counter_matches_dense_sampling_on_random_networks():
    from cubenet.workshop.checks.implement import random_params, reference_pieces

    for seed in range(4):
        params = random_params((1, 5, 5, 1), rng=seed, scale=2.0)
        x = np.linspace(-3, 3, 200_001)
        h = x[:, None]
        for i, (W, b) in enumerate(params):
            h = h @ W + b
            h = np.maximum(h, 0) if i < len(params) - 1 else h
        slope = np.diff(h[:, 0]) / np.diff(x)
        changes = np.sum(np.abs(np.diff(slope)) > 1e-6)
        assert reference_pieces(params, -3.0, 3.0) <= changes + 1  # sampling may see a kink twice, never less


def test_optimal_length_by_meet_in_the_middle():
    from cubenet.workshop.checks.cube import optimal_length

    assert optimal_length("") == 0
    assert optimal_length("R R") == 1
    assert optimal_length("R U U' R'") == 0
    assert optimal_length("R U F' L") == 4


def test_golf_data_is_fixed_and_hidden_points_are_new():
    from cubenet.workshop.datasets import CUBE, hidden_data, training_data

    a, b = training_data(CUBE), training_data(CUBE)
    assert np.array_equal(a.X_train, b.X_train)
    X, _ = hidden_data(CUBE)
    assert not {tuple(x) for x in X} & {tuple(x) for x in a.X}


# ---------------------------------------------------------------- workspace and progress

def test_workspace_init_find_reset(tmp_path):
    ws = pz.init_workspace(tmp_path / "ws", PUZZLES)
    p = BY_ID["twist-matrix"]
    assert ws.folder(p) == ws.root / p.label and ws.answer(p).read_text() == p.stub_text
    assert (ws.root / "README.md").is_file() and (ws.folder(BY_ID["rotate-back"]) / "data.png").is_file()
    assert not list(ws.root.rglob("solution.py")) and not list(ws.root.rglob("wrong"))
    assert pz.find_workspace(ws.folder(p)).root == ws.root
    ws.answer(p).write_text("mine")
    backup = pz.reset_answer(ws, p)
    assert backup.read_text() == "mine" and ws.answer(p).read_text() == p.stub_text
    with pytest.raises(CubenetError, match="already a puzzle workspace"):
        pz.init_workspace(ws.root, PUZZLES)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    with pytest.raises(CubenetError, match="not empty"):
        pz.init_workspace(tmp_path / "full", PUZZLES)
    with pytest.raises(CubenetError, match="not inside a puzzle workspace"):
        pz.find_workspace(tmp_path / "full")


def test_progress_keeps_passes_best_golf_score_and_hints():
    p, golf = BY_ID["undo-it"], BY_ID["golf-cube"]
    prog = pz.new_progress(PUZZLES)
    assert pz.current_puzzle(prog, PUZZLES).number == 1
    prog = pz.record_check(prog, p, False)
    assert pz.entry(prog, p)["status"] == "tried"
    prog = pz.record_check(prog, p, True)
    prog = pz.record_check(prog, p, False)
    assert pz.is_passed(prog, p) and pz.entry(prog, p)["checks"] == 3
    prog = pz.record_check(pz.record_check(prog, golf, True, 120), golf, True, 126)
    assert pz.entry(prog, golf)["best_score"] == 120
    shown = []
    for _ in range(4):
        k, text, prog = pz.next_hint(prog, p)
        shown.append(k)
    assert shown == [1, 2, 3, 3] and text == p.hints[-1]
    assert pz.entry(pz.forget(prog, p), p)["status"] == "new"
    json.dumps(prog)  # plain JSON


def test_a_workspace_made_before_an_insertion_keeps_its_folders_and_progress(tmp_path):
    """Older workspaces have folders NN-slug with other numbers, and progress keyed NN-slug: both still count."""
    ws = pz.init_workspace(tmp_path / "ws", PUZZLES)
    p = BY_ID["twist-matrix"]
    ws.folder(p).rename(ws.root / "07-twist-matrix")
    assert ws.folder(p) == ws.root / "07-twist-matrix"
    assert pz.puzzle_here(ws, PUZZLES, ws.root / "07-twist-matrix") is p
    old = pz.new_progress(PUZZLES)
    old["puzzles"] = {f"07-{k}": v for k, v in old["puzzles"].items()}
    old["puzzles"]["07-twist-matrix"]["status"] = "passed"
    pz.save_progress(ws, old)
    assert pz.is_passed(pz.load_progress(ws), p)


def read_guide():
    return (pz.puzzles_dir() / guide.GUIDE).read_text(encoding="utf-8")


def test_the_instructors_guide_is_up_to_date_and_describes_every_puzzle():
    text = read_guide()
    assert guide.update_guide(text, PUZZLES) == text, "puzzles/README.md is stale: run python -m cubenet.workshop.guide"
    for p in PUZZLES:
        assert f"| [{p.number:02d}]({p.id}/statement.md) | {p.title} | {p.kind} | {p.difficulty} |" in text, p.id
    count = guide.number_words(len(PUZZLES)).capitalize()
    assert f"<!-- count -->{count}<!-- /count --> puzzles" in text
    assert guide.hours(sum(p.minutes for p in PUZZLES)) in text
    for slug in re.findall(r"\]\(([a-z0-9-]+)/statement\.md\)", text):
        assert (pz.puzzles_dir() / slug / "statement.md").is_file(), slug


def test_the_two_hour_route_adds_up():
    """Each block's core puzzles take its minutes (a golf puzzle is played until the block ends), as the guide says."""
    text = read_guide()
    blocks = guide.route_blocks(text)
    assert [b.start for b in blocks] == sorted(b.start for b in blocks) and len(blocks) >= 4
    for b in blocks:
        assert b.until == b.end if b.until is not None else sum(m for _, m in b.core) == b.end - b.start, b
    work = sum(b.end - b.start for b in blocks)
    assert f"That is {work} minutes of puzzles in {work} minutes of work." in text
    core = sum(len(b.core) for b in blocks)
    assert f"The core path is {guide.number_words(core)} puzzles" in text


@pytest.mark.parametrize("n,words", [(1, "one"), (17, "seventeen"), (20, "twenty"), (42, "forty-two"), (120, "120")])
def test_number_words(n, words):
    assert guide.number_words(n) == words


@pytest.mark.parametrize("minutes,text", [(345, "5¾"), (60, "1"), (30, "½"), (0, "0"), (100, "1¾")])
def test_hours_to_the_nearest_quarter(minutes, text):
    assert guide.hours(minutes) == text


def test_endless_printing_is_capped(tmp_path):
    path = write(tmp_path, "def order(scramble):\n    while True:\n        print('spam' * 100)\n")
    r = check_answer(BY_ID["order-of-ru"], path, time_limit=5)
    assert r.status == "timeout", r.message
    assert "the rest of the output was cut" in r.output
    assert "busy at line 3 of answer.py (in order)" in r.message


def test_a_child_killed_by_a_signal_names_the_signal(tmp_path):
    path = write(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    r = check_answer(BY_ID["order-of-ru"], path)
    assert r.status == "crash" and "stopped by signal SIGKILL" in r.message


def test_a_nearly_right_name_gets_a_did_you_mean(tmp_path):
    r = check("undo-it", write(tmp_path, "def invers(scramble):\n    return scramble\n"))
    assert r.status == "missing" and "You defined 'invers': did you mean 'inverse'?" in r.message
    r = check("rotate-back", write(tmp_path, "import numpy as np\nw = np.eye(2)\nb = np.zeros(2)\n"))
    assert r.status == "missing" and "did you mean 'W'? (Python names are case-sensitive.)" in r.message


def test_a_forgotten_return_is_named(tmp_path):
    r = check("golf-cube", write(tmp_path, "def make_model(data):\n    model = None\n"))
    assert r.status == "shape" and "None (did the function forget to 'return' its result?)" in r.message


def test_golf_says_train_returns_a_pair(tmp_path):
    r = check("golf-cube", BY_ID["golf-cube"].folder / "wrong" / "returns_train_pair.py")
    assert r.status == "shape" and "'model, history = train(...)', then 'return model'" in r.message


def test_long_output_keeps_its_first_and_last_lines(tmp_path):
    path = write(tmp_path, "def order(scramble):\n    for k in range(500):\n        print('debug', k)\n    return 1\n")
    r = check_answer(BY_ID["order-of-ru"], path)
    lines = r.output.splitlines()
    assert lines[0] == "debug 0" and lines[-1] == "debug 499" and "[… 488 more lines …]" in r.output


def test_an_exactly_inverted_xor_network_is_told_to_swap_its_outputs():
    r = check("xor", BY_ID["xor"].folder / "wrong" / "backwards.py")
    assert r.status == "fail" and "exactly inverted. Swap its two output columns" in r.message


def test_a_checkout_without_symlinks_still_finds_its_puzzles(tmp_path, monkeypatch):
    """git on Windows may write the cubenet/_puzzles symlink as a text file; the checkout's puzzles/ is used."""
    as_text = tmp_path / "_puzzles"
    as_text.write_text("../puzzles")
    monkeypatch.setattr(pz, "PUZZLES_DIR", as_text)
    monkeypatch.setattr(pz, "CHECKOUT_PUZZLES_DIR", Path(__file__).resolve().parents[1] / "puzzles")
    assert pz.puzzles_dir() == pz.CHECKOUT_PUZZLES_DIR and len(pz.load_puzzles()) == len(PUZZLES)
    monkeypatch.setattr(pz, "CHECKOUT_PUZZLES_DIR", tmp_path / "nowhere")
    with pytest.raises(CubenetError, match="the puzzle set is missing from the installation"):
        pz.puzzles_dir()


def test_an_answer_that_eats_memory_is_stopped_with_a_friendly_message(tmp_path):
    path = write(tmp_path, "import numpy as np\ndef order(scramble):\n    big = np.ones((40000, 40000))\n    return 4\n")
    r = check_answer(BY_ID["order-of-ru"], path)
    assert r.status == "error" and "ran out of memory" in r.message and "at line 3 of answer.py" in r.message


def test_the_statement_pictures_are_drawn_by_the_current_code(tmp_path):
    """Every puzzle picture equals what the current figure code draws (figures are byte-reproducible), so none
    keeps an old layout (redraw: python -c 'from cubenet.workshop.figures import write_statement_images;
    write_statement_images("puzzles")')."""
    from pathlib import Path

    from cubenet.workshop.figures import STATEMENT_IMAGES, write_statement_images

    root = Path(__file__).resolve().parent.parent / "puzzles"
    for folder, _ in STATEMENT_IMAGES:
        (tmp_path / folder).mkdir(exist_ok=True)
    for path in write_statement_images(tmp_path):
        committed = root / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), f"{committed} is stale; redraw it"
