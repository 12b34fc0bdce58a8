"""Measure the playground as a user feels it: ``python -m cubenet.play.measure [--trainings 50]``.

Prints, for the default cube: the time from pressing Train to the first streamed epoch and to the last
(median of 5), requests per second on the page's state endpoint (one keep-alive client), and the
server's resident memory before and after N trainings in a row. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from cubenet.play.page import play_page
from cubenet.play.server import PlayServer
from cubenet.play.sessions import Manager

DEFAULT = {"data": {"name": "color-cube", "n": 10000, "params": {"twists": 3}}, "training": {"epochs": 60}}


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # (POSIX only)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Client:
    def __init__(self, server: PlayServer):
        self.port, self.token = server.server_address[1], server.guard.token
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def headers(self) -> dict:
        return {"Host": f"127.0.0.1:{self.port}", "X-Cubenet-Token": self.token, "Content-Type": "application/json"}

    def post(self, path: str, body: dict) -> dict:
        self.conn.request("POST", path, body=json.dumps(body), headers=self.headers())
        return json.loads(self.conn.getresponse().read())

    def get(self, path: str) -> bytes:
        self.conn.request("GET", path, headers=self.headers())
        return self.conn.getresponse().read()

    def train_and_follow(self, session: str) -> tuple[float, float]:
        """Seconds from the Train request to the first epoch event and to the 'done' event."""
        start = time.perf_counter()
        self.post("/api/train", {"session": session, **DEFAULT})
        stream = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        stream.request("GET", f"/api/events?session={session}", headers=self.headers())
        response, first = stream.getresponse(), None
        for line in response:
            if line.startswith(b"data:"):
                event = json.loads(line[5:])
                first = first or time.perf_counter() - start
                if event["type"] == "done":
                    stream.close()
                    return first, time.perf_counter() - start
        raise RuntimeError("the stream ended without a 'done' event")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainings", type=int, default=50)
    args = parser.parse_args(argv)
    server = PlayServer(("127.0.0.1", 0), Manager(), Path(tempfile.mkdtemp()), play_page())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = Client(server)
    times = [client.train_and_follow(f"measure-{i:04d}") for i in range(5)]
    print(f"Train → first epoch: {statistics.median(t[0] for t in times):.3f} s; → finished: "
          f"{statistics.median(t[1] for t in times):.3f} s (median of 5, default cube, 60 epochs)")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < 2.0:
        client.get("/api/state?session=measure-0000")
        count += 1
    print(f"state endpoint: {count / (time.perf_counter() - start):,.0f} requests/s (one keep-alive client)")
    before = rss_mb()
    for _ in range(args.trainings):
        client.train_and_follow("measure-memory")
    print(f"memory: {before:.0f} MB after 5 trainings, {rss_mb():.0f} MB after {args.trainings} more in a row")
    server.manager.shutdown()
    server.shutdown()


if __name__ == "__main__":
    main()
