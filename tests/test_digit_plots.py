"""Digit figures: the preview grid, one digit through the layers, class separation per layer."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from cubenet.data.digits import make_digits
from cubenet.errors import CubenetError
from cubenet.nn.network import forward, predict
from cubenet.nn.train import TrainConfig, train
from cubenet.viz import digit_plots as P


@pytest.fixture(scope="module")
def ds():
    return make_digits(800, rng=2)


@pytest.fixture(scope="module")
def model(ds):
    return train((64, 24, 12, 10), ds, TrainConfig(epochs=8, lr=0.01), rng=0)[0]


def _images(fig):
    return [ax for ax in fig.axes if ax.images]


def test_preview_grid_has_samples_per_class_and_class_means(ds):
    fig = P.digits_preview_figure(ds, per_class=6)
    assert isinstance(fig, Figure)
    assert len(_images(fig)) == 10 * (6 + 1)
    assert "800 images of 8×8 (optdigits counts 0–16), strength 2" in fig._suptitle.get_text()
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert labels == list(ds.class_names)
    first = next(ax for ax in fig.axes if ax.get_ylabel() == "0")
    assert np.array_equal(first.images[0].get_array(), ds.X[np.flatnonzero(ds.y == 0)[0]].reshape(8, 8))
    assert first.images[0].get_clim() == (0.0, 16.0)


def test_preview_greyscale_and_dispatch():
    from cubenet.viz.preview import preview_figure

    small = make_digits(100, size=16, rng=0)
    fig = preview_figure(small)
    assert "16×16 (values 0–1)" in fig._suptitle.get_text()
    assert _images(fig)[0].images[0].get_array().shape == (16, 16)


def test_image_shape_needs_square_images(ds):
    from dataclasses import replace

    odd = replace(ds, X_train=ds.X_train[:, :63], X_test=ds.X_test[:, :63], meta={"generator": "table"})
    with pytest.raises(CubenetError, match="63 features, not a square image"):
        P.image_shape(odd)


def test_layers_figure_shows_the_digit_its_units_and_probabilities(ds, model):
    index = P.pick_digit(model, ds)
    x = ds.X[index]
    assert index >= len(ds.y_train) and ds.y[index] == 4 and predict(model, x[None])[0] == 4  # a test "4" read right
    fig = P.digit_layers_figure(model, ds)
    title = fig._suptitle.get_text()
    assert title.startswith(f"One handwritten {ds.class_names[ds.y[index]]} passing through the network")
    trace = forward(model, x[None])
    grids = [ax for ax in fig.axes if ax.images and ax.get_title().startswith("layer")]
    assert len(grids) == 2
    for ax, t in zip(grids, trace):
        shown = ax.images[0].get_array()
        assert np.allclose(shown.compressed() if np.ma.isMaskedArray(shown) else shown[~np.isnan(shown)], t.post[0])
    bars = next(ax for ax in fig.axes if ax.get_title().startswith("output"))
    assert np.allclose([p.get_width() for p in bars.patches], trace[-1].post[0])
    filters = [ax for ax in fig.axes if ax.get_title().startswith("#")]
    assert len(filters) == 2 * 3


def test_layers_figure_refuses_a_bad_index(ds, model):
    with pytest.raises(CubenetError, match="index must be an integer between 0 and 799, got 800; it is an image's number"):
        P.digit_layers_figure(model, ds, index=800)


def test_input_filters_are_the_local_linear_map(ds, model):
    x = ds.X[5]
    filters = P.input_filters(model, x)
    assert [f.shape for f in filters] == [(64, 24), (64, 12)]
    step = 1e-3 * np.random.default_rng(0).standard_normal(64)
    moved = x + step * model.input_scale  # a small change of the network's input h0 by ``step``
    for J, before, after in zip(filters, forward(model, x[None])[:-1], forward(model, moved[None])[:-1]):
        assert np.allclose(after.post[0] - before.post[0], step @ J, atol=1e-5)


def test_units_as_near_square_grid():
    g = P.unit_grid(np.arange(10.0))
    assert g.shape == (3, 4) and np.isnan(g[-1, -2:]).all() and g[0, 1] == 1


def test_tanh_layers_use_a_diverging_map(ds):
    tanh = train((64, 9, 10), ds, TrainConfig(epochs=2, activation="tanh"), rng=0)[0]
    fig = P.digit_layers_figure(tanh, ds, index=3)
    grid = next(ax for ax in fig.axes if ax.images and ax.get_title().startswith("layer 1"))
    lo, hi = grid.images[0].get_clim()
    assert grid.images[0].get_cmap().name == "RdBu_r" and lo == -hi


def test_separation_figure_has_a_view_and_probe_per_layer(ds, model):
    from cubenet.run.metrics import layer_stats

    stats = layer_stats(model, ds)
    fig = P.digit_separation_figure(model, ds, stats=stats, max_points=150)
    views = [ax for ax in fig.axes if "linear probe:" in ax.get_title()]
    assert [ax.get_title().split(" (")[0] for ax in views] == ["input", "layer 1", "layer 2", "output"]
    assert all(len(ax.collections[0].get_offsets()) == 150 for ax in views)
    probes = [float(ax.get_title().split("linear probe: ")[1].split("%")[0]) for ax in views]
    assert probes == [round(100 * s.probe_accuracy, 1) for s in stats]  # the same numbers as metrics.json
    # every 2-D view says how much of the layer's separation it shows (a probe on the drawn coordinates ÷ the
    # probe on the whole layer); PCA of 64 pixels to 2 keeps well under all of it
    fidelity = [float(ax.get_title().split("display fidelity ")[1].rstrip("%")) for ax in views]
    assert all(0 < f <= 100 for f in fidelity) and fidelity[0] < 100
    assert probes[-1] > 50  # the output separates the digit classes well
    assert any(ax.get_title() == "How separable are the colours after each layer?" for ax in fig.axes)
