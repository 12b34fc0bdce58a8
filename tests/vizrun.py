"""Small trained runs shared by the viz tests (each test module builds what it needs once)."""

from __future__ import annotations

import numpy as np
import scipy.optimize  # noqa: F401  (load scipy's BLAS before training, so thread limits cover it)


def small_cube(n_samples: int = 1200, twists: int = 3, seed: int = 0):
    from cubenet.data.cube import make_color_cube

    return make_color_cube(n_samples, twists=twists, rng=seed)


def small_spirals(n_samples: int = 600, seed: int = 0):
    from cubenet.data.planar import make_spirals

    return make_spirals(n_samples, rng=seed)


def trained(ds, hidden=(8, 8), epochs: int = 40, seed: int = 0):
    """(model, history) of a small ReLU net on ``ds``."""
    from cubenet.nn.train import TrainConfig, train

    return train((ds.n_features, *hidden, ds.n_classes), ds, TrainConfig(epochs=epochs, n_snapshots=6), rng=seed)


def trained_spirals(n_samples: int = 600, epochs: int = 30):
    """(dataset, model, history): two spirals and a small net trained on them."""
    ds = small_spirals(n_samples)
    return (ds, *trained(ds, hidden=(8, 8), epochs=epochs))


def saved_run(folder, ds, hidden=(8, 8), epochs: int = 40):
    """A run folder as ``cubenet learn --no-render`` writes it."""
    from cubenet.run.folder import save_run

    model, history = trained(ds, hidden, epochs)
    return save_run(folder, ds, model, history, command="cubenet learn (test run)", seed=0)


def fake_trace_model(sizes, seed: int = 0):
    """An untrained Model with the given layer sizes (for plots that need only shapes)."""
    from cubenet.nn.network import Model, init_params

    params = init_params(sizes, rng=seed)
    return Model(params=params, activations=("relu",) * (len(sizes) - 2),
                 class_names=tuple(f"c{i}" for i in range(sizes[-1])))


def assert_png(path):
    from PIL import Image

    with Image.open(path) as im:
        assert im.format == "PNG"
        arr = np.asarray(im.convert("L"))
    assert arr.std() > 5, f"{path} looks blank"
