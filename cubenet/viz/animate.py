"""Animations: the forward pass staged layer by layer (W, +b, activation), and the last hidden layer during training.

Each layer ``h -> act(h·W + b)`` is shown in three stages, each ``frames_per_stage`` frames long:
the linear map interpolated from the identity to ``W``, then the bias ``t·b`` added, then the
activation blended in as ``(1−t)·z + t·act(z)``. A non-square ``W`` (fan_in → fan_out) is
embedded in ``D = max(fan_in, fan_out)`` dimensions (inputs padded with zeros, ``W`` padded with
zeros), so ``(1−t)·I + t·W`` is defined for every ``t`` and ends exactly at ``h·W``. Within a
layer the view is fixed: its own coordinates when ``D <= 3``, otherwise one PCA projection of the
whole stage sequence, aligned (orthogonal Procrustes) with the previous layer's last view.

Frames are rendered once (the static picture drawn once per stage, only the points re-drawn per
frame) into a :class:`~cubenet.viz.movie.Movie`, exported as a GIF and as an offline HTML player by
:mod:`cubenet.viz.movie` (``save_gif``, ``save_html`` and the rest are importable from here too).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.figure import Figure

from cubenet.activations import activation
from cubenet.errors import CubenetError
from cubenet.nn.network import forward, standardize
from cubenet.run.metrics import check_max_points, check_pair, probe_and_fidelity, representations
from cubenet.run.numbers import pick_snapshots  # animate.pick_snapshots is public too
from cubenet.validate import check_choice, check_int
from cubenet.viz import projection as proj
from cubenet.viz.movie import (  # noqa: F401  (the export functions stay importable from animate)
    HOW_TO_WATCH,
    PLAYER_CSS,
    PLAYER_END,
    PLAYER_START,
    Blitter,
    Movie,
    check_movie_settings,
    legend_columns,
    offline_player,
    save_gif,
    save_html,
    scatter_setup,
    set_points,
    to_html,
)
from cubenet.viz.panels import fidelity_points
from cubenet.viz.style import class_handles, data_title, layer_equation, style_axes, sub, subsample


@dataclass(frozen=True)
class Frame:
    """One state of the forward animation: which layer/stage, how far (t in 0..1), the points (n, D)."""

    layer: int
    stage: str  # "linear", "bias" or "activation"
    t: float
    H: np.ndarray


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    return activation(name, output=True).f(z)


def polar_factor(W) -> np.ndarray:
    """The isometry closest to ``W`` (fan_in, fan_out): ``U·Vᵀ`` from ``W = U·S·Vᵀ`` (orthonormal rows or columns)."""
    U, _, Vt = np.linalg.svd(np.asarray(W, dtype=float), full_matrices=False)
    return U @ Vt


def output_embedding(W, embed: str) -> np.ndarray:
    """``E`` (fan_out, D) of :func:`layer_frames`: where the layer's output sits among the frames' D dimensions."""
    W = np.asarray(W, dtype=float)
    fan_in, fan_out = W.shape
    if embed == "pad":
        return np.eye(fan_out, max(fan_in, fan_out))
    return np.eye(fan_out) if fan_in <= fan_out else polar_factor(W).T


def _embedding_kind(W) -> str:
    return "pad" if max(np.shape(W)) <= 3 else "polar"


def layer_frames(h, W, b, activation: str, *, layer: int, frames_per_stage: int = 10,
                 embed: str = "pad") -> tuple[list[Frame], np.ndarray]:
    """The states of one layer ``act(h·W + b)``, each in ``D = max(fan_in, fan_out)`` dimensions.

    Parameters
    ----------
    h : ndarray of shape (n, fan_in)
    W : ndarray of shape (fan_in, fan_out); b : ndarray of shape (fan_out,)
    activation : "relu", "tanh", "leaky_relu", "identity" or "softmax"
    embed : how the two spaces share D dimensions.
        ``"pad"``: both padded with zeros, the linear stage is ``h·((1−t)·I + t·W)`` — the layer's own
        coordinates, used when D <= 3 and the panels are drawn as they are.
        ``"polar"``: with ``Q`` the isometry closest to W (:func:`polar_factor`), the linear stage is
        ``h·((1−t)·Q + t·W)`` when fan_in <= fan_out (the input enters as an undistorted copy lying
        in W's image, then is stretched along W's singular directions), and ``h·((1−t)·I + t·W·Qᵀ)``
        otherwise (the output is an undistorted copy ``·Qᵀ`` inside the input space). Used for PCA views,
        where it keeps each stage in as few dimensions as W allows.

    Returns
    -------
    frames : list of Frame
        The start (t = 0), then ``frames_per_stage`` frames per stage, ``H`` of shape (n, D).
    E : ndarray of shape (fan_out, D)
        Isometric embedding of the layer's output: the last frame equals ``act(h·W + b) @ E``.
    """
    check_choice("embed", embed, ("pad", "polar"))
    check_int("frames_per_stage", frames_per_stage, minimum=1)
    h, W, b = np.asarray(h, dtype=float), np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    fan_in, fan_out = W.shape
    D = max(fan_in, fan_out)
    pad_in = np.eye(fan_in, D)
    E = output_embedding(W, embed)
    if embed == "pad":
        start, end = np.eye(D), np.pad(W, ((0, D - fan_in), (0, D - fan_out)))
    elif fan_in <= fan_out:
        start, end = polar_factor(W), W
    else:
        start, end = np.eye(fan_in), W @ E
    hp = h @ pad_in if embed == "pad" or fan_in > fan_out else h
    ts = np.linspace(0, 1, frames_per_stage + 1)[1:]
    z = h @ W + b
    az = _activate(activation, z)
    frames = [Frame(layer, "linear", 0.0, hp @ start)]
    frames += [Frame(layer, "linear", t, hp @ ((1 - t) * start + t * end)) for t in ts]
    frames += [Frame(layer, "bias", t, (h @ W + t * b) @ E) for t in ts]
    frames += [Frame(layer, "activation", t, ((1 - t) * z + t * az) @ E) for t in ts]
    return frames, E


def forward_frames(model, X, *, frames_per_stage: int = 10) -> list[list[Frame]]:
    """States of every layer for raw inputs ``X`` (n, n_in): one list per layer, as :func:`layer_frames`.

    Layers whose D = max(fan_in, fan_out) is at most 3 use their own coordinates ("pad"); wider
    layers the "polar" embedding that suits a PCA view.
    """
    h = standardize(model, X)
    out = []
    for i, (W, b) in enumerate(model.params, start=1):
        act = model.activations[i - 1] if i < model.n_layers else "softmax"
        frames, _ = layer_frames(h, W, b, act, layer=i, frames_per_stage=frames_per_stage, embed=_embedding_kind(W))
        out.append(frames)
        h = _activate(act, h @ np.asarray(W, float) + np.asarray(b, float))
    return out


def layer_views(per_layer: list[list[Frame]]) -> list[proj.Projection]:
    """One fixed view per layer; wide layers aligned so each layer starts where the previous one ended."""
    views, previous = [], None
    for frames in per_layer:
        D = frames[0].H.shape[1]
        if D <= 3:
            view = proj.identity(D)
        else:
            stops = np.concatenate([frames[0].H] + [f.H for f in frames if f.t == 1.0])
            view = proj.pca(stops, 2)
            if previous is not None:
                view = proj.align(view, frames[0].H, previous)
        previous = view(frames[-1].H)
        views.append(view)
    return views


def stage_caption(model, layer: int, stage: str) -> str:
    """What a stage of layer ``layer`` does, e.g. ``step 3 of 3: ReLU folds negatives to 0 — (1−t)·z + t·relu(z)``."""
    i = layer
    if stage == "start":
        return f"start: the points as they enter layer {i} (h{sub(i - 1)})"
    if stage == "result":
        return "the result, zoomed in: " + ("the class probabilities, in the view above" if i == model.n_layers
                                            else f"h{sub(i)}")
    if stage == "linear":
        return f"step 1 of 3: the linear map W{sub(i)} comes in (t = 0: unchanged, t = 1: multiplied by W{sub(i)})"
    if stage == "bias":
        return f"step 2 of 3: shift by the bias, + t·b{sub(i)}"
    act = model.activations[i - 1] if i < model.n_layers else "softmax"
    return f"step 3 of 3: {activation(act, output=True).caption}"


def _limits(P: np.ndarray, margin: float = 0.06) -> list[tuple[float, float]]:
    lo, hi = P.min(axis=0), P.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    return [(float(a), float(b)) for a, b in zip(lo - pad, hi + pad)]


def _set_limits(ax, P: np.ndarray) -> None:
    lims = _limits(P) + [(-1.3, 1.3)]  # the extra pair serves a 1-D layer's jitter axis
    ax.set(xlim=lims[0], ylim=lims[1])
    if hasattr(ax, "zaxis"):
        ax.set_zlim(lims[2])




def _view_labels(view: proj.Projection) -> tuple[str, ...]:
    if not view.native:
        return ("aligned PC 1", "aligned PC 2")
    return tuple(f"unit {j + 1}" for j in range(view.k)) if view.k > 1 else ("unit 1", "(jitter)")


def forward_movie(model, ds, *, max_points: int = 800, frames_per_stage: int = 10, hold: int = 3, zoom: int = 8,
                  fps: int = 12, dpi: int = 80, rng=0) -> Movie:
    """The staged forward pass of (a subset of) the test points, rendered frame by frame.

    Parameters
    ----------
    model : Model; ds : Dataset
    max_points : points drawn (a random subset of the test set)
    frames_per_stage : frames per stage (W, +b, activation)
    hold : extra still frames at the end of every layer
    zoom : still frames of the result in its own axes at the end (softmax squeezes the scores into
        0..1, a dot in the output layer's fixed axes). The movie has
        ``n_layers · (3·frames_per_stage + 1 + hold) + zoom`` frames.
    """
    check_pair(model, ds, "forward_movie")
    check_max_points(max_points)
    check_movie_settings(fps=fps, dpi=dpi, hold=hold)

    keep = subsample(ds.y_test, max_points, rng=rng)
    y = ds.y_test[keep]
    per_layer = forward_frames(model, ds.X_test[keep], frames_per_stage=frames_per_stage)
    order = np.random.default_rng(rng).permutation(len(y))  # no class drawn on top of all others
    colors = np.asarray(ds.class_colors)[y[order]]
    jitter = np.random.default_rng(1).uniform(-1, 1, len(y))
    fig = Figure(figsize=(6.4, 6.2), dpi=dpi, layout="constrained")
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=legend_columns(ds.n_classes), fontsize=8)
    caption = fig.suptitle("\n", fontsize=10)
    counter = fig.text(0.985, 0.015, "", ha="right", va="bottom", fontsize=10, family="monospace", animated=True)
    views = layer_views(per_layer)
    fidelity = result_fidelities(model, ds, views)
    panels = [_scene_panel(fig, model, scene, colors, label=f"scene {k}", fidelity=fidelity[scene[0] - 1])
              for k, scene in enumerate(_forward_scenes(per_layer, views, order, hold, zoom))]
    blit = Blitter(fig, sum(len(p[4]) for p in panels))
    for panel in panels:
        _play_scene(blit, panel, panels, per_layer, model, caption, counter, jitter,
                    title=data_title(ds, max_chars=54))
    return blit.movie(fps, f"{data_title(ds)}: the forward pass, layer by layer")


def _forward_scenes(per_layer, views, order, hold: int, zoom: int) -> list[tuple]:
    """One scene per layer, then the zoom on the result: (layer, coords, extent, steps, view, note) each, where
    ``steps`` are (stage, frame index) pairs and ``extent`` the coordinates the axes limits must hold."""
    scenes = []
    for i, (frames, view) in enumerate(zip(per_layer, views), start=1):
        coords = [view(f.H)[order] for f in frames]
        steps = [("start", 0)] + [(f.stage, j) for j, f in enumerate(frames) if j] + [("activation", -1)] * hold
        scenes.append((i, coords, coords, steps, view, "axes fixed for this layer"))
    if zoom:
        i, coords, _, _, view, _ = scenes[-1]
        scenes.append((i, coords, coords[-1:], [("result", -1)] * zoom, view, "zoomed in on the result"))
    return scenes


def result_fidelities(model, ds, views) -> list[float]:
    """Display fidelity of each layer's fixed view, for the layer's result ``act(h·W + b)``: a linear probe on
    the coordinates the view draws ÷ a probe on the whole result (fitted on the figures' fidelity points,
    scored on every test point)."""
    tr = fidelity_points(ds)
    y_tr, y_te = ds.y_train[tr], ds.y_test
    out = []
    for i, (a, b, view) in enumerate(zip(forward(model, ds.X_train[tr]), forward(model, ds.X_test), views), start=1):
        H_tr, H_te = np.asarray(a.post, float), np.asarray(b.post, float)  # the output's post: class probabilities
        if view.native and view.k >= H_tr.shape[1]:
            out.append(1.0)
            continue
        E = output_embedding(model.params[i - 1][0], _embedding_kind(model.params[i - 1][0]))
        out.append(probe_and_fidelity(lambda H, E=E, view=view: view(H @ E), H_tr, y_tr, H_te, y_te,
                                      n_classes=ds.n_classes)[1])
    return out


def _scene_panel(fig, model, scene: tuple, colors, *, label: str, fidelity: float) -> tuple:
    """The axes of one scene, titled and limited, with its animated scatter: (layer, ax, scatter, coords, steps)."""
    i, coords, extent, steps, view, note = scene
    ax = fig.add_subplot(projection="3d" if view.k == 3 else None, label=label)
    _set_limits(ax, np.concatenate(extent))
    style_axes(ax, labels=_view_labels(view))
    ax.set_title(f"{layer_equation(model, i, 'post')}\n{_view_caption(view, i, note, model.params[i - 1][0].shape)}"
                 f"\ndisplay fidelity of the result: {fidelity:.0%}", fontsize=9)
    return i, ax, scatter_setup(ax, colors, len(colors)), coords, steps


def _play_scene(blit, panel, panels, per_layer, model, caption, counter, jitter, *, title: str) -> None:
    """Grab every frame of one scene (only its axes shown; a new background whenever the stage changes)."""
    i, ax, scatter, coords, steps = panel
    for p in panels:
        p[1].set_visible(p[1] is ax)
    frames = per_layer[i - 1]
    for j, (stage, idx) in enumerate(steps):
        if j == 0 or stage != steps[j - 1][0]:
            text = stage_caption(model, i, stage)
            caption.set_text(f"{title} — layer {i} of {len(per_layer)}\n{text}")
            blit.new_scene()
        set_points(scatter, coords[idx], jitter)
        t = "" if stage in ("start", "result") else f"t = {frames[idx].t:.2f}"
        counter.set_text(t)
        blit.grab(f"layer {i}: {text}" + (f", {t}" if t else ""), scatter, counter)


def _view_caption(view: proj.Projection, layer: int, note: str, sizes=None) -> str:
    """The view of one layer's scene; ``sizes`` (fan_in, fan_out) says when the narrower side was zero-padded."""
    if view.native:
        return f"own coordinates ({view.n_dims}-D; {note})"
    space = f"{view.n_dims}-D"
    if sizes is not None and sizes[0] != sizes[1]:
        space += f" ({sizes[0]} → {sizes[1]}, zero-padded)"
    return f"PCA of {space}, keeps {view.variance_kept:.0%} of the variance; {note}"


def training_movie(model, ds, snapshots, *, history=None, layer_epochs=None, max_points: int = 800,
                   max_snapshots: int = 12, tween: int = 4, hold: int = 3, fps: int = 8, dpi: int = 80,
                   rng=0) -> Movie:
    """The last hidden layer's view of the test points at the saved snapshots, rendered frame by frame.

    Each snapshot's representation is projected (PCA aligned to the previous snapshot; own
    coordinates for widths <= 3) and rescaled to a common spread; ``tween`` frames blend linearly
    between consecutive snapshots and ``hold`` frames rest on each.
    """
    check_pair(model, ds, "training_movie")
    check_max_points(max_points)
    check_movie_settings(fps=fps, dpi=dpi, hold=hold)

    if not snapshots:
        raise CubenetError("the run has no parameter snapshots; train again to get a training animation")
    keep = subsample(ds.y_test, max_points, rng=rng)
    y = ds.y_test[keep]
    depth = model.n_layers - 1  # the last hidden layer (0 = the input when there is none)
    coords, epochs, views = snapshot_views(model, ds.X_test[keep], snapshots, depth, max_snapshots=max_snapshots)
    view = views[-1]
    fidelity = snapshot_fidelities(model, ds, [snapshots[s] for s in pick_snapshots(len(snapshots), max_snapshots)],
                                   depth, views)
    name = f"layer {depth}" if depth else "input"
    fig = Figure(figsize=(6.2, 6.0), dpi=dpi, layout="constrained")
    ax = fig.add_subplot(projection="3d" if view.k == 3 else None)
    _set_limits(ax, np.concatenate(coords))
    style_axes(ax, labels=_view_labels(view))
    ax.set_title(f"{name} ({view.n_dims} wide) during training\n"
                 f"{'own coordinates' if view.native else 'aligned PCA'}, each frame rescaled to equal spread",
                 fontsize=9)
    fig.legend(handles=class_handles(ds.class_names, ds.class_colors), loc="outside lower center",
               ncols=legend_columns(ds.n_classes), fontsize=8)
    scatter = scatter_setup(ax, np.asarray(ds.class_colors)[y], len(y))
    caption = fig.suptitle(" \n ", fontsize=11, animated=True)  # two lines: the numbers, the fidelity
    schedule = _blend_schedule(len(coords), hold=hold, tween=tween)
    acc, probe = _accuracy_by_epoch(history), _probe_by_epoch(layer_epochs, name)
    jitter = np.random.default_rng(1).uniform(-1, 1, len(y))
    blit = Blitter(fig, len(schedule))
    blit.new_scene()
    for a, b, t in schedule:
        set_points(scatter, (1 - t) * coords[a] + t * coords[b], jitter)
        e = epochs[a if t < 0.5 else b]
        extra = ([f"test accuracy {acc[e]:.1%}"] if e in acc else []) + \
                ([f"probe on {name}: {probe[e]:.1%}"] if e in probe else [])
        caption.set_text(" · ".join([f"epoch {e}"] + extra) + f"\ndisplay fidelity of this view: {fidelity[e]:.0%}")
        blit.grab(caption.get_text(), scatter, caption)
    return blit.movie(fps, f"{data_title(ds)}: {name} while the network trains")


def snapshot_fidelities(model, ds, snapshots, depth: int, views) -> dict:
    """Display fidelity of each snapshot's view of representation ``depth``, by epoch: a linear probe on the
    drawn coordinates ÷ a probe on the whole representation (the figures' fidelity points, every test point)."""
    tr = fidelity_points(ds)
    y_tr, y_te = ds.y_train[tr], ds.y_test
    out = {}
    for (epoch, params), view in zip(snapshots, views):
        snap = replace(model, params=list(params))
        H_tr, H_te = representations(snap, ds.X_train[tr])[depth], representations(snap, ds.X_test)[depth]
        if view.native:
            out[int(epoch)] = 1.0
            continue
        out[int(epoch)] = probe_and_fidelity(view, H_tr, y_tr, H_te, y_te, n_classes=ds.n_classes)[1]
    return out


def snapshot_views(model, X, snapshots, depth: int, *, max_snapshots: int = 12):
    """The points ``X`` at ``depth`` at each picked snapshot, each view aligned to the previous one and rescaled
    to unit spread: (coords per snapshot, their epochs, the view of each)."""
    coords, previous, epochs, views = [], None, [], []
    for s in pick_snapshots(len(snapshots), max_snapshots):
        epoch, params = snapshots[s]
        H = representations(replace(model, params=list(params)), X)[depth]
        view = proj.view(H, previous=previous)
        P = view(H) - view(H).mean(axis=0)
        P = P / max(float(np.sqrt((P ** 2).sum(axis=1).mean())), 1e-12)
        previous = P
        coords.append(P)
        epochs.append(int(epoch))
        views.append(view)
    return coords, epochs, views


def _blend_schedule(n: int, *, hold: int, tween: int) -> list[tuple[int, int, float]]:
    """Frames as (from, to, t): ``hold`` frames on each of ``n`` snapshots, ``tween`` blends between neighbours."""
    schedule = []
    for j in range(n):
        schedule += [(j, j, 0.0)] * hold
        if j + 1 < n:
            schedule += [(j, j + 1, t) for t in np.linspace(0, 1, tween + 2)[1:-1]]
    return schedule


def _accuracy_by_epoch(history) -> dict:
    if history is None:
        return {}
    return {int(e): float(a) for e, a in zip(history.epochs, history.test_accuracy)}


def _probe_by_epoch(layer_epochs, name: str) -> dict:
    if not layer_epochs or name not in layer_epochs.get("layers", []):
        return {}
    row = layer_epochs["probe_accuracy"][layer_epochs["layers"].index(name)]
    return dict(zip(layer_epochs["epochs"], row))
