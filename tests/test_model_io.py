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


DATA = __import__("pathlib").Path(__file__).parent / "data"


def _step_model():
    from cubenet.nn import steps as st

    params = st.init_steps(3, 3, 5, 4, rng=0)
    return st.make_step_model(params, input_mean=np.array([0.1, 0.2, 0.3]), input_scale=np.array([1.5, 2.0, 0.5]),
                              class_names=("w", "x", "y", "z"), config={"optimizer": "adam"})


def test_model_from_0_1_0_still_loads():
    """A model file written by cubenet 0.1.0 (tests/data, no 'kind' in its config) loads as a dense network."""
    import json

    with np.load(DATA / "model-0.1.0.npz") as f:
        assert "kind" not in json.loads(str(f["config"])) and json.loads(str(f["config"]))["format"] == "cubenet-model-1"
    model = load_model(DATA / "model-0.1.0.npz")
    assert type(model) is nw.Model and model.sizes == (3, 8, 6)
    X = np.random.default_rng(0).normal(size=(20, 3))
    assert np.array_equal(nw.predict(model, X), np.load(DATA / "model-0.1.0-predict.npy"))


def test_step_model_round_trip(tmp_path):
    from cubenet.nn.steps import StepModel

    model = _step_model()
    back = load_model(save_model(model, tmp_path / "model.npz"))
    assert isinstance(back, StepModel) and back.n_steps == 3 and back.inner == 5
    for (M, v), (M2, v2) in zip(model.params, back.params):
        assert M.dtype == M2.dtype and np.array_equal(M, M2) and np.array_equal(v, v2)
    assert back.class_names == model.class_names and back.config["optimizer"] == "adam"
    assert "kind" not in back.config and "format" not in back.config
    X = np.random.default_rng(0).normal(size=(50, 3))
    assert np.array_equal(nw.predict_proba(model, X), nw.predict_proba(back, X))
    with np.load(tmp_path / "model.npz") as f:
        assert "W0" not in f.files  # an older cubenet refuses the file instead of misreading it as a dense net


def test_step_model_runs_with_numpy_alone(tmp_path, monkeypatch):
    from cubenet.nn import model_io

    model = _step_model()
    save_model(model, tmp_path / "model.npz")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(textwrap.dedent(model_io.__doc__.split("::")[1]), namespace)
    X = np.random.default_rng(1).normal(size=(30, 3))
    assert list(namespace["predict"](X)) == [model.class_names[k] for k in nw.predict(model, X)]


def _edited(tmp_path, change):
    path = save_model(_step_model(), tmp_path / "model.npz")
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("change,match", [
    (lambda a: a.update(step2_V=a["step2_V"][:, :2]), r"step 2's V, c have shapes \(5, 2\), \(3,\) but dimension 3 "
                                                      r"and inner width 5 need \(5, 3\), \(3,\); the file was edited"),
    (lambda a: a.update(step1_W=np.zeros((3, 7), np.float32)), r"step 1's W, b have shapes \(3, 7\), \(5,\)"),
    (lambda a: a.update(head_W=a["head_W"][:2]), r"the head's W, b have shapes \(2, 4\)"),
    (lambda a: a.pop("step3_c"), "this step model is missing step3_c"),
    (lambda a: a.update(step4_W=a["step1_W"]), "holds more than the 3 steps its config names"),
    (lambda a: a.update(config=np.array(str(a["config"]).replace('"steps": 3', '"steps": "3"'))), "config 'steps' must be"),
    (lambda a: a.update(config=np.array(str(a["config"]).replace('"inner": 5', '"inner": 6'))), "config says inner width 6"),
    (lambda a: a.update(config=np.array(str(a["config"]).replace("cubenet-model-2", "cubenet-model-9"))),
     "newer than this cubenet reads"),
    (lambda a: a.update(config=np.array(str(a["config"]).replace('"kind": "steps"', '"kind": "conv"'))),
     "unknown model kind 'conv'"),
])
def test_hand_edited_step_model_is_refused_in_one_line(tmp_path, change, match):
    with pytest.raises(CubenetError, match=match) as err:
        load_model(_edited(tmp_path, change))
    assert "\n" not in str(err.value)
