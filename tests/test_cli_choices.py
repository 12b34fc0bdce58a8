"""The command line's str Enums hold exactly the names of the library's tables, so neither can drift alone."""

import pytest

from cubenet.cli import learn, render


@pytest.mark.parametrize("enum, table", [
    (learn.Optimizer, ("cubenet.nn.train", "OPTIMIZERS")),
    (learn.Schedule, ("cubenet.nn.train", "SCHEDULES")),
    (learn.Activation, ("cubenet.activations", "ACTIVATIONS")),
    (learn.Init, ("cubenet.nn.network", "INIT_SCHEMES")),
])
def test_learn_choices_are_the_library_names(enum, table):
    import importlib

    module, name = table
    library = getattr(importlib.import_module(module), name)
    assert sorted(member.value for member in enum) == sorted(library), f"cli/learn.py's {enum.__name__} vs {module}.{name}"


def test_render_choices_are_the_figure_registry():
    from cubenet.viz import figures
    from cubenet.viz.render import MOVIE_FORMATS, STATIC_FORMATS

    values = [member.value for member in render.What]
    assert values == [f.name for f in figures.FIGURES] + ["curve", "all"]  # reading order, the alias, all
    assert sorted(member.value for member in render.Format) == sorted(STATIC_FORMATS + MOVIE_FORMATS)
    help_text = render._what_help()
    assert all(f"{f.name} ({f.short}" in help_text for f in figures.FIGURES)


def test_every_figure_can_be_named_on_the_command_line(cli, tmp_path):
    """Each --what choice reaches render_run (here: refused for a folder that is no run, not by click)."""
    for member in render.What:
        r = cli("render", tmp_path, "--what", member.value)
        assert r.exit_code == 1 and "not a complete cubenet run" in r.output, (member, r.output)
