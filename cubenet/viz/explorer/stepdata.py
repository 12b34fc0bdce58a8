"""The explorer's data for a step network: every state in the data's own coordinates, one box, no projection.

A step network (:mod:`cubenet.nn.steps`) keeps its state in the data's space: h ← h + relu(h·W + b)·V + c,
then one linear cut. The flow inside a step is exactly linear in t, ``h_i + t·(h_{i+1} − h_i)``, so the
page needs only the states at the step boundaries; each is embedded as uint16 within its own bounding
box (error at most 1/131070 of the box), and the page interpolates between them. All states are drawn in
one fixed display box: the camera and the axes never change from step to step.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from cubenet import nn
from cubenet.nn.network import predict
from cubenet.run.metrics import fit_probe
from cubenet.viz.explorer import cubeparts, encode
from cubenet.viz.explorer.build import FIT_POINTS, _strip_json, common, grid_points, pick_epochs, run_numbers

#: at most this many uint16 numbers of states are embedded (epochs are dropped beyond it, never the last)
STATE_NUMBERS = 400_000


def _steps():
    """``cubenet.nn.steps``, looked up on each call (so that a stand-in module is honoured)."""
    return nn.steps


def _snapshot_model(model, params):
    try:
        return replace(model, params=list(params))
    except (TypeError, ValueError):
        return None


def predictor(model, n_features: int):
    """The network's own answer ``X -> labels``, or None when neither the steps module nor predict can run it."""
    steps = _steps()
    if hasattr(steps, "predict"):
        return lambda X: np.asarray(steps.predict(model, X))

    try:
        predict(model, np.zeros((1, n_features)))
    except Exception:  # noqa: BLE001 - a step model the MLP code cannot run: no prediction cube then
        return None
    return lambda X: np.asarray(predict(model, X))


def step_data(model, ds, *, snapshots=(), metrics=None, max_points: int, max_epochs: int, rng=0) -> dict:
    steps = _steps()
    data, sets, _ = common(model, ds, max_points=max_points, rng=rng)
    (Xf, yf), (Xs, ys) = sets
    chosen = [(e, m) for e, m in ((e, _snapshot_model(model, p)) for e, p in pick_epochs(model, snapshots, metrics,
                                                                                        max_epochs)[:-1])
              if m is not None]
    final_epoch = int((metrics or {}).get("epochs_run", snapshots[-1][0] if snapshots else 0))
    chosen.append((final_epoch, model))
    n_states = len(steps.step_states(model, Xs[:1]))
    per_epoch = len(Xs) * ds.n_features * n_states
    keep = max(1, STATE_NUMBERS // max(1, per_epoch))
    chosen = chosen[-keep:]
    states = [[np.asarray(h, float) for h in steps.step_states(m, Xs)] for _, m in chosen]
    allP = np.concatenate([h for st in states for h in st])
    lo, hi = np.quantile(allP, 0.003, axis=0), np.quantile(allP, 0.997, axis=0)  # the one display box
    names = ["input h₀"] + [f"step {i}" for i in range(1, n_states)]
    epochs, final_probes = [], None
    for (epoch, m), st in zip(chosen, states):
        fit_states = [np.asarray(h, float) for h in steps.step_states(m, Xf)]
        probes = [fit_probe(Hf, yf, n_classes=ds.n_classes, max_iter=30) for Hf in fit_states]
        acc = [float(np.mean(p.predict(H) == ys)) for p, H in zip(probes, st)]
        entry_grid = {}
        if "grid" in data:
            G = [np.asarray(h, float) for h in steps.step_states(m, grid_points(data["grid"]))]
            entry_grid = {"grid_states": [encode.quantise_box(h, h.min(axis=0), h.max(axis=0)) for h in G]}
        epochs.append({"epoch": int(epoch), **entry_grid,
                       "states": [encode.quantise_box(h, h.min(axis=0), h.max(axis=0)) for h in st],
                       "probe": [{"post": a} for a in acc],
                       "fidelity": {"own": [{"post": 1.0} for _ in acc]}})
        final_probes = probes
    centre = (lo + hi) / 2
    half = float(np.max(hi - lo) / 2) * 1.08 or 1.0
    data["model"] = {"type": "steps", "n_steps": n_states - 1, "dim": int(ds.n_features), "names": names}
    data["kinds"] = [{"id": "own", "name": "own coordinates"}]
    data["boxes"] = {"own": [{"c": np.pad(centre, (0, 3 - len(centre))).tolist(), "s": half}] * n_states}
    data["epochs"] = epochs
    data["metrics"] = run_numbers(None, epochs, names)
    data["metrics"]["network_accuracy"] = (metrics or {}).get("test_accuracy")
    data["metrics"]["layer_epochs"]["points"] = {"train": FIT_POINTS, "test": int(len(ys))}
    if "cube" in data:
        reps_of = lambda X: [np.asarray(h, float) for h in steps.step_states(model, X)]  # noqa: E731
        data["cube"]["strip"] = _strip(cubeparts.strip(model, ds, final_probes, reps_of, names, predictor(model, ds.n_features)))
    return data


def _strip(strip):
    return _strip_json(strip)
