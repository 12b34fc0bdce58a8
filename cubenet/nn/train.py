"""Training: minibatch SGD / momentum / Adam and full-batch L-BFGS, with history, snapshots and early stops.

``train(sizes_or_model, dataset, config, rng=…)`` returns a new :class:`~cubenet.nn.network.Model` and a
:class:`History`. It is deterministic for a given ``rng`` seed.

The trainer is spread over rooms by subject, and this module re-exports their public names (so that
``from cubenet.nn.train import TrainConfig, train`` keeps working):

- :mod:`cubenet.nn.config`: :class:`TrainConfig`, :func:`check_config`, the learning-rate and snapshot schedules;
- :mod:`cubenet.nn.kernels`: the parameters in one flat vector and the fused forward/backward passes
  (:mod:`cubenet.nn.ops`: the zero-argument numpy calls they are made of);
- :mod:`cubenet.nn.optim`: the optimisers' in-place updates, and the flush of subnormal floats;
- :mod:`cubenet.nn.history`: :class:`History` and the recorder that scores epochs and decides when to stop;
- :mod:`cubenet.threads`: BLAS thread control (training runs on one BLAS thread);
- here: :func:`train` itself, the minibatch loop and L-BFGS.

Speed: the calls of each minibatch's forward and backward pass are built once and replayed every epoch
(full-size batches share all calls but the three that read the batch); the data is shuffled once per
epoch into a buffer, so minibatches are fixed slices of it; the optimiser updates the whole flat vector
in about ten calls. BLAS runs on one thread during training (:func:`cubenet.threads.single_blas_thread`)
and the cyclic garbage collector is paused. ``benchmarks/step_speed.py`` and ``benchmarks/train_speed.py``
measure all this. The readable reference is :func:`cubenet.nn.network.loss_and_grad` (and a plain Adam in
the tests); the tests check that they agree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from functools import partial
from typing import Callable

import numpy as np

from cubenet.data.dataset import Dataset
from cubenet.data.io import validate
from cubenet.errors import CubenetError
from cubenet.nn import step_train
from cubenet.nn.config import (  # noqa: F401  (re-exported: the public names of cubenet.nn.train)
    DEFAULT_EPOCHS,
    DEFAULT_LR,
    MAX_L2,
    MAX_LR,
    OPTIMIZERS,
    SCHEDULES,
    TrainConfig,
    check_combination,
    check_config,
    epoch_lr,
    snapshot_schedule,
)
from cubenet.nn.history import History, Recorder
from cubenet.nn.kernels import CHUNK, LOGIT_CLIP, Kernels, columns, one_hot_columns  # noqa: F401  (re-exported)
from cubenet.nn.network import Model, check_activations, check_fits, check_sizes, init_params
from cubenet.nn.optim import FLUSH_BELOW, FLUSH_EVERY, flush_subnormal, optimizer_step  # noqa: F401  (re-exported)
from cubenet.threads import all_blas_threads, blas_threads, single_blas_thread  # noqa: F401  (re-exported)

#: the names the benchmarks (``benchmarks/step_speed.py``) read from every git revision's ``train.py``
_Kernels, _columns, _one_hot_columns, _optimizer_step = Kernels, columns, one_hot_columns, optimizer_step


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the block; yield whether it was on (and restore that).

    Training makes no reference cycles, yet building its call lists allocates enough objects to set off
    a full collection, which walks every object of the process: 50-120 ms with scikit-learn imported,
    several percent of a 2-second run. Reference counting still frees everything as usual.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield was_on
    finally:
        if was_on:
            gc.enable()


def train(model_or_sizes, dataset, config: TrainConfig | None = None, *, rng=None,
          callback: Callable | None = None) -> tuple[Model, History]:
    """Train a network on ``dataset``.

    Parameters
    ----------
    model_or_sizes : Model (continue training it) or sequence of int ``(n_in, h1, …, n_out)``; or a step
        network: ``cubenet.nn.steps.StepSpec(n_steps, inner)`` for a new one, a StepModel to continue
    dataset : cubenet Dataset
    config : TrainConfig
    rng : None, int or numpy Generator, split into the initial weights, the minibatch order and the evaluation
        subsets; or a mapping ``{"init": …, "batches": …, "evaluation": …}`` of three independent streams
        (as :class:`cubenet.run.experiment.Seeds` gives, so that each is recorded and can vary alone)
    callback : called as ``callback(epoch, history)`` after every epoch (epoch 0 included); returning
        True stops training there (the model of that epoch is returned, as with any other stop)

    Returns
    -------
    model : Model with the trained parameters (the last good ones if training diverged);
        ``model.config`` records sizes, activations and the training settings
    history : History (``history.diverged`` tells whether it blew up; ``stop_reason`` says what to change)
    """
    if isinstance(config, dict):
        config = TrainConfig(**config)
    config = check_config(config if config is not None else TrainConfig())
    if not isinstance(dataset, Dataset):
        raise CubenetError(f"train needs a cubenet Dataset (e.g. from cubenet.make_color_cube or cubenet.load), "
                           f"got {type(dataset).__name__}")
    validate(dataset, "the training dataset", quote=False)
    if callback is not None and not callable(callback):
        raise CubenetError(f"callback must be a function callback(epoch, history), got {callback!r}")
    init_rng, order_rng, eval_rng = training_streams(rng)
    model, Xt, Xte, k, config = _setup(model_or_sizes, dataset, config, init_rng)
    y, yte = np.asarray(dataset.y_train, dtype=np.intp), np.asarray(dataset.y_test, dtype=np.intp)
    if config.optimizer == "lbfgs":
        import scipy.optimize  # noqa: F401  (loads scipy's own OpenBLAS now, so that it is limited too)
    with np.errstate(all="ignore"), single_blas_thread(), _cyclic_gc_paused() as gc_was_on:
        rec = Recorder(config, k, (Xt, y, Xte, yte), callback, eval_rng, gc_was_on)
        if config.optimizer == "lbfgs":
            _run_lbfgs(k, Xt, y, config, rec)  # it records epoch 0 from its first loss evaluation
        elif not rec.record(0):
            _run_minibatch(k, Xt, y, config, order_rng, rec)
        unit = "L-BFGS iterations" if config.optimizer == "lbfgs" else "epochs"
        history = rec.finish(f"completed {rec.rows[-1][0]} {unit}")
    settings = {key: v for key, v in config.to_dict().items() if key not in ("activation",)}
    settings.update(lr=config.learning_rate, batch_size=min(config.batch_size, len(y)))
    trained = dataclasses.replace(model, params=k.params(), config={
        "sizes": list(model.sizes), "activations": list(model.activations), "training": settings,
        "epochs_run": int(history.epochs[-1]), "stop_reason": history.stop_reason})
    return trained, history


TRAINING_STREAMS = ("init", "batches", "evaluation")


def training_streams(rng) -> tuple[np.random.Generator, ...]:
    """The trainer's three random streams (initial weights, minibatch order, evaluation subsets)."""
    if isinstance(rng, dict):
        missing = [name for name in TRAINING_STREAMS if name not in rng]
        if missing:
            raise CubenetError(f"rng mapping lacks the stream(s) {', '.join(missing)}; give all of "
                               f"{', '.join(TRAINING_STREAMS)}")
        return tuple(np.random.default_rng(rng[name]) for name in TRAINING_STREAMS)
    return tuple(np.random.default_rng(rng).spawn(3))


def _setup(model_or_sizes, dataset, config: TrainConfig, rng):
    """The starting model, the standardised data as columns, kernels holding the model's parameters, the config.

    A step network (a ``StepSpec`` or ``StepModel``, see :mod:`cubenet.nn.steps`) has its own kernels
    with the same interface (:mod:`cubenet.nn.step_train`), and its defaults (motion, Adam's rate) filled in.
    """
    if step_train.wants_steps(model_or_sizes):
        config = step_train.step_defaults(config)
        model, Xt, Xte = step_train.prepare(model_or_sizes, dataset, config, rng)
        return model, Xt, Xte, step_train.kernels(model, config), config
    if config.motion:
        raise CubenetError(f"motion={config.motion:g} is a penalty on the moves of a step network; "
                           "this is a layered network, so leave motion unset")
    model, Xt, Xte = _prepare(model_or_sizes, dataset, config, rng)
    k = Kernels(model.sizes, model.activations, config.dtype)
    k.set_params(model.params)
    return model, Xt, Xte, k, config


def _run_minibatch(k: Kernels, Xt, y, config: TrainConfig, rng, rec: Recorder) -> None:
    n = len(y)
    batch = min(config.batch_size, n)
    # shuffled copies are kept sample-major (rows gather fast); batches are passed on as transposed views
    X, Y = np.ascontiguousarray(Xt.T), np.ascontiguousarray(one_hot_columns(y, k.sizes[-1], k.dtype).T)
    Xs, Ys = np.empty_like(X), np.empty_like(Y)
    plans = _minibatch_plans(k, Xs, Ys, batch)
    tail = n % batch  # the last, smaller batch needs its targets scaled by 1/tail instead of 1/batch
    rate = {"lr": config.learning_rate}
    step = optimizer_step(config, k, rate)
    for epoch in range(1, config.epochs + 1):
        rate["lr"] = epoch_lr(config, epoch)
        perm = rng.permutation(n)
        np.take(X, perm, axis=0, out=Xs)
        np.take(Y, perm, axis=0, out=Ys)
        np.multiply(Ys, 1.0 / batch, out=Ys)
        if tail:
            np.multiply(Ys[n - tail:], batch / tail, out=Ys[n - tail:])
        for plan in plans:
            for op in plan:
                op()
            step()
        flush_subnormal(*step.state)  # once per epoch: cheap, and keeps late epochs as fast as early ones
        if rec.record(epoch):
            return


def _minibatch_plans(k: Kernels, Xs, Ys, batch: int) -> list:
    """The calls of every minibatch (forward, backward) of the shuffled buffers ``Xs``, ``Ys`` (samples as rows).

    Full-size batches differ only in the calls that read the batch itself, so the first one is built in
    full and the others copy it with their own batch put in: the other calls are shared (a few distinct
    call objects per batch instead of dozens, built in a fraction of the time and kept in the CPU's
    caches). That is done only when every array of the first batch's calls that lies in ``Xs`` or ``Ys``
    is the batch itself (kernels that slice it, as step kernels do, get every batch built in full).
    """
    n = len(Xs)
    plans, template = [], None
    for s in range(0, n, batch):
        Xb, Yb, m = Xs[s: s + batch].T, Ys[s: s + batch].T, min(batch, n - s)
        if template is not None and m == batch:
            X0, Y0, ops, reading = template
            plan = list(ops)
            for i in reading:
                op = ops[i]
                plan[i] = partial(op.func, *(Xb if a is X0 else Yb if a is Y0 else a for a in op.args), **op.keywords)
            plans.append(plan)
            continue
        ops = k.forward_ops(Xb, m, exact=False) + k.backward_ops(Xb, Yb, m, 1.0 / m)
        if template is None and m == batch and all(_reads_batch_only_directly(op, Xb, Yb, Xs, Ys) for op in ops):
            template = (Xb, Yb, ops, [i for i, op in enumerate(ops) if any(a is Xb or a is Yb for a in op.args)])
        plans.append(ops)
    return plans


def _reads_batch_only_directly(op, Xb, Yb, Xs, Ys) -> bool:
    """True when ``op`` (a partial) reaches the shuffled buffers only through the batch views ``Xb``/``Yb`` as
    positional arguments, so that putting another batch's views in their place gives that batch's call."""
    def inside(a):
        return isinstance(a, np.ndarray) and (np.may_share_memory(a, Xs) or np.may_share_memory(a, Ys))

    return isinstance(op, partial) and not any(inside(v) for v in op.keywords.values()) and \
        all(a is Xb or a is Yb or not inside(a) for a in op.args)


def _run_lbfgs(k: Kernels, Xt, y, config: TrainConfig, rec: Recorder) -> None:
    """Full-batch L-BFGS-B (scipy) on the flat parameter vector; one history row per iteration."""
    from scipy.optimize import minimize  # (scipy's optimiser only for L-BFGS, a path most runs never take)

    n, l2 = len(y), config.l2
    chunks = []
    for s in range(0, n, CHUNK):
        Xc, yc = Xt[:, s: s + CHUNK], y[s: s + CHUNK]
        m = len(yc)
        Yc = one_hot_columns(yc, k.sizes[-1], k.dtype)
        chunks.append((k.forward_ops(Xc, m), k.backward_ops(Xc, Yc, m), k.buffers(m), yc, yc * m + np.arange(m)))
    gsum = np.zeros(k.grad.shape, dtype=np.float64)
    last = {"x": None}

    def fun(x):
        """Loss and gradient at ``x``; the accuracy on every training point is kept beside them (the history
        reuses it), and so is the answer, for scipy's first call at the point epoch 0 has just scored."""
        if last["x"] is not None and np.array_equal(last["x"], x):
            return last["loss"], last["gradient"].copy()
        k.theta[:] = x
        gsum[:] = 0
        total, correct = 0.0, 0
        for forward_ops, backward_ops, (_, _, Z, _, _, S, _), yc, flat in chunks:
            for op in forward_ops:
                op()
            # every prediction, from the logits (the backward pass turns them into probabilities)
            correct += int(np.count_nonzero(Z[-1].argmax(axis=0) == yc))
            total -= float(np.sum(np.take(Z[-1], flat), dtype=np.float64))
            for op in backward_ops:
                op()
            total += float(np.sum(np.log(S), dtype=np.float64)) + k.penalty(len(flat))
            np.add(gsum, k.grad, out=gsum)
        np.multiply(gsum, 1.0 / n, out=gsum)
        if l2:
            np.add(gsum, l2 * (k.wmask * k.theta), out=gsum)
        last.update(x=np.array(x, dtype=np.float64), loss=total / n + k.l2_term(l2), gradient=gsum.copy(),
                    accuracy=correct / n)
        return last["loss"], gsum.copy()

    iteration = [0]

    def on_iteration(intermediate_result):
        iteration[0] += 1
        k.theta[:] = intermediate_result.x
        known = np.array_equal(last["x"], intermediate_result.x)
        if rec.record(iteration[0], float(intermediate_result.fun), train_accuracy=last["accuracy"] if known else None):
            raise StopIteration

    start = k.theta.astype(np.float64)
    loss, _ = fun(start)
    if rec.record(0, float(loss), train_accuracy=last["accuracy"]):
        return
    result = minimize(fun, start, jac=True, method="L-BFGS-B", callback=on_iteration,
                      options={"maxiter": config.epochs, "maxfun": max(15000, 2 * config.epochs), "gtol": config.tol})
    if rec.stop_reason is None and iteration[0] < config.epochs:
        rec.stop_reason = lbfgs_stop_reason(result, iteration[0])


def lbfgs_stop_reason(result, iterations: int) -> str:
    """What scipy's L-BFGS-B said, honestly: only status 0 is convergence (ABNORMAL is a failed line search)."""
    message = str(result.message).strip().rstrip(":").strip() or "no message"
    if result.status == 0:
        return f"L-BFGS converged after {iterations} iterations ({message})"
    return (f"L-BFGS stopped without converging after {iterations} iterations ({message}): its line search "
            "found no lower loss; the model is the last iterate. Try a smaller --l2, or --optimizer adam")


def _prepare(model_or_sizes, dataset, config: TrainConfig, rng):
    """The starting Model (new or continued) and the standardised data as columns."""
    dtype = np.dtype(config.dtype)
    Xtr, Xte = np.asarray(dataset.X_train, dtype=np.float64), np.asarray(dataset.X_test, dtype=np.float64)
    if isinstance(model_or_sizes, Model):
        model = model_or_sizes
        check_fits(model, dataset, advice="train a new model for this dataset")
        params = [(W.astype(dtype), b.astype(dtype)) for W, b in model.params]
        model = dataclasses.replace(model, params=params)
    else:
        sizes = check_sizes(model_or_sizes)
        if sizes[0] != dataset.n_features or sizes[-1] != dataset.n_classes:
            raise CubenetError(f"sizes {sizes} do not fit the dataset: it has {dataset.n_features} features and "
                               f"{dataset.n_classes} classes")
        acts = check_activations(config.activation, len(sizes) - 2)
        mean = scale = None
        if config.standardize:
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused just below
                mean = Xtr.mean(axis=0)
                scale = Xtr.std(axis=0)
            scale[scale < 1e-12] = 1.0
            check_standardization(mean, scale, Xtr)
        params = init_params(sizes, rng=rng, dtype=dtype, activations=acts, scheme=config.init)
        model = Model(params, acts, mean, scale, tuple(dataset.class_names))
    if model.input_mean is not None:
        Xtr, Xte = (Xtr - model.input_mean) / model.input_scale, (Xte - model.input_mean) / model.input_scale
    return model, columns(Xtr, dtype), columns(Xte, dtype)


def check_standardization(mean, scale, X) -> None:
    """The learned input standardisation is finite (features near 1e300 overflow the variance to inf)."""
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale))):
        big = float(np.max(np.abs(X)))
        raise CubenetError(f"the features are too large to standardise (|x| up to {big:.3g}): their variance "
                           "overflows; rescale the data (divide it by a power of ten) and train again")
