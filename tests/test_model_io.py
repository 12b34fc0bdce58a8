"""Tests of the model file: bit-identical round trip, no pickles, clear errors, runnable with numpy alone."""

import textwrap

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.nn import network as nw
from cubenet.nn.model_io import load_model, save_model


def _model(standardized=True):
    params = nw.init_params((3, 6, 5, 4), rng=0, activations=("relu", "tanh"))
    mean = np.array([0.1, 0.2, 0.3]) if standardized else None
    scale = np.array([1.5, 2.0, 0.5]) if standardized else None
    return nw.Model(params, ("relu", "tanh"), mean, scale, ("w", "x", "y", "z"), {"optimizer": "adam", "lr": 0.01})


@pytest.mark.parametrize("standardized", [True, False])
def test_save_load_identical(tmp_path, standardized):
    model = _model(standardized)
    path = save_model(model, tmp_path / "model.npz")
    back = load_model(path)
    for (W, b), (W2, b2) in zip(model.params, back.params):
        assert W.dtype == W2.dtype and np.array_equal(W, W2) and np.array_equal(b, b2)
    assert back.activations == ("relu", "tanh") and back.class_names == ("w", "x", "y", "z")
    assert back.config["optimizer"] == "adam" and back.config["sizes"] == [3, 6, 5, 4]
    X = np.random.default_rng(0).normal(size=(50, 3))
    assert np.array_equal(nw.predict_proba(model, X), nw.predict_proba(back, X))
    if standardized:
        assert np.array_equal(back.input_mean, model.input_mean)
    else:
        assert back.input_mean is None


def test_runs_with_numpy_alone(tmp_path, monkeypatch):
    """The snippet of the module docstring (and the README), executed as written."""
    from cubenet.nn import model_io

    model = _model()
    save_model(model, tmp_path / "model.npz")
    monkeypatch.chdir(tmp_path)
    snippet = model_io.__doc__.split("::")[1]
    namespace = {}
    exec(textwrap.dedent(snippet), namespace)
    X = np.random.default_rng(1).normal(size=(20, 3))
    labels = namespace["predict"](X)
    assert list(labels) == [model.class_names[k] for k in nw.predict(model, X)]
    plain = nw.Model(model.params, model.activations, class_names=model.class_names)
    save_model(plain, tmp_path / "model.npz")
    exec(textwrap.dedent(snippet), namespace)
    assert list(namespace["predict"](X)) == [plain.class_names[k] for k in nw.predict(plain, X)]


def test_errors(tmp_path):
    with pytest.raises(CubenetError, match="no such model file"):
        load_model(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CubenetError, match="corrupt"):
        load_model(bad)
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(CubenetError, match="not a cubenet model"):
        load_model(other)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W0=np.array([{"a": 1}], dtype=object), config=np.array("{}"))
    with pytest.raises(CubenetError, match="pickled"):
        load_model(pickled)
    with pytest.raises(CubenetError, match=r"end in \.npz"):
        save_model(_model(), tmp_path / "model.bin")
    with pytest.raises(CubenetError, match="is a folder; give the model file in it"):
        load_model(tmp_path)
    nan = tmp_path / "nan.npz"
    save_model(_model(), nan)
    with np.load(nan) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["W0"] = np.full_like(arrays["W0"], np.nan)
    np.savez(nan, **arrays)
    with pytest.raises(CubenetError, match="layer 0 holds non-numeric, NaN or inf weights"):
        load_model(nan)
