"""The model file ``model.npz``: the weights, optional input standardisation, class names, JSON config.

A dense network (``kind`` "dense", format ``cubenet-model-1``, as written by cubenet 0.1.0) stores
``W0, b0, W1, b1, …``. A step network (``kind`` "steps", format ``cubenet-model-2``, see
:mod:`cubenet.nn.steps`) stores ``step1_W, step1_b, step1_V, step1_c, …`` and ``head_W, head_b``,
and its config names ``steps`` and ``inner`` (its array names differ from a dense network's, so an
older cubenet refuses the file instead of misreading it). A file without ``kind`` is dense.

Anyone with numpy can run the network from this file alone (this exact snippet is tested)::

    import json, numpy as np
    f = np.load("model.npz")
    cfg = json.loads(str(f["config"]))  # kind, sizes, activations, training settings
    act = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "identity": lambda z: z,
           "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}
    def predict(X):
        h = (X - f["input_mean"]) / f["input_scale"] if "input_mean" in f.files else X
        if cfg.get("kind") == "steps":  # every step moves the points: h + relu(h W + b) V + c
            for i in range(1, cfg["steps"] + 1):
                h = h + act["relu"](h @ f[f"step{i}_W"] + f[f"step{i}_b"]) @ f[f"step{i}_V"] + f[f"step{i}_c"]
            return f["class_names"][(h @ f["head_W"] + f["head_b"]).argmax(axis=1)]  # the flat cut
        n = len(cfg["sizes"]) - 1
        for i in range(n):
            h = h @ f[f"W{i}"] + f[f"b{i}"]
            if i < n - 1:
                h = act[cfg["activations"][i]](h)
        return f["class_names"][h.argmax(axis=1)]  # softmax keeps the argmax
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from cubenet.data.npz import read_npz
from cubenet.errors import CubenetError
from cubenet.files import save_npz
from cubenet.nn.network import Model, check_activations, check_sizes
from cubenet.nn.steps import MAX_STEPS, check_step_params, is_step_model, make_step_model
from cubenet.validate import is_integer

FORMAT = "cubenet-model-1"  #: a dense network (the 0.1.0 format, unchanged)
STEPS_FORMAT = "cubenet-model-2"  #: a step network
FORMATS = (FORMAT, STEPS_FORMAT)


def model_arrays(model: Model) -> dict:
    """The arrays written to ``model.npz`` (also used inside the run directory)."""
    arrays = {}
    if is_step_model(model):
        for i, (W, b, V, c) in enumerate(model.steps(), start=1):
            for name, a in zip("WbVc", (W, b, V, c)):
                arrays[f"step{i}_{name}"] = np.asarray(a)
        arrays["head_W"], arrays["head_b"] = (np.asarray(a) for a in model.head)
        shape = {"format": STEPS_FORMAT, "kind": "steps", "steps": model.n_steps, "inner": model.inner}
    else:
        for i, (W, b) in enumerate(model.params):
            arrays[f"W{i}"], arrays[f"b{i}"] = np.asarray(W), np.asarray(b)
        shape = {"format": FORMAT, "kind": "dense"}
    if model.input_mean is not None:
        arrays["input_mean"] = np.asarray(model.input_mean)
        arrays["input_scale"] = np.asarray(model.input_scale)
    arrays["class_names"] = np.array([str(c) for c in model.class_names] or [str(i) for i in range(model.sizes[-1])])
    config = {**model.config, **shape, "sizes": list(model.sizes), "activations": list(model.activations)}
    arrays["config"] = np.array(json.dumps(config, sort_keys=True))
    return arrays


def save_model(model: Model, path: str | os.PathLike) -> Path:
    """Write ``model`` to ``path`` (.npz) atomically."""
    path = Path(path)
    if path.suffix != ".npz":
        raise CubenetError(f"model files end in .npz, got {str(path)!r}")
    return save_npz(path, model_arrays(model))


def load_model(path: str | os.PathLike) -> Model:
    """Read a model file written by :func:`save_model`; arrays come back bit-identical. Never unpickles."""
    path = Path(path)
    where = str(path)
    if path.is_dir():
        raise CubenetError(f"{where!r} is a folder; give the model file in it, e.g. {str(path / 'model.npz')!r}")
    if not path.exists():
        raise CubenetError(f"{where!r}: no such model file")
    arrays = read_npz(path, what="model file")
    return model_from_arrays(arrays, where)


def model_from_arrays(arrays: dict, where: str = "model") -> Model:
    """Build and validate a Model (dense, or a StepModel) from the arrays of a model file."""
    if not ({"W0", "step1_W", "head_W"} & set(arrays)) and "X_train" in arrays:
        raise CubenetError(f"{where!r} is a dataset file, not a model; give a run's model.npz to --model")
    if "config" not in arrays or not ({"W0", "step1_W", "head_W"} & set(arrays)):
        raise CubenetError(f"{where!r} is not a cubenet model file (no W0/config); train one with 'cubenet learn'")
    try:
        config = json.loads(str(arrays["config"]))
    except json.JSONDecodeError as exc:
        raise CubenetError(f"{where!r}: config is not valid JSON ({exc})") from None
    if not isinstance(config, dict):
        raise CubenetError(f"{where!r}: config must be a JSON object")
    fmt, kind = config.get("format", FORMAT), config.get("kind", "dense")  # 0.1.0 files have no kind
    if fmt not in FORMATS:
        raise CubenetError(f"{where!r} has model format {fmt!r}, newer than this cubenet reads ({', '.join(FORMATS)}); "
                           "upgrade cubenet")
    if kind not in ("dense", "steps"):
        raise CubenetError(f"{where!r}: unknown model kind {kind!r}; this cubenet reads dense and steps models")
    params = _step_params(arrays, config, where) if kind == "steps" else _dense_params(arrays, where)
    for i, (W, b) in enumerate(params):
        if W.dtype.kind != "f" or b.dtype.kind != "f" or not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise CubenetError(f"{where!r}: layer {i} holds non-numeric, NaN or inf weights; this model is unusable, "
                               "train it again")
    n_in, n_out = params[0][0].shape[0], params[-1][0].shape[1]
    mean, scale = arrays.get("input_mean"), arrays.get("input_scale")
    if (mean is None) != (scale is None) or (mean is not None and (mean.shape != (n_in,) or scale.shape != (n_in,))):
        raise CubenetError(f"{where!r}: input_mean and input_scale must both be present with shape ({n_in},)")
    if mean is not None and not (mean.dtype.kind == scale.dtype.kind == "f" and np.isfinite(mean).all()
                                 and np.isfinite(scale).all() and (scale > 0).all()):
        raise CubenetError(f"{where!r}: input_mean and input_scale must be finite numbers (scale > 0); "
                           "this model is unusable, train it again")
    names = tuple(str(c) for c in np.atleast_1d(arrays.get("class_names", np.arange(n_out))))
    if len(names) != n_out:
        raise CubenetError(f"{where!r}: {len(names)} class names for {n_out} outputs")
    config = {k: v for k, v in config.items() if k not in ("format", "kind")}
    if kind == "steps":
        return make_step_model(params, input_mean=mean, input_scale=scale, class_names=names, config=config)
    sizes = check_sizes((n_in, *(W.shape[1] for W, _ in params)))
    activations = check_activations(config.get("activations", "relu"), len(sizes) - 2)
    return Model(params=params, activations=activations, input_mean=mean, input_scale=scale,
                 class_names=names, config=config)


def _dense_params(arrays: dict, where: str) -> list:
    """``[(W0, b0), …]`` of a dense model file, shapes checked."""
    if "W0" not in arrays:
        raise CubenetError(f"{where!r}: a dense model file needs W0, b0, …; is it damaged?")
    params, i = [], 0
    while f"W{i}" in arrays:
        if f"b{i}" not in arrays:
            raise CubenetError(f"{where!r}: W{i} has no bias b{i}")
        params.append((arrays[f"W{i}"], arrays[f"b{i}"]))
        i += 1
    for i, (W, b) in enumerate(params):
        if W.ndim != 2 or b.shape != (W.shape[1],) or (i and W.shape[0] != params[i - 1][0].shape[1]):
            raise CubenetError(f"{where!r}: layer {i} has inconsistent shapes W{W.shape}, b{b.shape}")
    return params


def _step_params(arrays: dict, config: dict, where: str) -> list:
    """The pairs of a step model file, ``[(W1, b1), (V1, c1), …, (head_W, head_b)]``, shapes checked."""
    n = config.get("steps")
    if not is_integer(n) or not 1 <= n <= MAX_STEPS:
        raise CubenetError(f"{where!r}: config 'steps' must be the number of steps (1 to {MAX_STEPS}), got {n!r}")
    wanted = [f"step{i}_{a}" for i in range(1, n + 1) for a in "WbVc"] + ["head_W", "head_b"]
    missing = [name for name in wanted if name not in arrays]
    if missing or f"step{n + 1}_W" in arrays:
        what = f"is missing {', '.join(missing[:4])}" if missing else f"holds more than the {n} steps its config names"
        raise CubenetError(f"{where!r}: this step model {what}; the file was edited or is damaged, train the model again")
    names = [(f"step{i}_{w}", f"step{i}_{v}") for i in range(1, n + 1) for w, v in ("Wb", "Vc")] + [("head_W", "head_b")]
    params = [(arrays[w], arrays[v]) for w, v in names]
    check_step_params(params, repr(where))
    if params[0][0].shape[1] != config.get("inner"):
        raise CubenetError(f"{where!r}: config says inner width {config.get('inner')!r} but the steps are "
                           f"{params[0][0].shape[1]} wide; the file was edited or is damaged, train the model again")
    return params
