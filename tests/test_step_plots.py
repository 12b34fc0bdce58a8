"""Figures of step networks: one axes per step, one box and one camera, the flat cut, the flow, the curve, render."""

import numpy as np
import pytest

from cubenet.data.cube import make_color_cube
from cubenet.data.planar import make_spirals
from cubenet.errors import CubenetError
from cubenet.nn import network as nw
from cubenet.nn.steps import StepSpec
from cubenet.nn.train import TrainConfig, train
from cubenet.viz import step_plots as sp


@pytest.fixture(scope="module")
def cube_run():
    ds = make_color_cube(900, twists=1, rng=0)
    model, history = train(StepSpec(3, 8), ds, TrainConfig(epochs=6, n_snapshots=3), rng=0)
    return ds, model, history


@pytest.fixture(scope="module")
def spirals_run():
    ds = make_spirals(600, rng=0)
    model, _ = train(StepSpec(4, 8), ds, TrainConfig(epochs=6), rng=0)
    return ds, model


def _axes3d(fig):
    return [ax for ax in fig.axes if hasattr(ax, "zaxis")]


def _same_box_and_camera(axes):
    first = axes[0]
    for ax in axes[1:]:
        assert ax.get_xlim() == first.get_xlim() and ax.get_ylim() == first.get_ylim()
        if hasattr(ax, "zaxis"):
            assert ax.get_zlim() == first.get_zlim()
            assert (ax.elev, ax.azim, ax.roll) == (first.elev, first.azim, first.roll)


def test_steps_figure_has_one_3d_axes_per_step_with_one_box_and_camera(cube_run):
    ds, model, _ = cube_run
    fig = sp.steps_figure(model, ds)
    axes = _axes3d(fig)
    assert len(axes) == model.n_steps + 2  # h0, one per step, the flat cut
    _same_box_and_camera(axes)
    assert (axes[0].elev, axes[0].azim) == (sp.CAMERA["elev"], sp.CAMERA["azim"])
    titles = [ax.get_title() for ax in axes]
    assert titles[0].startswith("input h₀") and titles[1].startswith("step 1: h₁ = h₀ + relu(h₀·W₁ + b₁)·V₁ + c₁")
    assert all("display fidelity 100%" in t for t in titles[:-1])
    assert titles[-1].startswith("the flat cut")
    # the points drawn in step i's panel are the state after step i, in the data's units, all of them
    states = sp.states(model, ds.X_test)
    drawn = np.column_stack(axes[2].collections[0]._offsets3d)
    assert len(drawn) == len(ds.y_test)
    np.testing.assert_allclose(np.sort(drawn[:, [0, 2, 1]], axis=0), np.sort(states[2], axis=0))
    np.testing.assert_allclose(states[0], ds.X_test)  # the first panel is the scrambled cube as it is
    assert len(axes[-1].collections) == 2  # the planes of the cut, and the points


def test_lattice_figure_pushes_the_sticker_grid_through_every_step(cube_run):
    ds, model, _ = cube_run
    fig = sp.lattice_figure(model, ds)
    axes = _axes3d(fig)
    assert len(axes) == model.n_steps + 1
    _same_box_and_camera(axes)
    lattice = sp.cubie_lattice(ds)
    assert len(lattice) == 36  # 12 sticker-border lines along each axis, none through the cube's inside
    assert all(np.sum(np.abs(L[0]) == 1.5) >= 1 for L in lattice)
    lines = axes[0].collections[1]
    assert len(lines._segments3d) == 36
    assert sp.lattice_figure(*_spirals_pair()) is None


def _spirals_pair():
    ds = make_spirals(200, rng=0)
    model, _ = train(StepSpec(1, 4), ds, TrainConfig(epochs=1), rng=0)
    return model, ds


def test_2d_steps_figure_draws_the_grid_and_the_shaded_cut(spirals_run):
    from matplotlib.collections import LineCollection

    ds, model = spirals_run
    fig = sp.steps_figure(model, ds)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert len(axes) == model.n_steps + 2 and not _axes3d(fig)
    _same_box_and_camera(axes)
    assert all(any(isinstance(c, LineCollection) for c in ax.collections) for ax in axes[:-1])
    regions = axes[-1].images[0].get_array()
    W, b = sp.head_in_data_units(model)
    lims = sp.shared_limits(sp.states(model, ds.X_test))
    corner = np.array([[lims[0, 0], lims[1, 0]]])
    assert regions[0, 0] == int((corner @ W + b).argmax())  # shaded cells are the head's own classes


def test_head_in_data_units_is_the_model_head(spirals_run):
    ds, model = spirals_run
    W, b = sp.head_in_data_units(model)
    x = sp.states(model, ds.X_test)[-1]
    assert np.array_equal((x @ W + b).argmax(axis=1), nw.predict(model, ds.X_test))


def test_cut_quads_lie_on_ties_for_first_place():
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    lims = np.array([[-1.0, 1.0]] * 3)
    quads = sp.cut_quads(W, b, lims, resolution=12)
    assert quads
    centres = np.array([q.mean(axis=0) for q in quads])
    top2 = np.sort(centres @ W + b, axis=1)[:, -2:]
    np.testing.assert_allclose(top2[:, 0], top2[:, 1], atol=1e-9)


def test_flow_movie_moves_every_step_in_one_fixed_view(cube_run):
    from cubenet.viz.step_flow import flow_movie

    ds, model, _ = cube_run
    movie = flow_movie(model, ds, max_points=200, frames_per_step=4, hold=1, cut=2, dpi=40)
    assert movie.n_frames == model.n_steps * (4 + 1 + 1) + 2
    assert movie.captions[0] == "step 1, t = 0.00" and movie.captions[4] == "step 1, t = 1.00"
    assert movie.captions[-1] == f"the flat cut after step {model.n_steps}"
    assert not np.array_equal(movie.frames[0], movie.frames[4])  # the points moved


def test_step_curve_figure_shows_probe_centroid_and_displacement(cube_run):
    from cubenet.run.metrics import layer_stats

    ds, model, _ = cube_run
    stats = layer_stats(model, ds)
    assert [s.name for s in stats] == ["input", "step 1", "step 2", "step 3", "output"]
    assert all(s.displacement > 0 for s in stats[1:-1]) and stats[0].displacement is None
    fig = sp.step_curve_figure(stats, network_accuracy=0.9, n_classes=6)
    ax, bars = fig.axes[0], fig.axes[1]
    assert len(bars.patches) == model.n_steps
    np.testing.assert_allclose([p.get_height() for p in bars.patches], [s.displacement for s in stats[1:-1]])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [s.probe_accuracy for s in stats])


def test_step_views_refuse_a_layered_network(cube_run):
    ds = cube_run[0]
    dense, _ = train((3, 8, 6), ds, TrainConfig(epochs=1), rng=0)
    with pytest.raises(CubenetError, match="steps_figure draws a step network"):
        sp.steps_figure(dense, ds)


def test_render_and_report_a_step_run(tmp_path, cube_run):
    from cubenet.run.folder import load_run, save_run
    from cubenet.viz.render import WHAT, applies, render_run
    from cubenet.viz.report import report_html

    ds, model, history = cube_run
    run = save_run(tmp_path / "run", ds, model, history, command="cubenet learn --steps 3", seed=0)
    applying = {n for n in WHAT if applies(n, ds, model) is None}  # (the reading order: tests/test_figures.py)
    assert applying >= {"explorer", "cube", "steps", "lattice", "flow", "unscramble", "curves", "confusion"}
    assert not applying & {"layers", "grid", "animation", "training"}
    assert "drawn in the data's own space" in applies("layers", ds, model) and applies("steps", ds, model) is None
    dense, _ = train((3, 4, 6), ds, TrainConfig(epochs=1), rng=0)
    assert "this view draws a step network" in applies("flow", ds, dense)
    written = set()
    for what in ("steps", "flow", "unscramble"):
        written |= {p.name for p in render_run(run, what=what, max_points=300)}
    assert written == {"steps.png", "flow.gif", "flow.html", "unscramble.png"}
    layers = load_run(run).metrics["layers"]
    assert [entry["name"] for entry in layers][1] == "step 1" and layers[1]["displacement"] > 0
    with pytest.raises(CubenetError, match="drawn in the data's own space by steps, lattice and flow"):
        render_run(run, what="layers")
    html = report_html(load_run(run), run)
    for heading in ("The network, step by step", "Every step, in the data's own space", "The steps, animated",
                    "The unscrambling curve over steps"):
        assert f"<h2>{heading}</h2>" in html
    assert "Inside the network, layer by layer" not in html and "3 steps in 3-D, each 3 → 8 → 3" in html


def test_display_fidelity_of_every_state_is_one(cube_run):
    from cubenet.run.metrics import layer_stats

    ds, model, _ = cube_run
    stats = layer_stats(model, ds)
    numbers = sp.fidelities(model, ds, stats)
    assert len(numbers) == model.n_steps + 1
    assert [p for p, _ in numbers] == [s.probe_accuracy for s in stats[:-1]]  # the run's own probe numbers
    assert all(f == pytest.approx(1.0, abs=1e-3) for _, f in numbers)
