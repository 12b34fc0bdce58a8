"""Checks of the "implement it" puzzles: property tests over seeds and shapes against small numpy references.

Exact shapes and dtypes are required (float32 in, float32 out); gradients are compared with central
differences; nothing may come from ``cubenet.nn`` (``NO_ANSWER_KEY``).
"""

from __future__ import annotations

import numpy as np

from cubenet.workshop.checks import NO_ANSWER_KEY, puzzle_check
from cubenet.workshop.checks.base import Fail, Passed, count, expect_array, expect_int, got, show, worst_entry

TOLERANCE = {np.dtype(np.float32): (1e-4, 1e-5), np.dtype(np.float64): (1e-9, 1e-11)}  # rtol, atol


def random_params(sizes, *, rng, dtype=np.float64, scale: float = 1.0) -> list:
    rng = np.random.default_rng(rng)
    return [((rng.standard_normal((a, b)) * scale / np.sqrt(a)).astype(dtype),
             (rng.standard_normal(b) * 0.3).astype(dtype)) for a, b in zip(sizes[:-1], sizes[1:])]


def copy_params(params) -> list:
    return [(W.copy(), b.copy()) for W, b in params]


def same_params(a, b) -> bool:
    return all(np.array_equal(W1, W2) and np.array_equal(b1, b2) for (W1, b1), (W2, b2) in zip(a, b))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def reference_forward(params, X) -> tuple[list, list]:
    """(pre-activations, post-activations) per layer in float64: ReLU hidden layers, softmax output."""
    h = np.asarray(X, dtype=np.float64)
    pre, post = [], []
    for i, (W, b) in enumerate(params):
        z = h @ W.astype(np.float64) + b.astype(np.float64)
        h = np.maximum(z, 0) if i < len(params) - 1 else softmax(z)
        pre.append(z)
        post.append(h)
    return pre, post


def reference_loss(params, X, y) -> float:
    P = reference_forward(params, X)[1][-1]
    return float(-np.mean(np.log(P[np.arange(len(y)), y])))


def kink_free_inputs(params, n: int, *, rng, margin: float = 1e-3) -> np.ndarray:
    """Inputs whose hidden pre-activations all stay at least ``margin`` away from ReLU's kink."""
    rng = np.random.default_rng(rng)
    rows = []
    while len(rows) < n:
        x = rng.standard_normal((1, params[0][0].shape[0]))
        pre = reference_forward(params, x)[0][:-1]
        if all(np.abs(z).min() > margin for z in pre):
            rows.append(x[0])
    return np.array(rows)


def expect_layers(value, what: str, params, n: int, dtype) -> list:
    """A list with one (n, fan_out) array of ``dtype`` per layer."""
    if not isinstance(value, (list, tuple)):
        raise Fail(f"{what} should return a list with one array per layer, but returned {got(value, with_type=False)}.", kind="shape")
    if len(value) != len(params):
        raise Fail(f"{what} returned {len(value)} arrays; the network has {len(params)} layers, one array each.",
                   kind="shape")
    return [expect_array(h, f"layer {i + 1} of {what}", shape=(n, W.shape[1]), dtype=dtype)
            for i, (h, (W, _)) in enumerate(zip(value, params))]


# ---------------------------------------------------------------- the forward pass

FORWARD_CASES = [((3, 2), 5), ((2, 8, 3), 7), ((5, 4, 4, 2), 1), ((1, 6, 6, 6, 4), 33), ((4, 3, 5), 16)]


@puzzle_check(
    "dense-forward",
    expects={"forward": "a function forward(params, X) -> list of arrays, one per layer"},
    forbid_modules=NO_ANSWER_KEY,
)
def check_forward(learner, ctx):
    k = 0
    for dtype in (np.float64, np.float32):
        for sizes, n in FORWARD_CASES:
            k += 1
            params = random_params(sizes, rng=k, dtype=dtype)
            X = np.random.default_rng(100 + k).standard_normal((n, sizes[0])).astype(dtype)
            _forward_case(learner, params, X, f"network {sizes}, {count(n, 'point')}, {np.dtype(dtype).name}")
    # huge scores must not overflow the softmax
    params = random_params((3, 4, 3), rng=99, dtype=np.float64, scale=1.0)
    params[-1] = (params[-1][0] * 2000.0, params[-1][1])
    X = np.random.default_rng(7).standard_normal((6, 3)) * 3
    _forward_case(learner, params, X, "network with huge output scores (about ±1000)")
    return Passed(f"{k + 1} networks of different shapes, float32 and float64, match the reference")


def _forward_case(learner, params, X, label: str) -> None:
    before_params, before_X = copy_params(params), X.copy()
    what = f"forward(params, X) for a {label}"
    out = learner.call("forward", params, X, shown=what)
    if not same_params(params, before_params) or not np.array_equal(X, before_X):
        raise Fail(f"{what} changed its inputs; a forward pass must leave params and X as they were.")
    layers = expect_layers(out, what, params, len(X), X.dtype)
    pre, post = reference_forward(params, X)
    rtol, atol = TOLERANCE[X.dtype]
    for i, (h, target) in enumerate(zip(layers, post)):
        last = i == len(params) - 1
        if not np.all(np.isfinite(h)):
            raise Fail(f"layer {i + 1} of {what} contains nan or inf." + (
                " exp overflows for large scores: subtract each row's maximum before exp (softmax does not change)."
                if last else ""))
        if not np.allclose(h, target, rtol=rtol, atol=atol):
            raise Fail(f"layer {i + 1} ({'softmax output' if last else 'hidden, ReLU'}) of {what} is wrong "
                       f"{worst_entry(h, target)}.{_forward_diagnosis(h, pre[i], last)}")


def _forward_diagnosis(h: np.ndarray, z: np.ndarray, last: bool) -> str:
    if not last and np.allclose(h, z, rtol=1e-4, atol=1e-5):
        return " It equals h·W + b without the ReLU: hidden layers keep max(z, 0)."
    if last and np.allclose(h, np.maximum(z, 0), rtol=1e-4, atol=1e-5):
        return " The last layer should be a softmax (rows summing to 1), not a ReLU."
    if last and not np.allclose(h.sum(axis=1), 1, atol=1e-4):
        return " Each row of the output should be probabilities that sum to 1 (softmax)."
    return ""


# ---------------------------------------------------------------- one step downhill

STEP_SIZES = [(3, 4, 2), (2, 5, 5, 3)]


def _step_args(sizes, seed: int):
    params = random_params(sizes, rng=seed, dtype=np.float32)
    grads = random_params(sizes, rng=seed + 50, dtype=np.float32)
    velocity = random_params(sizes, rng=seed + 90, dtype=np.float32, scale=0.1)
    return params, grads, velocity


def expect_like(value, what: str, like, names=("W", "b")) -> list:
    """A list of (W, b) pairs with exactly the shapes and dtypes of ``like``."""
    if not isinstance(value, (list, tuple)) or len(value) != len(like):
        raise Fail(f"{what} should be a list of {len(like)} ({', '.join(names)}) pairs, one per layer, but it is "
                   f"{got(value, with_type=False)}.", kind="shape")
    out = []
    for i, (pair, (W, b)) in enumerate(zip(value, like)):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Fail(f"layer {i + 1} of {what} should be a pair ({', '.join(names)}), but it is {show(pair)}.",
                       kind="shape")
        out.append((expect_array(pair[0], f"{names[0]} of layer {i + 1} in {what}", shape=W.shape, dtype=W.dtype),
                    expect_array(pair[1], f"{names[1]} of layer {i + 1} in {what}", shape=b.shape, dtype=b.dtype)))
    return out


def _compare_params(yours, target, what: str, hint: str = "") -> None:
    for i, ((W, b), (TW, Tb)) in enumerate(zip(yours, target)):
        for name, a, t in (("W", W, TW), ("b", b, Tb)):
            if not np.allclose(a, t, rtol=1e-5, atol=1e-6):
                raise Fail(f"{name} of layer {i + 1} in {what} is wrong {worst_entry(a, t)}.{hint}")


@puzzle_check(
    "sgd-step",
    expects={"sgd_step": "a function sgd_step(params, grads, lr) -> new params",
             "momentum_step":
                 "a function momentum_step(params, grads, velocity, lr, momentum) -> (new params, new velocity)"},
    forbid_modules=NO_ANSWER_KEY,
)
def check_sgd(learner, ctx):
    for seed, sizes in enumerate(STEP_SIZES):
        for lr in (0.1, 0.5, 0.0):
            params, grads, _ = _step_args(sizes, seed)
            saved = (copy_params(params), copy_params(grads))
            what = f"sgd_step(params, grads, lr={lr})"
            new = expect_like(learner.call("sgd_step", params, grads, lr, shown=what), f"the params from {what}",
                              params)
            if not (same_params(params, saved[0]) and same_params(grads, saved[1])):
                raise Fail(f"{what} changed params or grads in place; return new arrays and leave the inputs as "
                           f"they were (the trainer keeps the old ones for snapshots).")
            target = [(W - np.float32(lr) * dW, b - np.float32(lr) * db) for (W, b), (dW, db) in zip(params, grads)]
            uphill = [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]
            hint = ""
            if lr and same_params(new, params):
                hint = " Nothing moved: the parameters came back unchanged."
            elif lr and all(np.allclose(a, t, rtol=1e-5) for p, q in zip(new, uphill) for a, t in zip(p, q)):
                hint = " That is a step uphill: subtract lr·grad."
            _compare_params(new, target, f"the params from {what}", hint)
    for seed, sizes in enumerate(STEP_SIZES):
        for lr, mu in ((0.1, 0.9), (0.3, 0.5), (0.2, 0.0)):
            params, grads, velocity = _step_args(sizes, seed)
            saved = (copy_params(params), copy_params(grads), copy_params(velocity))
            what = f"momentum_step(params, grads, velocity, lr={lr}, momentum={mu})"
            out = learner.call("momentum_step", params, grads, velocity, lr, mu, shown=what)
            if not isinstance(out, tuple) or len(out) != 2:
                raise Fail(f"{what} should return a pair (new params, new velocity), but returned {got(out, with_type=False)}.",
                           kind="shape")
            if not all(same_params(a, b) for a, b in zip((params, grads, velocity), saved)):
                raise Fail(f"{what} changed its inputs in place; return new arrays instead.")
            new_p = expect_like(out[0], f"the params from {what}", params)
            new_v = expect_like(out[1], f"the velocity from {what}", velocity)
            v_target = [(mu * vW - lr * dW, mu * vb - lr * db) for (vW, vb), (dW, db) in zip(velocity, grads)]
            _compare_params(new_v, v_target, f"the velocity from {what}",
                            " The velocity is v ← momentum·v − lr·grad.")
            p_target = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, v_target)]
            old_v = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, velocity)]
            hint = " You stepped with the old velocity; step with the new one: p ← p + v_new." if all(
                np.allclose(a, t, rtol=1e-5) for p, q in zip(new_p, old_v) for a, t in zip(p, q)) else ""
            _compare_params(new_p, p_target, f"the params from {what}", hint)
    return Passed("plain and momentum steps are right, keep float32, and leave their inputs alone")


# ---------------------------------------------------------------- backpropagation

BACKWARD_CASES = [((3, 5, 4, 3), 10), ((2, 6, 2), 1), ((4, 3), 8), ((3, 4, 4, 4, 2), 25)]


def numerical_grads(params, X, y, eps: float = 1e-6) -> list:
    """Central differences of the reference loss with respect to every parameter (float64)."""
    out = []
    for W, b in params:
        grads = []
        for arr in (W, b):
            g = np.zeros_like(arr, dtype=np.float64)
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + eps
                up = reference_loss(params, X, y)
                arr[idx] = old - eps
                down = reference_loss(params, X, y)
                arr[idx] = old
                g[idx] = (up - down) / (2 * eps)
            grads.append(g)
        out.append(tuple(grads))
    return out


def _expect_loss(value, what: str) -> float:
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if not isinstance(value, (float, np.floating)):  # a bool or an int is not a loss
        raise Fail(f"the loss from {what} should be a float (one number), but it is {got(value, with_type=False)}.",
                   kind="shape")
    return float(value)


@puzzle_check(
    "backward",
    expects={"loss_and_grad": "a function loss_and_grad(params, X, y) -> (loss, grads)"},
    forbid_modules=NO_ANSWER_KEY,
)
def check_backward(learner, ctx):
    for k, (sizes, n) in enumerate(BACKWARD_CASES):
        params = random_params(sizes, rng=200 + k)
        X = kink_free_inputs(params, n, rng=300 + k)
        y = np.random.default_rng(400 + k).integers(sizes[-1], size=n)
        _backward_case(learner, params, X, y, f"network {sizes}, {count(n, 'point')}", exact=True)
    params = random_params((3, 5, 3), rng=250, dtype=np.float32)
    X = kink_free_inputs(params, 12, rng=350).astype(np.float32)
    y = np.random.default_rng(450).integers(3, size=12)
    _backward_case(learner, params, X, y, "network (3, 5, 3), 12 points, float32", exact=False)
    return Passed(f"loss and gradients match central differences on {len(BACKWARD_CASES) + 1} networks")


def _backward_case(learner, params, X, y, label: str, *, exact: bool) -> None:
    what = f"loss_and_grad(params, X, y) for a {label}"
    out = learner.call("loss_and_grad", copy_params(params), X.copy(), y.copy(), shown=what)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Fail(f"{what} should return a pair (loss, grads), but returned {got(out, with_type=False)}.", kind="shape")
    loss = _expect_loss(out[0], what)
    grads = expect_like(out[1], f"the grads from {what}", params, names=("dW", "db"))
    p64 = [(W.astype(np.float64), b.astype(np.float64)) for W, b in params]
    target_loss = reference_loss(p64, X, y)
    rtol = 1e-8 if exact else 1e-4
    if not np.isclose(loss, target_loss, rtol=rtol):
        ratio = loss / target_loss if target_loss else np.inf
        hint = f" That is {len(y)} times too big: take the mean over the points, not the sum." if np.isclose(
            ratio, len(y), rtol=1e-4) and len(y) > 1 else ""
        raise Fail(f"the loss from {what} is {loss:.6g}; the mean cross-entropy is {target_loss:.6g}.{hint}")
    numeric = numerical_grads(p64, X.astype(np.float64), y)
    for i in range(len(params) - 1, -1, -1):
        for name, yours, target in (("dW", grads[i][0], numeric[i][0]), ("db", grads[i][1], numeric[i][1])):
            if not np.allclose(yours, target, rtol=1e-4 if exact else 2e-3, atol=1e-7 if exact else 1e-5):
                why = _grad_diagnosis(yours, target, i, len(params), len(y))
                raise Fail(f"{name} of layer {i + 1} (of {len(params)}) from {what} differs from the numerical "
                           f"gradient {worst_entry(yours, target)}.{why}")


def _grad_diagnosis(yours, target, i: int, n_layers: int, n: int) -> str:
    if n > 1 and np.allclose(yours, n * target, rtol=1e-4, atol=1e-7):
        return f" Yours is {n} times too big: the loss is a mean, so divide by the number of points."
    if i < n_layers - 1:
        return (" The layers after it are right, so look at how the error flows back through this layer's ReLU "
                "(its derivative is 1 where z > 0, else 0) and through W (delta · Wᵀ).")
    return ""


# ---------------------------------------------------------------- the Jacobian of a layer

JACOBIAN_SHAPES = [(3, 5), (4, 2), (2, 2), (6, 3), (1, 4)]


@puzzle_check(
    "layer-jacobian",
    expects={"layer_jacobian": "a function layer_jacobian(W, b, x) -> ndarray of shape (fan_out, fan_in)"},
    forbid_modules=NO_ANSWER_KEY,
)
def check_jacobian(learner, ctx):
    n_checked = 0
    for k, (fan_in, fan_out) in enumerate(JACOBIAN_SHAPES):
        (W, b), = random_params((fan_in, fan_out), rng=500 + k)
        for x in kink_free_inputs([(W, b), (np.eye(fan_out), np.zeros(fan_out))], 3, rng=600 + k):
            n_checked += 1
            what = f"layer_jacobian(W, b, x) with W of shape {W.shape}"
            J = expect_array(learner.call("layer_jacobian", W.copy(), b.copy(), x.copy(), shown=what), what,
                             shape=(fan_out, fan_in), dtype=np.float64)
            numeric = _numerical_jacobian(W, b, x)
            if not np.allclose(J, numeric, rtol=1e-5, atol=1e-7):
                hint = ""
                if np.allclose(J, W.T):
                    hint = (" That is Wᵀ, the Jacobian of x·W + b alone; after the ReLU, the rows of units that are "
                            "switched off (z < 0) are zero.")
                raise Fail(f"{what} differs from the numerical Jacobian {worst_entry(J, numeric)}.{hint}",
                           details=("J[i, j] = ∂h_i / ∂x_j : one row per output unit, one column per input",))
    return Passed(f"{n_checked} Jacobians of {len(JACOBIAN_SHAPES)} layer shapes match central differences")


def _numerical_jacobian(W, b, x, eps: float = 1e-6) -> np.ndarray:
    def f(v):
        return np.maximum(v @ W + b, 0)

    return np.column_stack([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))])


# ---------------------------------------------------------------- count the linear pieces

def reference_pieces(params, lo: float, hi: float) -> int:
    """Exact number of affine pieces of a 1-D ReLU net (hidden ReLU, linear output) on [lo, hi]."""
    intervals = [(lo, hi, np.ones(1), np.zeros(1))]  # (left, right, slopes A, intercepts C): h = A·x + C
    for i, (W, b) in enumerate(params):
        hidden = i < len(params) - 1
        nxt = []
        for left, right, A, C in intervals:
            a, c = A @ W, C @ W + b
            cuts = [left, right]
            if hidden:
                with np.errstate(divide="ignore", invalid="ignore"):
                    roots = np.where(a != 0, -c / a, np.nan)
                tol = 1e-12 * max(1.0, abs(left), abs(right))
                cuts += [r for r in roots if left + tol < r < right - tol]
            cuts = np.unique(cuts)
            for start, end in zip(cuts[:-1], cuts[1:]):
                if hidden:
                    on = (a * (start + end) / 2 + c) > 0
                    nxt.append((start, end, a * on, c * on))
                else:
                    nxt.append((start, end, a, c))
        intervals = nxt
    slopes = [A[0] for _, _, A, _ in intervals]
    pieces = 1
    for s, t in zip(slopes[:-1], slopes[1:]):
        if abs(s - t) > 1e-9 * max(1.0, abs(s), abs(t)):
            pieces += 1
    return pieces


def piece_cases() -> list[tuple[str, list, float, float]]:
    """(description, params, lo, hi): hand-made nets with known answers, then random ones."""
    def net(*layers):
        return [(np.array(W, float), np.array(b, float)) for W, b in layers]

    tent = ([[1.0, 1.0]], [0.0, -0.5])  # relu(x), relu(x - 0.5)
    fold = ([[2.0, 2.0], [-4.0, -4.0]], [0.0, -0.5])  # t = 2u - 4v, then relu(t), relu(t - 0.5)
    cases = [
        ("a network without hidden layers", net(([[2.0]], [1.0])), -1.0, 1.0),
        ("one hidden layer with kinks at -1, 0, 1", net(([[1, 1, 1]], [1, 0, -1]), ([[1], [-2], [3]], [0])), -2.0, 2.0),
        ("the same network on [0.5, 3]", net(([[1, 1, 1]], [1, 0, -1]), ([[1], [-2], [3]], [0])), 0.5, 3.0),
        ("a unit whose output weight is 0", net(([[1, 1, 1]], [1, 0, -1]), ([[1], [0], [3]], [0])), -2.0, 2.0),
        ("two units that cancel: relu(x) - relu(x) + relu(x - 1)",
         net(([[1, 1, 1]], [0, 0, -1]), ([[1], [-1], [1]], [0])), -2.0, 2.0),
        ("relu(x) + relu(2x): two units, one kink", net(([[1, 2]], [0, 0]), ([[1], [1]], [0])), -1.0, 1.0),
        ("a constant network (all output weights 0)", net(([[1, -1]], [0, 0]), ([[0], [0]], [0.5])), -1.0, 1.0),
        ("kinks 1e-7 apart", net(([[1, 1, 1]], [0, -1e-7, -2e-7]), ([[1], [-2], [2]], [0])), -1.0, 1.0),
        ("a sawtooth: three folds of the tent map", net(tent, fold, fold, ([[2.0], [-4.0]], [0.0])), 0.0, 1.0),
        ("the same sawtooth on [-1, 2]", net(tent, fold, fold, ([[2.0], [-4.0]], [0.0])), -1.0, 2.0),
    ]
    for seed, sizes in enumerate([(1, 4, 1), (1, 6, 4, 1), (1, 3, 3, 3, 1), (1, 8, 8, 1), (1, 5, 5, 5, 5, 1)]):
        cases.append((f"a random network {sizes}", random_params(sizes, rng=700 + seed, scale=2.0), -3.0, 3.0))
    return cases


@puzzle_check("count-pieces", expects={"count_pieces": "a function count_pieces(params, lo, hi) -> int"})
def check_pieces(learner, ctx):
    cases = piece_cases()
    for label, params, lo, hi in cases:
        what = f"count_pieces(params, {lo:g}, {hi:g}) for {label}"
        yours = expect_int(learner.call("count_pieces", copy_params(params), lo, hi, shown=what), what)
        target = reference_pieces(params, lo, hi)
        if yours != target:
            raise Fail(f"{what} returned {yours}; the network is affine on {target} maximal piece"
                       f"{'s' if target != 1 else ''} there.{_pieces_diagnosis(yours, target, label)}")
    return Passed(f"all {len(cases)} networks counted exactly, tiny pieces and cancelling kinks included")


def _pieces_diagnosis(yours: int, target: int, label: str) -> str:
    if yours > target:
        return (" A kink only counts if the slope really changes there: units can be switched off, have output "
                "weight 0, share a kink, or cancel.")
    if "1e-7" in label:
        return " Sampling on a grid misses pieces narrower than the grid step: find the kinks exactly."
    return (" Every unit whose input crosses zero inside [lo, hi] can add a kink, in every layer: deeper layers fold "
            "the already folded line again.")
