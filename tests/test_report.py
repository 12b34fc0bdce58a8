"""report.html: one offline file with the command, data, numbers, layer equations and every figure embedded."""

import base64
import re

import pytest

from cubenet.viz.report import write_report
from vizrun import saved_run, small_cube, small_spirals


@pytest.fixture(scope="module")
def cube_report(tmp_path_factory):
    run = saved_run(tmp_path_factory.mktemp("viz") / "cube", small_cube(900))
    path = write_report(run)  # nothing rendered yet: the report renders what it needs
    return run, path, path.read_text(encoding="utf-8")


def test_report_is_offline(cube_report):
    _, _, html = cube_report
    assert not re.search(r"https?://", html)
    assert "<link" not in html and "src=\"http" not in html


def test_report_embeds_the_explorer_and_the_light_figures(cube_report):
    from html import escape

    run, path, html = cube_report
    assert path == run / "report.html"
    figures = {p.name: p for p in run.iterdir() if p.suffix in (".png", ".gif")}
    assert set(figures) >= {"layers.png", "grid.png", "unscramble.png", "prediction.png", "curves.png", "confusion.png"}
    for name in ("unscramble.png", "prediction.png", "curves.png", "confusion.png"):
        assert base64.b64encode(figures[name].read_bytes()).decode("ascii") in html, f"{name} is not embedded"
    for name in ("layers.png", "grid.png"):  # shown interactively by the explorer; linked for slides
        assert base64.b64encode(figures[name].read_bytes()).decode("ascii") not in html
        assert f'<a href="{name}">' in html
    explorer = (run / "explorer.html").read_text(encoding="utf-8")
    assert f'srcdoc="{escape(explorer, quote=True)}"' in html  # the whole explorer page, inline
    assert "_anim_slider" not in html and "data:image/jpeg" not in html  # no heavy frames


def test_report_text(cube_report):
    run, _, html = cube_report
    for heading in ("Explore it", "What the network answers", "Inside the network, layer by layer",
                    "The unscrambling curve", "The numbers", "The network, layer by layer"):
        assert f"<h2>{heading}</h2>" in html
    assert "cubenet learn (test run)" in html  # the command
    assert "<b>layer 1</b>, 3 → 8: h₁ = relu(W₁·h₀ + b₁)" in html and "3 × 8 array applied to all n points" in html
    assert "<b>output</b>, 8 → 6: h₃ = softmax(W₃·h₂ + b₃)" in html
    assert "linear probe (test)" in html
    scramble = re.search(r"<th>scramble</th><td><code>([^<]+)</code>", html)
    assert scramble and scramble.group(1).strip()


def test_report_of_a_planar_run_and_the_cli(cli, tmp_path):
    run = saved_run(tmp_path / "spirals", small_spirals(300), epochs=10)
    r = cli("report", run)
    assert r.exit_code == 0, r.output
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "boundary.png" not in html  # embedded, not linked
    assert base64.b64encode((run / "boundary.png").read_bytes()).decode("ascii") in html
    assert "<h2>What the network answers</h2>" in html
    r = cli("report", tmp_path / "missing")
    assert r.exit_code == 1 and "Error:" in r.output
