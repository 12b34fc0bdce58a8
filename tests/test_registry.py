"""The dataset registry and the command line made from it: every option of every record is a ``cubenet scramble``
option, listed with the generator's own default by ``cubenet datasets`` and ``--help``; a new record needs no other edit."""

import inspect

import numpy as np
import pytest
import typer
import typer.main
from typer.testing import CliRunner

from cubenet.cli import app
from cubenet.cli import scramble as scramble_cli
from cubenet.data import registry
from cubenet.data.io import load
from cubenet.data.registry import GENERATORS, GeneratorSpec, Option, make_dataset, options_by_name


def wide(target, *args):
    """Run a command with a terminal wide enough that no table cell wraps."""
    return CliRunner().invoke(target, [str(a) for a in args], env={"COLUMNS": "1000"})


def test_every_record_is_loadable_and_its_options_are_its_generators_keywords():
    for spec in GENERATORS.values():
        accepted = inspect.signature(spec.load()).parameters
        for option in spec.options:
            assert option.parameter in accepted, (spec.name, option.name)
            assert "default" not in option.help, f"{spec.name} --{option.name}: the default is the signature's"


def test_every_option_name_is_one_scramble_option_of_one_type():
    command = typer.main.get_command(app).commands["scramble"]
    params = {p.name: p for p in command.get_params(command.context_class(command))}
    for name, records in options_by_name().items():
        types = {option.type for _, option in records}
        assert len(types) == 1, f"--{name} has more than one type across datasets: {types}"
        assert params[name].opts == [scramble_cli.flag(name)] and params[name].default is None  # None: not given
        r = wide(app, "scramble", records[0][0].name, scramble_cli.flag(name), "not-a-number", "--no-preview")
        if types.pop() is str:
            assert "Invalid value" not in r.output
        else:
            assert r.exit_code == 2 and f"Invalid value for '{scramble_cli.flag(name)}'" in r.output, r.output


def test_datasets_and_help_list_every_option_with_the_generators_default():
    listing = wide(app, "datasets")
    assert listing.exit_code == 0, listing.output
    helptext = " ".join(wide(app, "scramble", "--help").output.replace("│", " ").split())
    for spec in GENERATORS.values():
        assert scramble_cli.classes_text(spec) in listing.output
        for option in spec.options:
            line = scramble_cli.option_line(spec, option)
            assert line in listing.output
            default = spec.default(option)
            assert (f"(default {scramble_cli.show(default)})" in line) == (default is not None)
            assert scramble_cli.flag(option.name) in helptext
    assert "random face turns, default 3 (color-cube)" in helptext
    assert "random extra moves after the set's own (harder), default 0 (spirals, moons" in helptext


@pytest.mark.parametrize("name", list(GENERATORS))
def test_each_generator_makes_the_classes_its_record_says(name):
    spec = GENERATORS[name]
    assert make_dataset(name, 200, rng=0).n_classes == spec.n_classes()
    if isinstance(spec.classes, str):  # the option that sets the count: one more than its default
        more = spec.n_classes() + 1
        assert make_dataset(name, 200, rng=0, **{spec.classes: more}).n_classes == more == \
            spec.n_classes({spec.classes: more})


def test_a_new_record_is_a_new_dataset_with_its_own_option(monkeypatch, tmp_path):
    """The registry's promise: a record alone (here a renamed blobs whose --dots sets its classes) is on the CLI."""
    dots = GeneratorSpec("dots", "cubenet.data.planar:make_blobs", "round dots, one class each",
                         (Option("dots", int, "how many dots", keyword="classes"),), classes="dots", default_n=300)
    monkeypatch.setattr(registry, "GENERATORS", {**GENERATORS, "dots": dots})
    fresh = typer.Typer()
    scramble_cli.register(fresh)
    r = wide(fresh, "scramble", "dots", "--dots", "4", "-o", tmp_path / "d.npz", "--no-preview")
    assert r.exit_code == 0, r.output
    assert load(tmp_path / "d.npz").n_classes == 4
    assert "--dots: how many dots (default 3)" in wide(fresh, "datasets").output
    assert "how many dots, default 3 (dots)" in " ".join(wide(fresh, "scramble", "--help").output.replace("│", " ").split())
    r = wide(fresh, "scramble", "moons", "--dots", "4", "-o", tmp_path / "m.npz")
    assert r.exit_code == 1 and "'dots' does not apply to moons" in r.output


def test_digits_strength_is_its_twists_by_either_name():
    a = make_dataset("digits", 100, rng=1, strength=4)
    b = make_dataset("digits", 100, rng=1, twists=4)
    assert np.array_equal(a.X_train, b.X_train) and a.meta == b.meta
    with pytest.raises(ValueError, match="'strength' and 'twists' are the same option of digits"):
        make_dataset("digits", 100, rng=1, strength=4, twists=4)


def test_unknown_parameters_are_refused_by_name():
    with pytest.raises(ValueError, match="'arms' does not apply to moons; its parameters are: twists, moves"):
        make_dataset("moons", 100, arms=3)


def test_only_scramble_itself_reads_the_registry():
    """The dataset options are made when 'scramble' is parsed or helped: 'cubenet --help' and the other commands
    never import the registry (which imports numpy)."""
    import subprocess
    import sys

    code = ("import sys; from cubenet.cli import app\n"
            "for args in (['--help'], ['learn', '--help'], ['datasets', '--help']):\n"
            "    try:\n        app(args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
            "print('cubenet.data.registry' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_the_playground_offers_the_options_the_registry_marks_for_it():
    """The page's option boxes are made from the registry (``Option.playground``): a new option shows up there."""
    from cubenet.play.page import datasets

    pages = {d["name"]: d for d in datasets()}
    assert list(pages) == list(GENERATORS)
    for spec in GENERATORS.values():
        offered = [o for o in spec.options if o.playground]
        assert set(pages[spec.name]["options"]) == {o.parameter for o in offered}
        assert all(pages[spec.name]["options"][o.parameter] == spec.default(o) for o in offered)
    assert pages["spirals"]["options"] == {"twists": 0, "arms": 2, "noise": 0.0}  # the twists first
    assert pages["digits"]["options"] == {"strength": 2, "size": 8}  # the scramble's size first here too


def test_the_sweep_reaches_every_registry_option():
    """Its own flags (--twists, --noise) are registry options of one kind each; every option goes through --set."""
    import inspect

    from cubenet.cli.sweep import DATA_FLAGS, _grid, sweep
    from cubenet.data.registry import options_by_name

    names = options_by_name()
    for flag in DATA_FLAGS:
        assert flag in inspect.signature(sweep).parameters and len({o.type for _, o in names[flag]}) == 1
    for name, [(spec, option), *_] in names.items():
        value = {int: "2", float: "0.1", str: "R"}[option.type]
        grid = _grid(spec.name, {}, [f"{name}={value}"], None, "4", "1", "0", {})
        assert grid.data_params[0][0] == name
    grid = _grid("spirals", {"twists": "0:2", "noise": "0,0.1"}, [], None, "4", "1", "0", {})
    assert dict(grid.data_params) == {"twists": (0, 1, 2), "noise": (0.0, 0.1)}
