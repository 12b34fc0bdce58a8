"""Cube pieces of the explorer: which sticker each point sits on, the sticker cube, and the cube read by each layer.

"The cube, read by each layer": the cube's surface is cut into small cells; every cell centre is pushed
through the network and each layer's linear probe (fitted on that layer's training representation)
names a colour for it. The surface score of a layer is the share of cells whose colour is right.
"""

from __future__ import annotations

import numpy as np

from cubenet.data.cube import FACES, facelets, sticker_centers
from cubenet.viz.cube_prediction import surface_cells, true_surface_labels

#: cells per face edge in the strip (4 × 4 per sticker)
RESOLUTION = 12
SURFACE_NOTE = ("Surface score: the share of a regular grid of cells on the cube, judged at each cell's centre "
                "without noise; test accuracy: the share of the held-out points, sampled at random (with the "
                "data's noise) — the same area measured two ways, so they differ by sampling, noise and the "
                "cells that straddle a sticker border.")


def is_cube(ds) -> bool:
    return ds.meta.get("kind") == "cube" and ds.n_features == 3


def sticker_slots(X) -> np.ndarray:
    """For each point (n, 3) in cube coordinates, the facelet slot 0..53 (URFDLB order) it lies on."""
    centers, _ = sticker_centers()
    X = np.asarray(X, float)
    d2 = (X ** 2).sum(axis=1)[:, None] - 2 * X @ centers.T + (centers ** 2).sum(axis=1)[None, :]
    return np.argmin(d2, axis=1).astype(np.uint8)


def sticker_classes(ds) -> np.ndarray:
    """Class index (0..5) of each of the 54 slots of the scrambled cube."""
    state = ds.meta.get("facelets") or facelets(ds.meta.get("scramble", "") or "")
    return np.array([FACES.index(c) for c in state], dtype=np.uint8)


def surface_grid(resolution: int = RESOLUTION) -> dict:
    """Cells of the cube surface: centres (m, 3) and corners as integers (m, 4, 3) on a grid of step 3/resolution."""
    cells = surface_cells(resolution)
    corners = np.rint((cells["corners"] + 1.5) * resolution / 3).astype(np.uint8)
    return {"centers": cells["centers"], "corners": corners, "resolution": resolution}


def true_cells(centers, ds) -> np.ndarray:
    return true_surface_labels(centers, ds).astype(np.uint8)


def strip(model, ds, probes, reps_of, names, predict) -> dict:
    """Colour of every surface cell as read by each layer's probe, and the network's own answer.

    probes : one fitted Probe per representation (input, hidden layers, output)
    reps_of : function X -> list of representations (as fitted by the probes)
    predict : function X -> labels (the network's answer), or None when it is not known
    """
    grid = surface_grid()
    truth = true_cells(grid["centers"], ds)
    reps = reps_of(grid["centers"])
    layers = []
    for name, probe, H in zip(names, probes, reps):
        labels = probe.predict(H).astype(np.uint8)
        layers.append({"name": name, "labels": labels, "score": float(np.mean(labels == truth))})
    out = {"resolution": grid["resolution"], "corners": grid["corners"], "truth": truth, "layers": layers,
           "note": SURFACE_NOTE}
    if predict is not None:
        pred = np.asarray(predict(grid["centers"])).astype(np.uint8)
        out["predicted"] = pred
        out["predicted_score"] = float(np.mean(pred == truth))
    return out


def sticker_geometry() -> np.ndarray:
    """The 54 sticker centres × 2 (integers, URFDLB order)."""
    centers, _ = sticker_centers()
    return np.rint(2 * centers).astype(np.int8)
