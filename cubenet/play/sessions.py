"""The playground's sessions (one per browser tab) and their trainings, run in threads with cubenet's own trainer.

Each tab has a session: its dataset and at most one training job. A job trains in a thread and
appends events (one per epoch, with the parameters for the views and, every quarter second, the
per-layer probe accuracies) that the server streams to the page. At most :data:`MAX_RUNNING` jobs
train at once; a further request is refused with a clear message rather than queued forever. A job
stops when asked (Stop, Reset, a new Train), when its time budget runs out, or when it diverges.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from cubenet.errors import CubenetError
from cubenet.nn.network import Model, check_activations
from cubenet.nn.steps import make_step_model
from cubenet.nn.train import train
from cubenet.play.guard import Refused
from cubenet.play.specs import build_dataset, command, parse_data, parse_train
from cubenet.run.experiment import Seeds, final_metrics
from cubenet.run.metrics import probe_accuracy, representations
from cubenet.run.verdict import training_warnings

MAX_RUNNING = 2
MAX_SESSIONS = 32
#: a training that runs longer than this is stopped and reported
TIME_BUDGET = 120.0
#: seconds between parameter snapshots and between probe updates sent to the page
PARAMS_EVERY, PROBES_EVERY = 0.05, 0.25
#: points the live probes use (the final numbers use them all)
PROBE_POINTS = 600


@dataclass
class Job:
    """One training: its events (append-only), its stop flag, its result."""

    data: object
    train: object
    dataset: object
    command: str
    events: list = field(default_factory=list)
    state: str = "running"
    stop: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)
    result: tuple | None = None
    started: float = field(default_factory=time.monotonic)
    closed: threading.Event = field(default_factory=threading.Event)  # set once the last event is out
    snapshot: tuple | None = None  # (epoch, model) of the latest epoch, for the live explorer

    def emit(self, event: dict) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def wait_events(self, start: int, timeout: float) -> list:
        """Events from index ``start`` on, waiting up to ``timeout`` s for at least one."""
        with self.changed:
            if len(self.events) <= start and not self.closed.is_set():
                self.changed.wait(timeout)
            return self.events[start:]


@dataclass
class Session:
    data: object = None
    dataset: object = None
    job: Job | None = None


class Manager:
    """Sessions by id, and the bounded pool of running trainings."""

    def __init__(self, launch=None, launch_path=None):
        self.launch, self.launch_path = launch, launch_path
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def session(self, sid) -> Session:
        if not isinstance(sid, str) or not 8 <= len(sid) <= 64 or not sid.replace("-", "").replace("_", "").isalnum():
            raise Refused(400, "session must be 8-64 letters, digits, '-' or '_'")
        with self.lock:
            if sid not in self.sessions:
                if len(self.sessions) >= MAX_SESSIONS:
                    old = next((k for k, s in self.sessions.items() if s.job is None or s.job.state != "running"), None)
                    if old is None:
                        raise Refused(429, f"{MAX_SESSIONS} tabs are open and training; close one")
                    del self.sessions[old]
                self.sessions[sid] = Session()
            self.sessions.move_to_end(sid)
            return self.sessions[sid]

    def running(self) -> int:
        return sum(1 for s in self.sessions.values() if s.job is not None and s.job.state == "running")

    def set_data(self, sid: str, body: dict):
        session = self.session(sid)
        spec = parse_data(body, launch=self.launch)
        dataset = build_dataset(spec, launch=self.launch)
        self.stop(sid)
        session.data, session.dataset = spec, dataset
        return spec, dataset

    def start(self, sid: str, body: dict) -> Job:
        session = self.session(sid)
        if session.dataset is None:
            self.set_data(sid, {"data": body.get("data", {}), "seed": body.get("seed", 0)})
        train = parse_train(body, session.dataset)
        self.stop(sid)
        with self.lock:
            if self.running() >= MAX_RUNNING:
                raise Refused(429, f"{MAX_RUNNING} trainings are already running (the limit on this machine); "
                                   f"stop one or wait for it to finish")
            job = Job(session.data, train, session.dataset, command(session.data, train, launch_path=self.launch_path))
            session.job = job
        thread = threading.Thread(target=_train, args=(job,), name=f"cubenet-play-{sid[:8]}", daemon=True)
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()
        return job

    def stop(self, sid: str) -> bool:
        session = self.session(sid)
        job = session.job
        if job is None or job.state != "running":
            return False
        job.stop.set()
        return True

    def shutdown(self, timeout: float = 5.0) -> None:
        for session in list(self.sessions.values()):
            if session.job is not None:
                session.job.stop.set()
        for thread in self.threads:
            thread.join(timeout)


def _train(job: Job) -> None:
    """The training thread: cubenet's trainer, its callback turned into events; never raises."""
    last = {"params": -1.0, "probes": -1.0}

    def callback(epoch, history):
        now = time.monotonic()
        event = {"type": "epoch", "epoch": int(epoch), "loss": float(history.loss[-1]),
                 "train_accuracy": float(history.train_accuracy[-1]), "test_accuracy": float(history.test_accuracy[-1])}
        params = history.snapshots[-1][1] if history.snapshots and history.snapshots[-1][0] == epoch else None
        if now - last["params"] >= PARAMS_EVERY and params is not None:
            event["params"], last["params"] = _params_json(params), now
        if now - last["probes"] >= PROBES_EVERY and params is not None:
            event["probes"], last["probes"] = probe.accuracies(params), now
        if params is not None:
            job.snapshot = (int(epoch), probe.model(params))
        job.emit(event)
        if now - job.started > TIME_BUDGET:
            job.state_reason = f"stopped: the playground's time budget of {TIME_BUDGET:.0f} s ran out"
            return True
        return job.stop.is_set()

    try:
        config = job.train.config()
        probe = _LiveProbe(job.dataset, config, steps=bool(job.train.steps))

        # every epoch keeps its parameters, so the views can follow training
        config = dataclasses.replace(config, snapshot_epochs=tuple(range(config.epochs + 1)))
        model, history = train(job.train.start(job.dataset), job.dataset, config, rng=Seeds(job.train.seed).training(),
                               callback=callback)
        metrics = final_metrics(model, job.dataset, history)
        job.result = (model, history)
        reason = getattr(job, "state_reason", None) or history.stop_reason
        if job.stop.is_set() and "the callback asked to stop" in reason:
            reason = f"stopped at epoch {int(history.epochs[-1])}: you pressed Stop"
        state = "failed" if history.diverged else "stopped" if job.stop.is_set() or reason.startswith("stopped") else "done"
        job.state = state

        warnings = [] if history.diverged else training_warnings(model, job.dataset, history)
        job.emit({"type": "done", "state": state, "reason": reason, "params": _params_json(model.params),
                  "test_accuracy": metrics["test_accuracy"], "train_accuracy": metrics["train_accuracy"],
                  "warnings": warnings})  # a dead network or one at chance is said so, as by cubenet learn
        if not history.diverged:
            job.emit({"type": "numbers", "probes": probe.accuracies(None, model=model)})
    except CubenetError as exc:
        job.state = "failed"
        job.emit({"type": "done", "state": "failed", "reason": str(exc)})
    except Exception as exc:  # noqa: BLE001 - the server keeps serving whatever a training does
        job.state = "failed"
        job.emit({"type": "done", "state": "failed", "reason": f"unexpected {type(exc).__name__}: {exc}"})
    finally:
        job.closed.set()
        with job.changed:
            job.changed.notify_all()


def _params_json(params) -> list:
    return [[np.asarray(W, dtype=np.float32).round(5).tolist(), np.asarray(b, dtype=np.float32).round(5).tolist()]
            for W, b in params]


class _LiveProbe:
    """Per-layer linear-probe accuracies on a fixed subset, cheap enough to refresh during training."""

    def __init__(self, dataset, config, *, steps: bool = False):
        rng = np.random.default_rng(0)
        self.dataset = dataset
        self.tr = np.sort(rng.permutation(len(dataset.y_train))[:PROBE_POINTS])
        self.te = np.sort(rng.permutation(len(dataset.y_test))[:PROBE_POINTS])
        X = np.asarray(dataset.X_train, dtype=np.float64)
        mean, scale = X.mean(axis=0), X.std(axis=0)  # the trainer's standardisation
        scale[scale < 1e-12] = 1.0
        self.template = Model(params=[], activations=(), input_mean=mean, input_scale=scale,
                              class_names=tuple(dataset.class_names))
        self.activation = config.activation
        self.steps = steps

    def model(self, params):
        """The network with ``params`` (a snapshot during training)."""
        t = self.template
        if self.steps:
            return make_step_model(params, input_mean=t.input_mean, input_scale=t.input_scale,
                                   class_names=t.class_names)
        acts = check_activations(self.activation, len(params) - 1)
        return dataclasses.replace(t, params=list(params), activations=acts)

    def accuracies(self, params, *, model=None) -> list[float]:
        """Probe accuracy per representation: live (``params``), a least-squares probe on a subset; for a
        trained ``model``, the run's own logistic probe on every point (:mod:`cubenet.run.metrics`)."""
        ds = self.dataset
        if model is not None:
            reps_tr, reps_te = representations(model, ds.X_train), representations(model, ds.X_test)
            return [round(probe_accuracy(a, ds.y_train, b, ds.y_test, n_classes=ds.n_classes), 4)
                    for a, b in zip(reps_tr, reps_te)]
        live = self.model(params)
        reps_tr = representations(live, ds.X_train[self.tr])
        reps_te = representations(live, ds.X_test[self.te])
        return [round(ridge_probe_accuracy(a, ds.y_train[self.tr], b, ds.y_test[self.te], ds.n_classes), 4)
                for a, b in zip(reps_tr, reps_te)]


def ridge_probe_accuracy(H_train, y_train, H_test, y_test, n_classes: int, l2: float = 1e-3) -> float:
    """A least-squares linear read-out (one solve): the playground's live stand-in for the logistic probe.

    It regresses one-hot labels on the standardised representation and takes the argmax; it reads a
    little less than the logistic probe, costs microseconds, and is replaced by the real probe when
    training ends.
    """
    mean, scale = H_train.mean(axis=0), H_train.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    A = np.hstack([(H_train - mean) / scale, np.ones((len(H_train), 1))])
    Y = np.eye(n_classes)[y_train]
    W = np.linalg.solve(A.T @ A + l2 * len(A) * np.eye(A.shape[1]), A.T @ Y)
    B = np.hstack([(H_test - mean) / scale, np.ones((len(H_test), 1))])
    return float(np.mean(np.argmax(B @ W, axis=1) == y_test))
