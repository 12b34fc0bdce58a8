"""The playground's HTTP server (standard library only): the page, a JSON API and a Server-Sent-Events stream.

Routes (every one behind :class:`cubenet.play.guard.Guard`):

- ``GET /`` the page; ``GET /api/state?session=S`` the session's dataset and latest training state;
  ``GET /api/events?session=S&from=K`` the training's events from index K as a Server-Sent-Events stream;
- ``POST /api/data`` build a dataset, ``/api/train`` start training, ``/api/stop``, ``/api/reset``,
  ``/api/save`` write a run folder under the folder chosen at launch.

Bad values get HTTP 400 with the CLI's one-line message; the server never dies of a request.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import signal
import sys
import threading
import time
import webbrowser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

from cubenet.errors import CubenetError
from cubenet.nn.train import snapshot_schedule
from cubenet.play.guard import Guard, Refused, read_json_body
from cubenet.play.sessions import Manager
from cubenet.run.experiment import Seeds
from cubenet.run.folder import save_run
from cubenet.run.metrics import stratified_subset
from cubenet.viz.explorer import explorer_data
from cubenet.viz.explorer.page import page_html

#: points of a dataset sent to the page (a stratified subset; the training uses every point)
VIEW_POINTS = 2500
RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class PlayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address, manager: Manager, runs_root: Path, page: str):
        super().__init__(address, Handler)
        self.manager, self.runs_root, self.page = manager, runs_root, page
        self.guard = Guard.for_server(address[0], self.server_address[1])

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up or stalls is normal; anything else is one line, never a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            print(f"cubenet play: a request failed: {type(exc).__name__}: {exc}", file=sys.stderr)

    @property
    def url(self) -> str:
        host = self.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server_address[1]}/?token={self.guard.token}"


class Handler(BaseHTTPRequestHandler):
    server: PlayServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed-ACK stall per request)
    timeout = 20  # seconds a client may take to send its request (a half-sent request does not hold a thread)
    server_version = "cubenet-play"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass

    # --- plumbing -------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict, extra: dict | None = None) -> None:
        self._send(status, json.dumps(payload, allow_nan=False).encode(), "application/json", extra)

    def _handle(self, routes: dict) -> None:
        try:
            from_url = self.server.guard.check(self.path, self.headers)
            route = routes.get(urlsplit(self.path).path)
            if route is None:
                raise Refused(404, f"no such page: {urlsplit(self.path).path}")
            route(from_url)
        except Refused as exc:
            self._json(exc.status, {"error": exc.message})
        except CubenetError as exc:
            self._json(400, {"error": str(exc)})
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # noqa: BLE001 - one request's failure never stops the server
            try:
                self._json(500, {"error": f"unexpected {type(exc).__name__}: {exc}"})
            except OSError:
                pass

    def do_GET(self):  # noqa: N802
        self._handle({"/": self._page, "/api/state": self._state, "/api/events": self._events,
                      "/api/explorer": self._explorer})

    def do_POST(self):  # noqa: N802
        self._handle({"/api/data": self._data, "/api/train": self._train, "/api/stop": self._stop,
                      "/api/reset": self._reset, "/api/save": self._save})

    def _refuse_method(self):
        self._json(405, {"error": f"{self.command} is not supported; the page uses GET and POST"},
                   {"Allow": "GET, POST"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method  # noqa: N815

    def _query(self, name: str, default=None):
        return parse_qs(urlsplit(self.path).query).get(name, [default])[0]

    def _body(self) -> dict:
        return read_json_body(self.headers, self.rfile)

    # --- routes ---------------------------------------------------------------------------------
    def _page(self, from_url: bool) -> None:
        headers = {"Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                   "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'"}
        if from_url:
            headers["Set-Cookie"] = self.server.guard.cookie_header()
        self._send(200, self.server.page.encode(), "text/html; charset=utf-8", headers)

    def _data(self, _from_url) -> None:
        body = self._body()
        spec, dataset = self.server.manager.set_data(body.get("session"), body)
        self._json(200, {"data": spec.as_dict(), **dataset_payload(dataset)})

    def _train(self, _from_url) -> None:
        body = self._body()
        job = self.server.manager.start(body.get("session"), body)
        self._json(200, {"state": job.state, "command": job.command})

    def _stop(self, _from_url) -> None:
        body = self._body()
        manager = self.server.manager
        asked = manager.stop(body.get("session"))
        job = manager.session(body.get("session")).job
        if asked and job is not None:
            deadline = time.monotonic() + 0.5
            while job.state == "running" and time.monotonic() < deadline:
                time.sleep(0.01)
        self._json(200, {"stopped": asked, "state": job.state if job else "idle"})

    def _reset(self, _from_url) -> None:
        body = self._body()
        session = self.server.manager.session(body.get("session"))
        self.server.manager.stop(body.get("session"))
        session.job = None
        self._json(200, {"state": "idle"})

    def _state(self, _from_url) -> None:
        session = self.server.manager.session(self._query("session"))
        job = session.job
        payload = {"data": session.data.as_dict() if session.data else None,
                   "state": job.state if job else "idle", "events": len(job.events) if job else 0,
                   "command": job.command if job else None,
                   "last": job.events[-1] if job and job.events else None}
        self._json(200, payload)

    def _explorer(self, _from_url) -> None:
        """The explorer of the tab's training: ``?as=html`` the page (the same as a run folder's explorer.html),
        ``?as=data`` its data alone, which the page posts into the frame; while training, of the latest epoch."""
        job = self.server.manager.session(self._query("session")).job
        form = self._query("as", "html")
        if form not in ("html", "data"):
            raise Refused(400, f"as must be html or data, got {form!r}")
        if job is None or (job.result is None and not job.snapshot):
            raise Refused(409, "there is nothing to explore yet; press Train")
        if job.result is None:
            data = live_explorer_data(job)
            self._json(200, {"final": False, **({"data": data} if form == "data" else {"html": page_of(data)})})
        else:
            self._json(200, {"final": True, **({"data": explorer_final(job)[0]} if form == "data"
                                               else {"html": explorer_final(job)[1]})})

    def _events(self, _from_url) -> None:
        session = self.server.manager.session(self._query("session"))
        job = session.job
        if job is None:
            raise Refused(409, "nothing is training in this tab; press Train first")
        try:
            start = max(0, int(self._query("from", "0")))
        except ValueError:
            raise Refused(400, "from must be a whole number") from None
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        while True:
            events = job.wait_events(start, timeout=10.0)
            chunk = "".join(f"id: {start + i}\ndata: {json.dumps(e, allow_nan=False)}\n\n" for i, e in enumerate(events))
            self.wfile.write((chunk or ": still training\n\n").encode())
            self.wfile.flush()
            start += len(events)
            if job.closed.is_set() and start >= len(job.events):
                return

    def _save(self, _from_url) -> None:
        body = self._body()
        name = body.get("name")
        if not isinstance(name, str) or not RUN_NAME.match(name) or name in (".", ".."):
            raise CubenetError("a run name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        root = self.server.runs_root.resolve()
        target = (root / name).resolve()
        if target.parent != root:
            raise Refused(400, "a saved run must stay inside the folder chosen at launch")
        job = self.server.manager.session(body.get("session")).job
        if job is None or job.result is None:
            raise Refused(409, "there is no finished training to save; press Train and let it finish (or Stop)")
        path = save_job(job, target)
        self._json(200, {"saved": str(path), "render": f"cubenet render {path}"})


def dataset_payload(dataset) -> dict:
    """What the page draws of a dataset: a stratified subset of the training points as base64 float32."""
    idx = stratified_subset(dataset.y_train, VIEW_POINTS, rng=0)
    X = np.ascontiguousarray(dataset.X_train[idx], dtype=np.float32)
    return {"n_features": int(dataset.n_features), "n_classes": int(dataset.n_classes),
            "class_names": list(map(str, dataset.class_names)), "class_colors": list(map(str, dataset.class_colors)),
            "kind": dataset.meta.get("kind"), "scramble": dataset.meta.get("scramble"),
            "points": base64.b64encode(X.tobytes()).decode(), "labels": dataset.y_train[idx].astype(int).tolist(),
            "n_train": int(len(dataset.y_train)), "n_test": int(len(dataset.y_test))}


def page_of(data: dict) -> str:
    return page_html(data)


def explorer_final(job) -> tuple[dict, str]:
    """(data, page) of a finished job's explorer, with every view's display fidelity (built once, then kept)."""
    with job.changed:
        cached = getattr(job, "explorer", None)
    if cached is None:
        model, history = job.result
        data = explorer_data(model, job.dataset, snapshots=history.snapshots)
        cached = (data, page_of(data))
        with job.changed:
            job.explorer = cached
    return cached


def live_explorer_data(job) -> dict:
    """The explorer's data for the epoch a running job reached last (one epoch, no fidelity probes: quick)."""
    epoch, model = job.snapshot
    return explorer_data(model, job.dataset, snapshots=[(epoch, model.params)], max_epochs=1, fidelity=False)


def save_job(job, target: Path) -> Path:
    """A finished training as a normal run folder (the code path of ``cubenet learn``): the same files,
    byte for byte, as the page's command writes (the live view kept every epoch's parameters; the folder
    keeps the snapshots ``cubenet learn`` keeps)."""
    model, history = job.result
    config = job.train.config()
    wanted = set(snapshot_schedule(config.epochs, config.n_snapshots))
    snapshots = tuple(s for s in history.snapshots if s[0] in wanted) + (history.snapshots[-1],)
    snapshots = tuple(dict((e, (e, p)) for e, p in snapshots).values())  # the final one once
    history = dataclasses.replace(history, snapshots=snapshots)
    training = {**model.config["training"], "snapshot_epochs": config.snapshot_epochs}
    model = dataclasses.replace(model, config={**model.config, "training": training})
    return save_run(target, job.dataset, model, history, command=job.command + f" -o {target}",
                    seed=Seeds(job.train.seed), config=model.config)


def serve(manager: Manager, *, host: str, port: int, runs_root: Path, page: str, open_browser: bool,
          announce=print) -> int:
    """Serve until Ctrl-C (or SIGTERM); stop every training and close the port; return 0."""
    server = PlayServer((host, port), manager, runs_root, page)
    announce(server.url)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()

    def terminate(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        manager.shutdown()
        server.server_close()
    print("cubenet play stopped.", file=sys.stderr)
    return 0
