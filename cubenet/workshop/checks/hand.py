"""Checks of the "weights by hand" puzzles: the learner's W and b on hidden 2-D points the checker generates.

Nothing may be fitted (``NO_FITTING``); answers are module-level arrays. Each check draws a
"yours vs target" picture into the workspace.
"""

from __future__ import annotations

import numpy as np

from cubenet.workshop.checks import NO_FITTING, puzzle_check
from cubenet.workshop.checks.base import (
    Fail,
    Passed,
    count_params,
    expect_array,
    expect_finite,
    expect_params,
    relu_forward,
)
from cubenet.workshop.datasets import ANGLE_DEG, V_SLOPE, V_TIP, rotated_band, rotation2d, v_set, xor_set
from cubenet.workshop.figures import planar_panels, region_panels

HIDDEN_SEEDS = (101, 202, 303)  #: the checker's held-out samples (the statement's picture uses seed 0)


# ---------------------------------------------------------------- rotate it back

@puzzle_check(
    "rotate-back",
    expects={"W": "an array W of shape (2, 2), dtype float64", "b": "an array b of shape (2,), dtype float64"},
    forbid_modules=NO_FITTING,
)
def check_rotate_back(learner, ctx):
    W = expect_finite(expect_array(learner.value("W"), "W", shape=(2, 2), dtype=np.float64), "W")
    b = expect_finite(expect_array(learner.value("b"), "b", shape=(2,), dtype=np.float64), "b")
    for seed in HIDDEN_SEEDS:
        X, target, y = rotated_band(400, rng=seed)
        yours = X @ W + b
        if not np.allclose(yours, target, atol=1e-6):
            ctx.picture(lambda X=X, yours=yours, target=target, y=y: _rotate_figure(X, yours, target, y))
            off = np.linalg.norm(yours - target, axis=1).mean()
            raise Fail(f"X·W + b puts the points on average {off:.3g} away from where they were before the "
                       f"scramble (they must land within 1e-6).{_rotate_diagnosis(W, yours - target)}",
                       details=("see feedback.png: input, yours, target",))
    ctx.picture(lambda: _rotate_figure(X, yours, target, y))
    return Passed("X·W + b puts every held-out point back exactly: one linear layer undid the move")


def _rotate_diagnosis(W: np.ndarray, residual: np.ndarray) -> str:
    R = rotation2d(ANGLE_DEG)
    if np.allclose(residual, residual.mean(axis=0), atol=1e-6):
        return (" The shape is right (W is right) but the set sits in the wrong place: b has to undo the shift, "
                "and the shift was added after the rotation.")
    if np.allclose(W, R.T, atol=1e-6):
        return " Your W turns the set by the scramble's rotation once more; with row vectors x·W turns the other way."
    if not np.allclose(W.T @ W, np.eye(2), atol=1e-6):
        return " Your W is not a rotation: it stretches or squeezes the set (a rotation has WᵀW = I)."
    return ""


def _rotate_figure(X, yours, target, y):
    return planar_panels([("the scrambled input X", X, y), ("yours: X·W + b", yours, y),
                          ("target: the solved set", target, y)],
                         title="Rotate it back: yours vs target")


# ---------------------------------------------------------------- fold the V flat

def best_line(H: np.ndarray, y: np.ndarray):
    """The line that separates the classes in H best (linear program with slack): (w, c, misclassified)."""
    from scipy.optimize import linprog  # (scipy's optimiser only to name the best line after a miss)

    n, k = H.shape
    s = np.where(y == 1, 1.0, -1.0)
    # variables: w (k), c, slack (n); minimise the total slack subject to s·(H·w + c) >= 1 - slack
    A = np.hstack([-s[:, None] * H, -s[:, None], -np.eye(n)])
    cost = np.concatenate([np.zeros(k + 1), np.ones(n)])
    bounds = [(None, None)] * (k + 1) + [(0, None)] * n
    res = linprog(cost, A_ub=A, b_ub=-np.ones(n), bounds=bounds, method="highs")
    if not res.success:
        return np.zeros(k), 0.0, n
    w, c = res.x[:k], res.x[k]
    wrong = int(np.sum(s * (H @ w + c) <= 0))
    return w, c, wrong


@puzzle_check(
    "fold",
    expects={"W": "an array W of shape (2, 2), dtype float64 (at most 2 units)",
             "b": "an array b of shape (2,), dtype float64"},
    forbid_modules=NO_FITTING,
)
def check_fold(learner, ctx):
    W = learner.value("W")
    if not (isinstance(W, np.ndarray) and W.ndim == 2 and W.shape[0] == 2):
        expect_array(W, "W", shape=(2, 2), dtype=np.float64)
    if W.shape[1] > 2:
        raise Fail(f"your layer has {W.shape[1]} units; this puzzle allows at most 2 (W of shape (2, 2)).",
                   kind="shape")
    W = expect_finite(expect_array(W, "W", shape=W.shape, dtype=np.float64), "W")
    b = expect_finite(expect_array(learner.value("b"), "b", shape=(W.shape[1],), dtype=np.float64), "b")
    X, y = v_set(600, rng=HIDDEN_SEEDS[0])
    H = np.maximum(X @ W + b, 0)
    w, c, wrong = best_line(H, y)
    ctx.picture(lambda: _fold_figure(X, y, W, b, H, w, c))
    if wrong:
        extra = " One unit folds the plane along one line only; the V has two sides." if W.shape[1] == 1 else ""
        raise Fail(f"after your layer relu(X·W + b) no straight line separates the two classes: the best line "
                   f"still gets {wrong} of {len(y)} held-out points wrong.{extra}",
                   details=("see feedback.png: your fold lines, and where the points land",))
    return Passed(f"relu(X·W + b) with {W.shape[1]} units makes the V linearly separable "
                  f"(all {len(y)} held-out points)")


def _fold_figure(X, y, W, b, H, w, c):
    Href = np.maximum(X @ FOLD_W + FOLD_B, 0)
    Hp = H if H.shape[1] == 2 else np.column_stack([H[:, 0], np.zeros(len(H))])
    lines_in = [(W[:, k], b[k]) for k in range(W.shape[1])]
    sep = [(np.resize(w, 2) if len(w) == 2 else np.array([w[0], 0.0]), c)] if np.any(w) else []
    return planar_panels([("input, with your fold lines (z = 0)", X, y, lines_in),
                          ("yours: relu(X·W + b) and the best line", Hp, y, sep),
                          ("target: one layer that works", Href, y, [(np.ones(2), -0.05)])],
                         title="Fold the V flat: yours vs target", same_axes=False,
                         labels=[("x₁", "x₂"), ("unit 1: h₁", "unit 2: h₂"), ("unit 1: h₁", "unit 2: h₂")])


#: a width-2 layer that works (used for the target panel of the feedback picture)
FOLD_W = np.array([[V_SLOPE, -V_SLOPE], [-1.0, -1.0]])
FOLD_B = np.array([V_TIP[1] - V_SLOPE * V_TIP[0], V_TIP[1] + V_SLOPE * V_TIP[0]])


# ---------------------------------------------------------------- the smallest XOR network

XOR_PAR = 12  #: 2 inputs -> 2 ReLU units -> 2 outputs


@puzzle_check(
    "xor",
    expects={"PARAMS": "a list of (W, b) pairs: [(W1, b1), (W2, b2)], float64, ReLU between them"},
    forbid_modules=NO_FITTING,
)
def check_xor(learner, ctx):
    params = expect_params(learner.value("PARAMS"), "PARAMS", n_in=2, n_out=2, dtype=np.float64)
    X, y = xor_set(800, rng=HIDDEN_SEEDS[1])
    X = np.concatenate([X, [[1, 1], [-1, -1], [1, -1], [-1, 1]]])
    y = np.concatenate([y, [0, 0, 1, 1]])

    def predict(P):
        return relu_forward(params, P).argmax(axis=1)

    acc = float(np.mean(predict(X) == y))
    ctx.picture(lambda: _xor_figure(X, y, predict))
    size = count_params(params)
    if acc < 1:
        why = (" A network without a hidden layer draws one straight line, and XOR needs more."
               if len(params) == 1 else
               " Every point is on the wrong side: your network is exactly inverted. Swap its two output columns."
               if acc == 0 else "")
        raise Fail(f"your network classifies {acc:.1%} of {len(y)} held-out XOR points correctly; it must get every "
                   f"one.{why}", details=("see feedback.png: your decision regions vs the target",))
    if size > XOR_PAR:
        raise Fail(f"your network gets XOR right with {size} parameters; the smallest one needs only {XOR_PAR}. "
                   f"How few hidden units can do it?")
    return Passed(f"XOR solved exactly with {size} parameters (2 hidden units: the fewest possible)", score=size,
                  par=XOR_PAR)


def _xor_figure(X, y, predict):
    return region_panels([("yours: your network's decision regions", predict),
                          ("target: XOR (signs differ)", lambda P: (P[:, 0] * P[:, 1] < 0).astype(int))],
                         X, y, title="The smallest XOR network: yours vs target")
