"""What happened during training: the :class:`History` record and the :class:`Recorder` that fills it.

The recorder scores every epoch, keeps the snapshots, and decides when training stops (a target accuracy,
a plateau, a callback's request, or divergence, which restores the last good parameters).
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

import numpy as np

from cubenet.errors import CubenetError
from cubenet.nn.config import TrainConfig, snapshot_schedule
from cubenet.nn.kernels import Kernels


@dataclass(frozen=True)
class History:
    """What happened during training, one entry per epoch starting with epoch 0 (before training).

    epochs : int array; loss, train_accuracy, test_accuracy : float arrays (accuracies in 0..1);
    seconds : wall time since training started; snapshots : ((epoch, [(W, b), …]), …) in epoch order;
    stop_reason : one sentence (starts with "diverged" when training blew up)
    """

    epochs: np.ndarray
    loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    seconds: np.ndarray
    snapshots: tuple = ()
    stop_reason: str = ""

    @property
    def diverged(self) -> bool:
        return self.stop_reason.startswith("diverged")


class Recorder:
    """Collects the history rows and snapshots; decides when to stop.

    Epochs are scored on fixed random subsets of at most ``config.eval_points`` training and test
    points (evaluating everything every epoch would cost as much as training); the final row is
    re-scored on all points. L-BFGS, which computes the full training loss anyway, also hands over the
    accuracy on every training point.
    """

    def __init__(self, config: TrainConfig, kernels: Kernels, data, callback, rng, gc_was_on: bool = False):
        self.config, self.k, self.full, self.callback = config, kernels, data, callback
        self.gc_was_on = gc_was_on  # the callback runs with the garbage collector as the caller had it
        self.subsets = tuple(self._subset(X, y, config.eval_points, rng) for X, y in (data[:2], data[2:]))
        self.rows, self.snapshots = [], []
        self.wanted = set(config.snapshot_epochs if config.snapshot_epochs is not None
                          else snapshot_schedule(config.epochs, config.n_snapshots))
        self.best_loss, self.stale = np.inf, 0
        self.good = kernels.theta.copy()
        self.t0 = time.perf_counter()
        self.stop_reason = None

    @staticmethod
    def _subset(Xt, y, n_max, rng):
        if len(y) <= n_max:
            return Xt, y
        idx = np.sort(rng.choice(len(y), n_max, replace=False))
        return np.ascontiguousarray(Xt[:, idx]), y[idx]

    def record(self, epoch: int, loss: float | None = None, train_accuracy: float | None = None) -> bool:
        """Score the current parameters after ``epoch``; return True if training must stop (see ``stop_reason``).
        A caller that has just computed the loss and the accuracy on every training point (L-BFGS) passes them."""
        k, cfg = self.k, self.config
        (Xtr, ytr), (Xte, yte) = self.subsets
        if loss is None or train_accuracy is None:
            train_loss, train_acc = k.evaluate(Xtr, ytr)
        else:
            train_loss, train_acc = None, train_accuracy
        if loss is None:
            loss = train_loss + k.l2_term(cfg.l2)
        biggest = float(np.max(np.abs(k.theta)))
        if not np.isfinite(loss) or not np.isfinite(biggest) or biggest > cfg.max_weight:
            what = "the loss became NaN/inf" if not np.isfinite(loss) else f"the weights exploded (|w| up to {biggest:.3g})"
            if not self.rows:
                raise CubenetError(f"the starting parameters are unusable: {what} before training; "
                                   "start from a new network instead of this model")
            k.theta[:] = self.good
            self.stop_reason = (f"diverged: {what} in epoch {epoch} with {cfg.optimizer} at learning rate "
                                f"{cfg.learning_rate:g}; kept the parameters of epoch {self.rows[-1][0]}. Lower the learning rate (try --lr "
                                f"{cfg.learning_rate / 10:g})" + (" or use --optimizer adam" if cfg.optimizer != "adam" else ""))
            return True
        self.good[:] = k.theta
        _, test_acc = k.evaluate(Xte, yte)
        self.rows.append([epoch, loss, train_acc, test_acc, time.perf_counter() - self.t0])
        if epoch in self.wanted:
            self.snapshots.append((epoch, k.params()))
        if epoch == 0:
            self.best_loss = loss
        elif cfg.target_accuracy is not None and train_acc >= cfg.target_accuracy:
            self.stop_reason = f"reached the target training accuracy {cfg.target_accuracy:.2%} at epoch {epoch}"
        elif cfg.patience is not None:
            if loss < self.best_loss - cfg.tol:
                self.best_loss, self.stale = loss, 0
            else:
                self.stale += 1
                if self.stale >= cfg.patience:
                    self.stop_reason = (f"plateau: the training loss improved by less than {cfg.tol:g} "
                                        f"for {cfg.patience} epochs (stopped at epoch {epoch})")
        if self.callback is not None and self._call_back(epoch) is True and self.stop_reason is None:
            self.stop_reason = f"stopped at epoch {epoch}: the callback asked to stop"
        return self.stop_reason is not None

    def _call_back(self, epoch: int):
        if self.gc_was_on:
            gc.enable()
        try:
            return self.callback(epoch, self.history(self.stop_reason or ""))
        finally:
            if self.gc_was_on:
                gc.disable()

    def history(self, stop_reason: str) -> History:
        cols = list(zip(*self.rows))
        return History(
            epochs=np.array(cols[0], dtype=int), loss=np.array(cols[1], dtype=float),
            train_accuracy=np.array(cols[2], dtype=float), test_accuracy=np.array(cols[3], dtype=float),
            seconds=np.array(cols[4], dtype=float), snapshots=tuple(self.snapshots), stop_reason=stop_reason,
        )

    def finish(self, default_reason: str) -> History:
        """The final History: last row re-scored on all points, a snapshot of the final parameters."""
        k, row = self.k, self.rows[-1]
        k.theta[:] = self.good
        if self.subsets[0][1] is not self.full[1] or self.subsets[1][1] is not self.full[3]:
            train_loss, row[2] = k.evaluate(*self.full[:2])
            _, row[3] = k.evaluate(*self.full[2:])
            if self.config.optimizer != "lbfgs":
                row[1] = train_loss + k.l2_term(self.config.l2)
        if not self.snapshots or self.snapshots[-1][0] != row[0]:
            self.snapshots.append((row[0], k.params()))
        return self.history(self.stop_reason or default_reason)
