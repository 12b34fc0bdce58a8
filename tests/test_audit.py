"""Regression tests written as the attacks of the hostile audit (issue #18) and the newcomer's walk (#17).

Each test reproduces one attack as it was reported and asserts the designed answer: a refusal with one
clear line, a warning, or an honest number.
"""

import json
import os
import zipfile

import numpy as np
import pytest

from cubenet.data.dataset import Dataset, default_colors
from cubenet.errors import CubenetError
from cubenet.nn.train import TrainConfig, train


def _dataset(X, y, n_classes=2, meta=None):
    X, y = np.asarray(X, float), np.asarray(y, np.int64)
    return Dataset(X, y, X.copy(), y.copy(), tuple(f"c{i}" for i in range(n_classes)), default_colors(n_classes),
                   dict(meta or {"generator": "t", "kind": "table"}))


# --- Wrong results reported as right: ties count as correct ------------------------------------------

def test_a_constant_predictor_is_not_scored_as_always_right():
    """Zero weights give every class the same logit: the audit saw 100 % for it (``zy >= 0``)."""
    from cubenet.nn.network import Model, init_params

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (np.arange(400) % 4 == 0).astype(int)  # a quarter class 1
    params = [(np.zeros_like(W), np.zeros_like(b)) for W, b in init_params((2, 4, 2), rng=0)]
    model = Model(params, ("relu",), None, None, ("c0", "c1"))
    _, history = train(model, _dataset(X, y), TrainConfig(epochs=1, lr=1e-9, schedule="constant"), rng=0)
    assert history.train_accuracy[0] == pytest.approx(0.75)  # argmax of a tie is class 0, as predict says


def test_duplicated_points_with_two_labels_do_not_reach_a_target_accuracy(cli, tmp_path):
    """The audit's CSV of duplicated points with two labels 'reached the target 97 % at epoch 1' at 50 %."""
    csv = tmp_path / "dup.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"1.5,-2,{c}\n" for c in "ab" * 100))
    r = cli("learn", csv, "--hidden", "4", "--epochs", "3", "--target-accuracy", "0.97", "--no-render",
            "-o", tmp_path / "run")
    assert r.exit_code == 0, r.output
    history = (tmp_path / "run" / "history.csv").read_text().splitlines()[1:]
    assert all(float(row.split(",")[2]) <= 0.5 for row in history), history
    assert "reached the target" not in r.output
