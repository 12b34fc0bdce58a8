"""render_run and 'cubenet render': the standard figures of a saved run, options and errors."""

import json

import pytest

from cubenet.errors import CubenetError
from cubenet.viz.render import render_run
from vizrun import assert_png, saved_run, small_cube, small_spirals

CUBE_FILES = {"layers.png", "grid.png", "unscramble.png", "prediction.png", "curves.png", "confusion.png",
              "explorer.html"}  # the animations only when named (the explorer shows the motion)


@pytest.fixture(scope="module")
def cube_run(tmp_path_factory):
    run = saved_run(tmp_path_factory.mktemp("viz") / "cube", small_cube(900))
    (run / "metrics.before").write_bytes((run / "metrics.json").read_bytes())
    seen = []
    paths = render_run(run, max_points=400, callback=lambda name, seconds, files: seen.append((name, files)))
    return run, paths, seen


@pytest.fixture(scope="module")
def planar_run(tmp_path_factory):
    return saved_run(tmp_path_factory.mktemp("viz") / "spirals", small_spirals(400), epochs=20)


def test_render_all_writes_the_standard_set(cube_run):
    from cubenet.run.folder import load_run
    from cubenet.viz.figures import applicable

    run, paths, seen = cube_run
    loaded = load_run(run)
    drawn = [f for f in applicable(loaded.dataset, loaded.model) if f.kind != "movie"]  # the registry's word
    assert {p.name for p in paths} == {name for f in drawn for name in f.files("png")} >= CUBE_FILES
    assert all(p.parent == run for p in paths)
    for p in paths:
        if p.suffix == ".png":
            assert_png(p)
    assert sorted(name for name, _ in seen) == sorted(f.name for f in drawn)  # each once (two processes draw them)
    assert {"layers", "grid", "unscramble", "cube", "curves", "confusion", "explorer"} <= {name for name, _ in seen}


def test_render_only_reads_the_layer_numbers(cube_run):
    """save_run measured them; rendering every figure left metrics.json byte for byte as it was."""
    run, _, _ = cube_run
    assert (run / "metrics.json").read_bytes() == (run / "metrics.before").read_bytes()
    metrics = json.loads((run / "metrics.json").read_text())
    assert [entry["name"] for entry in metrics["layers"]] == ["input", "layer 1", "layer 2", "output"]
    assert all(0 <= entry["probe_accuracy"] <= 1 for entry in metrics["layers"])
    table = metrics["layer_epochs"]
    assert len(table["probe_accuracy"]) == 4
    assert all(len(row) == len(table["epochs"]) for row in table["probe_accuracy"])
    assert metrics["test_accuracy"] > 0  # what 'cubenet learn' wrote is kept


def test_render_one_figure_in_svg_and_animation_in_html(cube_run):
    run, _, _ = cube_run
    (svg,) = render_run(run, what="curves", fmt="svg")
    assert svg.name == "curves.svg" and svg.read_text().lstrip().startswith("<?xml")
    (html,) = render_run(run, what="animation", fmt="html", max_points=50)
    assert html.name == "animation.html"
    assert [p.name for p in render_run(run, fmt="gif", max_points=50)] == ["animation.gif", "training.gif"]


def test_planar_run_gets_decision_regions_not_a_cube(planar_run):
    (path,) = render_run(planar_run, what="boundary")
    assert path.name == "boundary.png"
    assert_png(path)
    with pytest.raises(CubenetError, match="cube view needs a colour-cube run"):
        render_run(planar_run, what="cube")
    with pytest.raises(CubenetError, match="digit views need a digits run"):
        render_run(planar_run, what="digits")


@pytest.mark.parametrize("options, match", [
    ({"what": "everything"}, "unknown figure 'everything'"),
    ({"fmt": "jpg"}, "unknown format 'jpg'"),
    ({"what": "layers", "fmt": "gif"}, "--format gif is for animations"),
    ({"max_points": 3}, "max_points must be an integer >= 10, got 3"),
])
def test_bad_options_are_refused(planar_run, options, match):
    with pytest.raises(CubenetError, match=match):
        render_run(planar_run, **options)


def test_not_a_run_folder(tmp_path):
    with pytest.raises(CubenetError, match="not a complete cubenet run"):
        render_run(tmp_path)


def test_cli_render_and_errors(cli, planar_run, tmp_path):
    r = cli("render", planar_run, "--what", "confusion")
    assert r.exit_code == 0, r.output
    assert "confusion.png" in r.output and "1 file written" in r.output
    r = cli("render", planar_run, "--what", "training", "--format", "gif")
    assert r.exit_code == 0, r.output
    assert "metrics.json" not in r.output and "training.gif" in r.output and "1 file written" in r.output
    r = cli("render", planar_run, "--what", "curve")  # the design's name for --what unscramble
    assert r.exit_code == 0 and "unscramble.png" in r.output, r.output
    r = cli("render", planar_run, "--what", "sideways")
    assert r.exit_code == 2
    r = cli("render", tmp_path / "nowhere")
    assert r.exit_code == 1 and "Error:" in r.output
    r = cli("render", planar_run, "--max-points", "5")
    assert r.exit_code == 1 and "max_points must be" in r.output


def test_recompute_measures_again_and_a_run_without_numbers_is_left_alone(planar_run, cli):
    path = planar_run / "metrics.json"
    original = path.read_bytes()
    metrics = json.loads(original)
    stripped = {k: v for k, v in metrics.items() if k not in ("layers", "layer_epochs")}  # as a 0.1 run
    path.write_text(json.dumps(stripped, indent=2) + "\n")
    r = cli("render", planar_run, "--what", "unscramble")
    assert r.exit_code == 0, r.output
    assert json.loads(path.read_text()) == stripped  # measured in memory for the figure, the file untouched
    r = cli("render", planar_run, "--what", "unscramble", "--recompute")
    assert r.exit_code == 0 and "metrics.json" in r.output, r.output
    assert path.read_bytes() == original  # the same seed measures the same numbers, byte for byte
