"""The figure registry: one record per figure, read by render, the report and the command line."""

import dataclasses
from types import SimpleNamespace

import pytest

from cubenet.errors import CubenetError
from cubenet.viz import figures
from cubenet.viz.figures import FIGURES, FigureSpec, Picture, applies, get


def data(kind="cube", n_features=3):
    return SimpleNamespace(meta={"kind": kind}, n_features=n_features)


DENSE = SimpleNamespace(kind="dense", n_layers=3)
STEPS = SimpleNamespace(kind="steps", n_layers=2)


def test_names_files_and_aliases_are_unique_and_well_formed():
    names = [f.name for f in FIGURES]
    stems = [s for f in FIGURES for s in f.stems]
    aliases = [a for f in FIGURES for a in f.aliases]
    assert len(set(names)) == len(names) and len(set(stems)) == len(stems)
    assert not set(aliases) & set(names) and "all" not in names + aliases
    for f in FIGURES:
        assert f.kind in figures.FORMATS and f.report in ("embed", "beside", "page"), f.name
        assert f.network in (None, "dense", "steps") and f.cost > 0 and f.short, f.name
        assert (f.heading is None) == (f.joins is not None), f"{f.name}: a section of its own, or joins one"
        assert f.joins is None or get(f.joins).report == "beside"
        assert f.kind != "movie" or f.report == "beside", f"{f.name}: movies stay files beside the report"


def test_get_resolves_aliases_and_names_the_choices():
    assert get("curve") is get("unscramble")
    with pytest.raises(CubenetError, match="unknown figure 'sideways'; choose from explorer, cube, boundary"):
        get("sideways")


def in_order(figures_or_plan, known):
    """The names among ``known``, in the order given (so adding a figure does not rewrite these tests)."""
    return [n for n in figures_or_plan if n in known]


BUILT_IN = {"explorer", "cube", "boundary", "layers", "steps", "grid", "lattice", "animation", "training", "flow",
            "unscramble", "curves", "confusion", "digits"}


def test_reading_order_of_a_layered_and_a_step_run():
    def order(ds, model):
        return in_order([f.name for f in figures.applicable(ds, model)], BUILT_IN)

    assert order(data(), DENSE) == [
        "explorer", "cube", "layers", "grid", "animation", "training", "unscramble", "curves", "confusion"]
    assert order(data("planar", 2), STEPS) == [
        "explorer", "boundary", "steps", "flow", "unscramble", "curves", "confusion"]
    assert order(data("digits", 64), DENSE) == [
        "explorer", "layers", "animation", "training", "unscramble", "curves", "confusion", "digits"]


def test_why_a_figure_does_not_apply():
    assert applies("layers", data(), STEPS) == ("a step network's states are drawn in the data's own space by "
                                                "steps, lattice and flow")
    assert "this view draws a step network" in applies("flow", data(), DENSE)
    assert "lattice is 3-D" in applies("lattice", data("planar", 2), STEPS)
    assert "needs a colour-cube run; this run's data is planar" in applies("cube", data("planar", 2), DENSE)
    assert "training animation shows a hidden layer" in applies("training", data(), SimpleNamespace(n_layers=1))
    assert applies("training", data(), None) is None and applies("boundary", data("table", 3)) is not None


@pytest.mark.parametrize("name, fmt, written", [
    ("curves", "svg", ("svg",)), ("curves", "gif", ()), ("animation", "png", ("gif", "html")),
    ("training", "png", ("gif",)), ("training", "html", ("html",)), ("explorer", "png", ("html",)),
    ("explorer", "gif", ()),
])
def test_formats_each_kind_is_written_in(name, fmt, written):
    assert get(name).formats(fmt) == written


def test_all_leaves_out_the_movies_unless_a_movie_format_is_asked():
    assert not get("animation").in_all("png") and get("animation").in_all("gif")
    assert get("explorer").in_all("png") and get("explorer").in_all("html") and not get("explorer").in_all("gif")


def test_the_report_of_a_step_cube_run_shows_the_cube_prediction():
    """The plan used to keep figures named 'cube' — whose file is prediction.png — so a step cube run lost it."""
    from cubenet.viz.report import _figure_plan

    plan = _figure_plan(SimpleNamespace(dataset=data(), model=STEPS))
    stems = {s for name in BUILT_IN for s in get(name).stems}
    assert in_order([stem for _, stem, _ in plan], stems) == ["explorer", "prediction", "steps", "lattice", "flow",
                                                              "unscramble", "curves", "confusion"]
    headings = dict((stem, heading) for heading, stem, _ in plan)
    assert headings["prediction"] == "What the network answers"
    assert headings["unscramble"] == "The unscrambling curve over steps"


def test_beside_files_list_the_joined_training_movie():
    from cubenet.viz.report import beside_files

    assert beside_files(get("animation")) == ["animation.html", "animation.gif", "training.html", "training.gif"]
    assert beside_files(get("layers")) == ["layers.png", "layers.svg"]


@pytest.fixture(scope="module")
def planar_run(tmp_path_factory):
    from vizrun import saved_run, small_spirals

    return saved_run(tmp_path_factory.mktemp("figures") / "spirals", small_spirals(300), epochs=5)


BUILT = []


def _marked(run, numbers, max_points):
    """A figure that notes what it was given: the point cap and the per-layer numbers."""
    from matplotlib.figure import Figure

    BUILT.append((max_points, [s.name for s in numbers["stats"]]))
    fig = Figure(figsize=(2, 2), layout="constrained")
    fig.add_subplot().set_title(f"{max_points} points, {len(numbers['stats'])} layers")
    return fig


def test_a_new_record_is_drawn_named_and_reported(planar_run, monkeypatch):
    """Adding a figure takes its builder and its record: render, the CLI's checks and the report follow."""
    from cubenet.run.folder import load_run
    from cubenet.viz.render import render_run
    from cubenet.viz.report import report_html

    extra = FigureSpec("marked", (Picture("marked", "A marked test figure."),), _marked, "a test figure",
                       "The marked figure", needs=figures._needs_2d, numbers=True, max_points=40)
    monkeypatch.setattr(figures, "FIGURES", FIGURES + (extra,))
    monkeypatch.setattr(figures, "BY_NAME", {**figures.BY_NAME, "marked": extra})
    (path,) = render_run(planar_run, what="marked", max_points=500)
    assert path.name == "marked.png" and BUILT == [(40, ["input", "layer 1", "layer 2", "output"])]
    html = report_html(load_run(planar_run), planar_run)
    assert "<h2>The marked figure</h2>" in html and "A marked test figure." in html
    with pytest.raises(CubenetError, match="--format gif is for animations"):
        render_run(planar_run, what="marked", fmt="gif")
    assert figures.applies("marked", data("cube", 3)) is not None


def test_a_record_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get("curves").cost = 0
