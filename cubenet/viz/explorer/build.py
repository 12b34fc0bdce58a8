"""The explorer's data: a model, its dataset and snapshots turned into what the page draws, with honest numbers.

The page computes the forward pass itself (it has the inputs and every snapshot's weights), so one
number set per view is all Python adds: the projection of every representation (PCA, LDA, probe
directions; aligned between layers and epochs), a fixed axis box per panel, and per view the linear
probe accuracy of the layer and the display fidelity of the drawing (probe on the drawn coordinates ÷
probe on the full layer, both fitted on the same training subset and scored on the drawn test points).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from cubenet import nn
from cubenet.errors import CubenetError
from cubenet.nn.network import forward, predict, standardize
from cubenet.run.metrics import (
    check_max_points,
    check_pair,
    display_fidelity,
    fit_probe,
    layer_names,
    stratified_subset,
)
from cubenet.run.processes import in_two
from cubenet.viz.animate import pick_snapshots
from cubenet.viz.explorer import cubeparts, encode
from cubenet.viz.explorer import views as V
from cubenet.viz.explorer.texts import texts

#: test points drawn (and scored) per view
DISPLAY_POINTS = 2500
#: training points that fit the projections and probes at every epoch
FIT_POINTS = 1000
#: Newton iterations of every probe the explorer fits (as the layer × epoch table's)
PROBE_ITER = 30
#: snapshots on the epoch slider (the layer × epoch heatmap's columns)
MAX_EPOCHS = 8
#: at most this many input numbers (points × features) are embedded
INPUT_NUMBERS = 600_000


def is_step_model(model) -> bool:
    """True for a step network (``cubenet.nn.steps`` is looked up on each call, so that a stand-in is honoured)."""
    return bool(nn.steps.is_step_model(model))


def display_points(ds, max_points: int = DISPLAY_POINTS, *, rng=0) -> np.ndarray:
    """Indices into the test set of the points the page draws (class-stratified, at most ``max_points``)."""
    cap = max(50, min(max_points, INPUT_NUMBERS // max(1, ds.n_features)))
    return stratified_subset(ds.y_test, cap, rng=rng)


def pick_epochs(model, snapshots, metrics: dict | None, max_epochs: int = MAX_EPOCHS) -> list[tuple[int, list]]:
    """(epoch, params) on the epoch slider: the heatmap's snapshots when metrics.json has them, the model last."""
    snapshots = list(snapshots or ())
    final_epoch = int((metrics or {}).get("epochs_run", snapshots[-1][0] if snapshots else 0))
    wanted = ((metrics or {}).get("layer_epochs") or {}).get("epochs")
    if wanted:
        by_epoch = {int(e): p for e, p in snapshots}
        chosen = [(int(e), by_epoch[int(e)]) for e in wanted if int(e) in by_epoch]
    else:
        chosen = [snapshots[i] for i in pick_snapshots(len(snapshots), max_epochs)] if snapshots else []
    chosen = [(int(e), list(p)) for e, p in chosen if int(e) < final_epoch]
    return chosen[-(max_epochs - 1):] + [(final_epoch, list(model.params))] if max_epochs > 1 else \
        [(final_epoch, list(model.params))]


def grid_points(g: dict) -> np.ndarray:
    """The grid's points in raw input coordinates, in the page's order (core.js gridPoints): line by line."""
    dim, nl, ns = len(g["lo"]), g["lines"], g["steps"]
    lo = [g["lo"][a] - 0.05 * (g["hi"][a] - g["lo"][a]) for a in range(dim)]
    hi = [g["hi"][a] + 0.05 * (g["hi"][a] - g["lo"][a]) for a in range(dim)]
    pts = []
    for a in range(dim):
        others = [b for b in range(dim) if b != a]
        for c in range(nl if dim == 2 else nl * nl):
            fixed = [c] if dim == 2 else [c // nl, c % nl]
            for s in range(ns):
                p = [0.0] * dim
                p[a] = lo[a] + (hi[a] - lo[a]) * s / (ns - 1)
                for b, f in zip(others, fixed):
                    p[b] = lo[b] + (hi[b] - lo[b]) * f / (nl - 1)
                pts.append(p)
    return np.array(pts)


def _traces(model, X) -> tuple[list, list]:
    """(posts, pres) per representation: input, hidden layers, output logits (output pre = post = logits)."""
    trace = forward(model, X)
    posts = [standardize(model, X).astype(float)] + [t.post.astype(float) for t in trace[:-1]] + \
        [trace[-1].pre.astype(float)]
    pres = [None] + [t.pre.astype(float) for t in trace[:-1]] + [None]
    return posts, pres


def _fidelity(view: V.View, H_fit, y_fit, H_show, y_show, full: float, n_classes: int) -> float:
    if view.native:
        return 1.0  # the drawing is the layer itself
    return display_fidelity(view(H_fit), y_fit, view(H_show), y_show, full, n_classes=n_classes,
                            max_iter=PROBE_ITER)


def _probes(H_fit, y_fit, H_show, y_show, n_classes: int):
    probe = fit_probe(H_fit, y_fit, n_classes=n_classes, max_iter=PROBE_ITER)
    return probe, float(np.mean(probe.predict(H_show) == y_show))


def _epoch_numbers(model, params, sets, n_classes: int, final=None, fidelity: bool = True) -> dict:
    """Probes, views and fidelities of one snapshot.

    sets : ((X_fit, y_fit), (X_show, y_show)); final : the last epoch's result, whose views this one is
    aligned to, and whose input numbers it shares (the input is the same at every epoch)
    """
    snap = replace(model, params=list(params))
    (Xf, yf), (Xs, ys) = sets
    posts_f, pres_f = _traces(snap, Xf)
    posts_s, pres_s = _traces(snap, Xs)
    probes, probe_acc = [], []
    for r, (Hf, Hs) in enumerate(zip(posts_f, posts_s)):
        if r == 0 and final is not None:
            p, acc = final["probes"][0], final["probe"][0]["post"]
        else:
            p, acc = _probes(Hf, yf, Hs, ys, n_classes)
        entry = {"post": acc}
        if pres_f[r] is not None:
            # an injective W makes z = h·W + b an affine copy of h: the same linear read-outs, the same probe
            entry["pre"] = probe_acc[r - 1]["post"] if _injective(snap, r) else \
                _probes(pres_f[r], yf, pres_s[r], ys, n_classes)[1]
        probes.append(p)
        probe_acc.append(entry)
    views, fid = {}, {}
    for kind in V.KINDS:
        if final is None:
            vs = V.chain_views(kind, posts_f, yf, probes)
        else:  # aligned to the final epoch's drawing of the same points; the input's drawing is the final one
            targets = [final["views"][kind][r](H) for r, H in enumerate(final["posts_f"])]
            vs = [final["views"][kind][0]] + [V.align_to(V.make_view(kind, Hf, yf, p), Hf, T) for Hf, p, T in
                                              list(zip(posts_f, probes, targets))[1:]]
        views[kind] = vs
        fid[kind] = []
        for r, v in enumerate(vs):
            if r == 0 and final is not None:
                fid[kind].append(final["fidelity"][kind][0])
                continue
            f = {}
            for part, Hf, Hs in (("post", posts_f[r], posts_s[r]), ("pre", pres_f[r], pres_s[r])):
                if Hf is not None:
                    f[part] = _fidelity(v, Hf, yf, Hs, ys, probe_acc[r][part], n_classes) if fidelity else None
            fid[kind].append(f)
    return {"probes": probes, "probe": probe_acc, "views": views, "fidelity": fid, "posts_s": posts_s,
            "pres_s": pres_s, "posts_f": posts_f, "params": params}


def _injective(model, r: int) -> bool:
    """Layer r's pre-activation is an injective affine image of its input (so a linear probe reads the same)."""
    W = np.asarray(model.params[r - 1][0], float)
    return W.shape[0] <= W.shape[1] and np.linalg.matrix_rank(W) == W.shape[0]


def _boxes(e: dict) -> dict:
    """One epoch's fixed axis box (centre, half-width) per kind and representation, over every stage drawn.

    The box is fixed while the stage and layer sliders move; each epoch has its own, so that the small
    weights at the start of training do not show as a dot (the caption says the box's size in the
    layer's units, so growth stays visible).
    """
    out = {}
    for kind in V.KINDS:
        per_rep = []
        for r, post in enumerate(e["posts_s"]):
            v = e["views"][kind][r]
            drawn = [v(post)]
            if e["pres_s"][r] is not None:  # (W alone, before +b, may leave the box: it is a passing stage)
                drawn.append(v(e["pres_s"][r]))
            P = np.concatenate(drawn)
            lo, hi = np.quantile(P, 0.003, axis=0), np.quantile(P, 0.997, axis=0)
            centre = (lo + hi) / 2
            half = float(np.max(hi - lo) / 2) or 1.0
            per_rep.append({"c": np.pad(centre, (0, 3 - len(centre))).tolist(), "s": half * 1.08})
        out[kind] = per_rep
    return out


def _view_json(v: V.View):
    return None if v.native else {"mean": encode.array(v.mean, "f64"), "basis": encode.array(v.basis, "f64")}


def _epoch_json(e: dict, epoch: int, shown: dict | None) -> dict:
    probe = [dict(p) for p in e["probe"]]
    if shown:  # metrics.json's numbers (every point) for the post-activations where it has them
        for r, acc in shown.items():
            probe[r]["post_shown"] = acc
    return {"epoch": epoch,
            "params": [{"W": encode.array(W, "f32"), "b": encode.array(b, "f32")} for W, b in e["params"]],
            "views": {k: [_view_json(v) for v in e["views"][k]] for k in V.KINDS}, "boxes": _boxes(e),
            "probe": probe, "fidelity": e["fidelity"]}


def _shown_numbers(metrics: dict | None, epoch: int, is_final: bool, n_reps: int) -> dict:
    metrics = metrics or {}
    if is_final and len(metrics.get("layers") or []) == n_reps:
        return {r: float(entry["probe_accuracy"]) for r, entry in enumerate(metrics["layers"])}
    table = metrics.get("layer_epochs") or {}
    if epoch in (table.get("epochs") or []) and len(table.get("probe_accuracy") or []) == n_reps:
        j = table["epochs"].index(epoch)
        return {r: float(row[j]) for r, row in enumerate(table["probe_accuracy"])}
    return {}


def common(model, ds, *, max_points: int, rng) -> tuple[dict, tuple, np.ndarray]:
    """The parts every page has (classes, points, wording), the fit and display sets, and display indices."""
    gen = np.random.default_rng(rng)
    show = display_points(ds, max_points, rng=gen)
    fit = stratified_subset(ds.y_train, FIT_POINTS, rng=gen)
    image_shape = ds.meta.get("image_shape") if ds.meta.get("kind") == "digits" else None
    entry, Xs = encode.inputs(ds.X_test[show], ds.meta.get("value_range", [0, 1]) if image_shape else None)
    ys = ds.y_test[show]
    data = {"version": 1, "kind": ds.meta.get("kind") or "table", "texts": texts(ds, model, steps=is_step_model(model)),
            "classes": {"names": list(ds.class_names), "colors": list(ds.class_colors)},
            "points": {**entry, "n": int(len(show)), "d": int(ds.n_features), "y": encode.array(ys, "u8")},
            "image_shape": image_shape, "feature_names": ds.meta.get("feature_names")}
    if ds.n_features in (2, 3):
        X = ds.X
        data["grid"] = {"lo": X.min(axis=0).tolist(), "hi": X.max(axis=0).tolist(),
                        "lines": 13 if ds.n_features == 2 else 4, "steps": 60 if ds.n_features == 2 else 40}
    if cubeparts.is_cube(ds):
        data["cube"] = {"stickers": encode.array(cubeparts.sticker_geometry(), "i8"),
                        "sticker_classes": encode.array(cubeparts.sticker_classes(ds), "u8"),
                        "slots": encode.array(cubeparts.sticker_slots(Xs), "u8"),
                        "scramble": ds.meta.get("scramble") or "", "inverse": ds.meta.get("inverse") or ""}
    sets = ((ds.X_train[fit], ds.y_train[fit]), (Xs, ys))
    return data, sets, show


def mlp_data(model, ds, *, snapshots=(), metrics: dict | None = None, max_points: int = DISPLAY_POINTS,
             max_epochs: int = MAX_EPOCHS, fidelity: bool = True, rng=0) -> dict:
    """Everything the explorer page needs for an MLP, as a JSON-ready dict (see ``cubenet.viz.explorer.explorer_data``)."""
    check_max_points(max_points)

    check_pair(model, ds, "the explorer")
    data, sets, _ = common(model, ds, max_points=max_points, rng=rng)
    chosen = pick_epochs(model, snapshots, metrics, max_epochs)
    k = ds.n_classes
    final = _epoch_numbers(model, chosen[-1][1], sets, k, fidelity=fidelity)
    tasks = [partial(_epoch_numbers, model, p, sets, k, final, fidelity=fidelity) for _, p in chosen[:-1]]
    earlier = [e for _, e in sorted(in_two(tasks), key=lambda pair: pair[0])]  # two processes on two cores
    epochs = earlier + [final]
    names = layer_names(model.n_layers)
    data["model"] = {"type": "mlp", "sizes": list(model.sizes), "activations": list(model.activations),
                     "input_mean": None if model.input_mean is None else encode.array(model.input_mean, "f64"),
                     "input_scale": None if model.input_scale is None else encode.array(model.input_scale, "f64"),
                     "names": names}
    data["kinds"] = [{"id": kd, "name": V.KIND_NAMES[kd]} for kd in V.KINDS]
    data["epochs"] = [_epoch_json(e, ep, _shown_numbers(metrics, ep, j == len(chosen) - 1, len(names)))
                      for j, (e, (ep, _)) in enumerate(zip(epochs, chosen))]
    data["metrics"] = run_numbers(metrics, data["epochs"], names)
    if "cube" in data:
        data["cube"]["strip"] = _strip_json(cubeparts.strip(model, ds, final["probes"],
                                                            lambda X: _traces(model, X)[0], names,
                                                            lambda X: predict(model, X)))
    return data


def run_numbers(metrics: dict | None, epochs_json: list, names: list) -> dict:
    """The unscrambling curve and the layer × epoch heatmap: metrics.json's when it has them, else the page's own."""
    metrics = metrics or {}
    layers = metrics.get("layers") or []
    curve = [float(entry["probe_accuracy"]) for entry in layers] if len(layers) == len(names) else \
        [p.get("post_shown", p["post"]) for p in epochs_json[-1]["probe"]]
    table = metrics.get("layer_epochs") or {}
    if not (table.get("epochs") and len(table.get("probe_accuracy") or []) == len(names)):
        table = {"epochs": [e["epoch"] for e in epochs_json], "layers": names,
                 "probe_accuracy": [[e["probe"][r]["post"] for e in epochs_json] for r in range(len(names))],
                 "points": {"train": FIT_POINTS, "test": None}}
    return {"names": names, "curve": curve, "network_accuracy": metrics.get("test_accuracy"),
            "layer_epochs": {"epochs": [int(e) for e in table["epochs"]], "probe_accuracy": table["probe_accuracy"],
                             "points": table.get("points")}}


def _strip_json(strip: dict) -> dict:
    out = {"resolution": strip["resolution"], "corners": encode.array(strip["corners"], "u8"),
           "truth": encode.array(strip["truth"], "u8"), "note": strip["note"],
           "layers": [{"name": la["name"], "labels": encode.array(la["labels"], "u8"), "score": la["score"]}
                      for la in strip["layers"]]}
    if "predicted" in strip:
        out["predicted"] = encode.array(strip["predicted"], "u8")
        out["predicted_score"] = strip["predicted_score"]
    return out


def check_data_size(data_json: str, limit: int) -> None:
    if len(data_json) > limit:
        raise CubenetError(f"the explorer's data would be {len(data_json):,} bytes (limit {limit:,}); "
                           "draw fewer points (max_points)")
