"""The model file ``model.npz``: ``W0, b0, W1, b1, …``, optional input standardisation, class names, JSON config.

Anyone with numpy can run the network from this file alone (this exact snippet is tested)::

    import json, numpy as np
    f = np.load("model.npz")
    cfg = json.loads(str(f["config"]))  # sizes, activations, training settings
    act = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "identity": lambda z: z,
           "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}
    def predict(X):
        h = (X - f["input_mean"]) / f["input_scale"] if "input_mean" in f.files else X
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

from cubenet.errors import CubenetError
from cubenet.nn.network import Model, check_activations, check_sizes

FORMAT = "cubenet-model-1"


def model_arrays(model: Model) -> dict:
    """The arrays written to ``model.npz`` (also used inside the run directory)."""
    arrays = {}
    for i, (W, b) in enumerate(model.params):
        arrays[f"W{i}"], arrays[f"b{i}"] = np.asarray(W), np.asarray(b)
    if model.input_mean is not None:
        arrays["input_mean"] = np.asarray(model.input_mean)
        arrays["input_scale"] = np.asarray(model.input_scale)
    arrays["class_names"] = np.array([str(c) for c in model.class_names] or [str(i) for i in range(model.sizes[-1])])
    config = {"format": FORMAT, **model.config, "sizes": list(model.sizes), "activations": list(model.activations)}
    arrays["config"] = np.array(json.dumps(config, sort_keys=True))
    return arrays


def save_model(model: Model, path: str | os.PathLike) -> Path:
    """Write ``model`` to ``path`` (.npz) atomically."""
    from cubenet.files import save_npz

    path = Path(path)
    if path.suffix != ".npz":
        raise CubenetError(f"model files end in .npz, got {str(path)!r}")
    return save_npz(path, model_arrays(model))


def load_model(path: str | os.PathLike) -> Model:
    """Read a model file written by :func:`save_model`; arrays come back bit-identical. Never unpickles."""
    from cubenet.data.npz import read_npz

    path = Path(path)
    where = str(path)
    if path.is_dir():
        raise CubenetError(f"{where!r} is a folder; give the model file in it, e.g. {str(path / 'model.npz')!r}")
    if not path.exists():
        raise CubenetError(f"{where!r}: no such model file")
    arrays = read_npz(path, what="model file")
    return model_from_arrays(arrays, where)


def model_from_arrays(arrays: dict, where: str = "model") -> Model:
    """Build and validate a Model from the arrays of a model file."""
    if "W0" not in arrays and "X_train" in arrays:
        raise CubenetError(f"{where!r} is a dataset file, not a model; give a run's model.npz to --model")
    if "W0" not in arrays or "config" not in arrays:
        raise CubenetError(f"{where!r} is not a cubenet model file (no W0/config); train one with 'cubenet learn'")
    try:
        config = json.loads(str(arrays["config"]))
    except json.JSONDecodeError as exc:
        raise CubenetError(f"{where!r}: config is not valid JSON ({exc})") from None
    params, i = [], 0
    while f"W{i}" in arrays:
        if f"b{i}" not in arrays:
            raise CubenetError(f"{where!r}: W{i} has no bias b{i}")
        params.append((arrays[f"W{i}"], arrays[f"b{i}"]))
        i += 1
    for i, (W, b) in enumerate(params):
        if W.ndim != 2 or b.shape != (W.shape[1],) or (i and W.shape[0] != params[i - 1][0].shape[1]):
            raise CubenetError(f"{where!r}: layer {i} has inconsistent shapes W{W.shape}, b{b.shape}")
        if W.dtype.kind != "f" or b.dtype.kind != "f" or not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise CubenetError(f"{where!r}: layer {i} holds non-numeric, NaN or inf weights; this model is unusable, "
                               "train it again")
    sizes = check_sizes((params[0][0].shape[0], *(W.shape[1] for W, _ in params)))
    activations = check_activations(config.get("activations", "relu"), len(sizes) - 2)
    mean, scale = arrays.get("input_mean"), arrays.get("input_scale")
    if (mean is None) != (scale is None) or (mean is not None and (mean.shape != (sizes[0],) or scale.shape != (sizes[0],))):
        raise CubenetError(f"{where!r}: input_mean and input_scale must both be present with shape ({sizes[0]},)")
    if mean is not None and not (mean.dtype.kind == scale.dtype.kind == "f" and np.isfinite(mean).all()
                                 and np.isfinite(scale).all() and (scale > 0).all()):
        raise CubenetError(f"{where!r}: input_mean and input_scale must be finite numbers (scale > 0); "
                           "this model is unusable, train it again")
    names = tuple(str(c) for c in np.atleast_1d(arrays.get("class_names", np.arange(sizes[-1]))))
    if len(names) != sizes[-1]:
        raise CubenetError(f"{where!r}: {len(names)} class names for {sizes[-1]} outputs")
    config = {k: v for k, v in config.items() if k != "format"}
    return Model(params=params, activations=activations, input_mean=mean, input_scale=scale,
                 class_names=names, config=config)
