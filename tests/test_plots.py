"""Figures: panels, scatter collections, titles and legends for 2-D, 3-D and wide layers."""

import re

import numpy as np
import pytest

from cubenet.viz import plots
from vizrun import fake_trace_model, small_cube, small_spirals, trained, trained_spirals


def scatters(ax):
    from matplotlib.collections import PathCollection

    return [c for c in ax.collections if isinstance(c, PathCollection)]


def data_axes(fig):
    return [ax for ax in fig.axes if ax.get_title()]


def test_layer_equation_titles():
    model = fake_trace_model((3, 8, 8, 6))
    assert plots.layer_equation(model, 2) == "layer 2: relu(W₂·h₁ + b₂), 8 → 8"
    assert plots.layer_equation(model, 1, "pre") == "layer 1: z₁ = W₁·h₀ + b₁, 3 → 8"
    assert plots.layer_equation(model, 3) == "output: softmax(W₃·h₂ + b₃), 8 → 6"


def test_layer_panels_for_2d_input():
    ds = small_spirals(400)
    model = fake_trace_model((2, 8, 8, 2))
    fig = plots.layer_panels_figure(model, ds, max_points=50)
    axes = data_axes(fig)
    assert len(axes) == 1 + 2 * 3  # input, then pre/post of 3 layers
    titles = [ax.get_title() for ax in axes]
    assert titles[0].startswith("input x")
    assert "layer 2: relu(W₂·h₁ + b₂), 8 → 8" in titles
    for ax in axes:
        (points,) = scatters(ax)
        assert len(points.get_offsets()) == 50  # subsampled for drawing
        assert not hasattr(ax, "zaxis")
    assert "own coordinates (2-D)" in axes[0].get_xlabel()
    assert "projection 8 → 2 dims (PCA)" in axes[1].get_xlabel()
    legend_texts = [t.get_text() for leg in (ax.get_legend() for ax in fig.axes) if leg for t in leg.get_texts()]
    assert set(ds.class_names) <= set(legend_texts)


def test_layer_panels_for_3d_input_and_3_wide_layer():
    ds = small_cube(600)
    model = fake_trace_model((3, 3, 8, 6))
    fig = plots.layer_panels_figure(model, ds)
    axes = data_axes(fig)
    assert len(axes) == 7
    is3d = [hasattr(ax, "zaxis") for ax in axes]
    assert is3d == [True, True, True, False, False, False, False]  # input and the 3-wide layer as they are
    assert "own coordinates (3-D)" in axes[1].get_title()
    assert "keeps" in axes[3].get_xlabel() and "variance" in axes[3].get_xlabel()


def test_layer_panels_for_wide_input_project_with_variance_caption():
    from cubenet.data.dataset import train_test_split

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    X = rng.normal(size=(300, 12)) + y[:, None]
    ds = train_test_split(X, y, test_fraction=0.3, class_names=("a", "b", "c"), rng=0)
    fig = plots.layer_panels_figure(fake_trace_model((12, 6, 3)), ds)
    axes = data_axes(fig)
    assert len(axes) == 5
    assert "projection 12 → 2 dims (PCA)" in axes[0].get_xlabel()
    assert all(len(scatters(ax)) == 1 for ax in axes)
    assert [hasattr(ax, "zaxis") for ax in axes] == [False, False, False, True, True]  # 3 classes: 3-D output


def test_grid_figure_lines_and_panels():
    ds = small_spirals(300)
    model = fake_trace_model((2, 8, 2))
    fig = plots.grid_figure(model, ds)
    axes = data_axes(fig)
    assert len(axes) == 3  # input, the hidden layer, the output logits
    n_lines = len(plots.grid_lines(ds.X))
    assert n_lines == 2 * 13
    assert all(len(ax.get_lines()) == n_lines for ax in axes)
    assert plots.grid_figure(fake_trace_model((5, 4, 2)), _wide(5)) is None


def _wide(d):
    from cubenet.data.dataset import train_test_split

    rng = np.random.default_rng(0)
    return train_test_split(rng.normal(size=(60, d)), rng.integers(0, 2, 60), test_fraction=0.3,
                            class_names=("a", "b"), rng=0)


def test_grid_lines_are_straight_and_fill_the_box():
    X = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    lines = plots.grid_lines(X)
    assert len(lines) == 3 * 16  # 4 × 4 lines along each axis
    for line in lines:
        steps = np.diff(line, axis=0)
        np.testing.assert_allclose(steps, np.broadcast_to(steps[0], steps.shape))  # straight, even
    corners = np.concatenate(lines)
    np.testing.assert_allclose(corners.min(axis=0), [-0.05, -0.1, -0.15])  # the box plus a 5% margin
    np.testing.assert_allclose(corners.max(axis=0), [1.05, 2.1, 3.15])


@pytest.fixture(scope="module")
def planar_model():
    return trained_spirals(600, epochs=30)


def test_unscramble_figure(planar_model):
    from cubenet.run.metrics import layer_stats, probe_by_epoch

    ds, model, history = planar_model
    stats = layer_stats(model, ds)
    table = probe_by_epoch(model, history.snapshots[:3], ds, max_points=200)
    fig = plots.unscramble_figure(stats, table, network_accuracy=0.9, n_classes=2)
    curve, sv, heat = fig.axes[:3]
    probe_line = [ln for ln in curve.get_lines() if ln.get_label().startswith("linear probe")][0]
    np.testing.assert_allclose(probe_line.get_ydata(), [s.probe_accuracy for s in stats])
    assert len(curve.patches) == len(stats)  # dead-unit bars
    assert len(scatters(sv)) == 3  # one strip of singular values per weight matrix
    assert heat.images[0].get_array().shape == (4, 3)
    assert len(plots.unscramble_figure(stats).axes) == 2


def test_boundary_curves_confusion(planar_model):
    ds, model, history = planar_model
    fig = plots.boundary_figure(model, ds, max_points=100)
    ax = fig.axes[0]
    assert len(ax.images) == 1 and "decision regions" in ax.get_title()
    assert len(scatters(ax)) == 2  # test points, then the misclassified crosses
    assert plots.boundary_figure(fake_trace_model((3, 4, 6)), small_cube(120)) is None
    curves = plots.curves_figure(history)
    assert [len(a.get_lines()) for a in curves.axes] == [1, 2]
    cm = plots.confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], 2)
    np.testing.assert_array_equal(cm, [[1, 1], [1, 2]])
    fig = plots.confusion_figure(cm, ds.class_names, accuracy=0.6)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["1", "1", "1", "2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(ds.class_names)


def test_cube_view_truth_and_prediction():
    from matplotlib.collections import PatchCollection

    ds = small_cube(600, twists=2)
    cells = plots.surface_cells(6)
    assert len(cells["centers"]) == 6 * 36
    truth = plots.true_surface_labels(cells["centers"], ds)
    solved = plots.true_surface_labels(cells["centers"], small_cube(120, twists=0))
    np.testing.assert_array_equal(np.bincount(solved), [36] * 6)  # solved: each face one colour
    assert not np.array_equal(truth, solved)  # the scramble moved stickers
    fig = plots.cube_figure(fake_trace_model((3, 8, 6)), ds, resolution=6)
    assert sum(hasattr(a, "zaxis") for a in fig.axes) == 2
    net = fig.axes[3]
    assert any(isinstance(c, PatchCollection) for c in net.collections)
    assert "of the cube surface right" in fig._suptitle.get_text()


def test_curves_title_names_only_an_early_stop():
    from cubenet.nn.train import History

    def history(reason):
        e = np.arange(3)
        return History(e, np.ones(3), np.ones(3), np.ones(3), np.array([0.0, 0.5, 1.0]), stop_reason=reason)

    assert plots.curves_title(history("completed 2 epochs")) == "Training: 2 epochs"  # no wall-clock time: the picture is reproducible
    plateau = "plateau: the training loss improved by less than 1e-4 for 5 epochs (stopped at epoch 2)"
    assert plots.curves_title(history(plateau)).endswith("— " + plateau)


def test_input_panel_says_scrambled_only_when_it_was():
    model = fake_trace_model((2, 8, 2))
    assert "the scrambled data" in data_axes(plots.layer_panels_figure(model, small_spirals(200)))[0].get_title()
    unscrambled = _wide(2)  # no meta["scramble"], as from a CSV file
    assert "the input data" in data_axes(plots.layer_panels_figure(model, unscrambled))[0].get_title()


def test_3d_panels_have_few_ticks_and_wrapped_captions():
    from cubenet.viz.cube_plots import CUBE_TICKS

    ds = small_cube(600)
    fig = plots.layer_panels_figure(fake_trace_model((3, 3, 8, 6)), ds, stats=None)
    cube, layer = data_axes(fig)[:2]
    assert tuple(cube.get_xticks()) == CUBE_TICKS
    assert all(len(axis.get_ticklocs()) <= 5 for axis in (layer.xaxis, layer.yaxis, layer.zaxis))
    lines = cube.get_title().split("\n")
    assert all(len(line) <= max(len(lines[0]), 30) for line in lines)


def test_unscramble_labels_sit_clear_of_the_markers(planar_model):
    from cubenet.run.metrics import layer_stats

    ds, model, _ = planar_model
    ax = plots.plot_unscramble_curve(layer_stats(model, ds), network_accuracy=0.9)
    labels = [t for t in ax.texts if t.get_text().endswith("%")]
    assert labels and all(t.get_bbox_patch() is not None and t.xyann[1] > 0 for t in labels)


def test_preview_legends_are_outside_the_data():
    from cubenet.viz.cube_plots import cube_preview_figure
    from cubenet.viz.planar_plots import planar_preview_figure

    cloud = cube_preview_figure(small_cube(300)).axes[0]
    assert cloud.get_legend().get_bbox_to_anchor().bounds[0] <= cloud.bbox.bounds[0]  # left of the cube
    left = planar_preview_figure(small_spirals(300)).axes[0]
    legend = left.get_legend()
    assert legend is not None and legend.get_bbox_to_anchor().x0 > left.bbox.x1  # right of the points


def test_figures_refuse_a_model_and_dataset_that_do_not_belong_together():
    from cubenet.data.planar import make_blobs
    from cubenet.errors import CubenetError
    from cubenet.viz.animate import forward_movie

    spirals, model, _ = trained_spirals()
    blobs = make_blobs(300, classes=3, rng=0)
    for figure in (plots.layer_panels_figure, plots.grid_figure, plots.boundary_figure, forward_movie):
        with pytest.raises(CubenetError, match="outputs but the dataset has 3 classes"):
            figure(model, blobs)
    with pytest.raises(CubenetError, match="cube_figure needs a colour-cube dataset"):
        plots.cube_figure(model, spirals)
    with pytest.raises(CubenetError, match="max_points must be a positive whole number"):
        plots.layer_panels_figure(model, spirals, max_points=0)
    with pytest.raises(CubenetError, match="fps must be a number > 0"):
        forward_movie(model, spirals, fps=0)


def test_cube_figure_resolution_is_bounded():
    from cubenet.errors import CubenetError
    from cubenet.nn.network import Model, init_params

    cube = small_cube(300)
    model = Model(init_params((3, 4, 6), rng=0), ("relu",), class_names=cube.class_names)
    for resolution in (0, 1, 2.5, 1000):
        with pytest.raises(CubenetError, match="resolution must be an integer between 2 and 60, got .*; it is the cells per face edge"):
            plots.cube_figure(model, cube, resolution=resolution)


def test_unscramble_figure_wants_layer_stats():
    from cubenet.errors import CubenetError

    for stats in ([], None, "layers"):
        with pytest.raises(CubenetError, match="needs the per-layer numbers"):
            plots.unscramble_figure(stats)


def test_wide_views_show_their_display_fidelity():
    """Every post-activation caption of layers.png and grid.png says how much of the probe its 2-D view keeps."""
    from cubenet.run.metrics import layer_stats

    ds = small_cube(900)
    model, _ = trained(ds, hidden=(8, 8), epochs=15)
    stats = layer_stats(model, ds)
    for figure in (plots.layer_panels_figure(model, ds, stats=stats), plots.grid_figure(model, ds, stats=stats)):
        captions = " ".join(t.get_text() for ax in figure.axes for t in ax.texts + [ax.xaxis.label])
        found = re.findall(r"display fidelity (\d+)%", captions)
        assert len(found) >= 3 and all(0 < int(v) <= 100 for v in found), captions
