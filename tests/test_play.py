"""cubenet play, tested like users use it: a real HTTP client against a server on a free loopback port."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from cubenet.play.page import play_page
from cubenet.play.server import PlayServer
from cubenet.play.sessions import MAX_RUNNING, Manager

FAST = {"data": {"name": "color-cube", "n": 1200, "params": {"twists": 1}}, "training": {"epochs": 5}}
SLOW = {"data": {"name": "color-cube", "n": 3000, "params": {"twists": 3}}, "training": {"epochs": 2000}}


@pytest.fixture()
def server(tmp_path):
    srv = PlayServer(("127.0.0.1", 0), Manager(), tmp_path / "runs", play_page())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.manager.shutdown()
    srv.shutdown()
    srv.server_close()


def request(srv, method, path, body=None, *, token=True, host=None, headers=None, raw=None):
    """One request; returns (status, parsed JSON or text)."""
    port = srv.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Host": host or f"127.0.0.1:{port}", **(headers or {})}
    if token:
        h["X-Cubenet-Token"] = srv.guard.token if token is True else token
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    if data is not None:
        h.setdefault("Content-Type", "application/json")
        h.setdefault("Content-Length", str(len(data)))
    conn.request(method, path, body=data, headers=h)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    try:
        return response.status, json.loads(text)
    except json.JSONDecodeError:
        return response.status, text


def events(srv, session, timeout=60):
    """Every event of the session's training, read from the Server-Sent-Events stream until it closes."""
    port = srv.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", f"/api/events?session={session}", headers={"Host": f"127.0.0.1:{port}",
                                                                    "X-Cubenet-Token": srv.guard.token})
    response = conn.getresponse()
    assert response.status == 200
    out = [json.loads(line[5:]) for line in response.read().decode().splitlines() if line.startswith("data:")]
    conn.close()
    return out


def test_the_page_needs_the_token(server):
    assert request(server, "GET", "/", token=False)[0] == 403
    assert request(server, "GET", "/", token="wrong-token")[0] == 403
    status, page = request(server, "GET", "/")
    assert status == 200 and "cubenet play" in page
    assert request(server, "GET", f"/?token={server.guard.token}", token=False)[0] == 200


@pytest.mark.parametrize("headers", [{"Host": "evil.example:80"}, {"Host": "attacker.test"},
                                     {"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_other_hosts_and_origins_get_403(server, headers):
    host = headers.pop("Host", None)
    status, body = request(server, "POST", "/api/train", {"session": "abcdefgh", **FAST}, host=host, headers=headers)
    assert status == 403 and body["error"]
    assert server.manager.sessions == {}       # nothing was done


def test_the_page_origin_is_allowed(server):
    port = server.server_address[1]
    status, body = request(server, "POST", "/api/data", {"session": "abcdefgh", **FAST},
                           headers={"Origin": f"http://127.0.0.1:{port}"})
    assert status == 200, body
    assert body["n_features"] == 3 and len(body["labels"]) <= 2500


@pytest.mark.parametrize("raw, status, match", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "must be a JSON object"),
    (b"\xff\xfe", 400, "not valid JSON"),
])
def test_malformed_bodies_get_400_with_the_message(server, raw, status, match):
    code, body = request(server, "POST", "/api/train", raw=raw)
    assert code == status and match in body["error"]


def test_an_oversized_body_gets_413_before_it_is_read(server):
    code, body = request(server, "POST", "/api/train", raw=b"{}", headers={"Content-Length": str(10 ** 8)})
    assert code == 413 and "limit" in body["error"]


@pytest.mark.parametrize("change, match", [
    ({"training": {"lr": -1}}, "learning rate must be > 0"),
    ({"training": {"optimizer": "adma"}}, "unknown optimizer 'adma'"),
    ({"training": {"epochs": 0}}, "epochs must be"),
    ({"training": {"colour": 1}}, "unknown training setting 'colour'"),
    ({"network": {"hidden": [16, 0]}}, r"hidden\[1\] must be an integer between 1 and 256"),
    ({"data": {"name": "nope"}}, "unknown dataset 'nope'"),
    ({"data": {"name": "color-cube", "params": {"twists": -3}}}, "twists"),
    ({"data": {"name": "color-cube", "params": {"moves": "R Q"}}}, "Q"),
    ({"seed": -1}, "seed must be an integer"),
])
def test_every_parameter_is_validated_like_the_cli(server, change, match):
    code, body = request(server, "POST", "/api/train", {"session": "abcdefgh", **FAST, **change})
    assert code == 400 and re.search(match, body["error"]), body


def test_a_training_streams_its_epochs_and_can_be_saved(server, tmp_path):
    code, body = request(server, "POST", "/api/train", {"session": "tab-one-1", **FAST})
    assert code == 200 and body["command"].startswith("cubenet scramble color-cube")
    stream = events(server, "tab-one-1")
    epochs = [e["epoch"] for e in stream if e["type"] == "epoch"]
    assert epochs == list(range(6))
    done = next(e for e in stream if e["type"] == "done")
    assert done["state"] == "done" and 0 <= done["test_accuracy"] <= 1
    assert len(stream[-1]["probes"]) == 5       # input, three hidden layers, the output (the final numbers)
    for bad in ("../escape", "/etc/x", "..", "a/b", ".hidden", "x" * 65):
        code, answer = request(server, "POST", "/api/save", {"session": "tab-one-1", "name": bad})
        assert code == 400, (bad, answer)
    assert not (tmp_path / "escape").exists()
    code, answer = request(server, "POST", "/api/save", {"session": "tab-one-1", "name": "saved"})
    assert code == 200, answer
    from cubenet.run import load_run

    run = load_run(tmp_path / "runs" / "saved")
    assert run.metrics["test_accuracy"] == done["test_accuracy"]
    assert_command_reproduces(body["command"], tmp_path, tmp_path / "runs" / "saved")   # the page's command


def assert_command_reproduces(command: str, folder, saved, names=("model.npz", "metrics.json", "history.csv",
                                                                   "snapshots.npz")) -> None:
    """Run the page's ``cubenet scramble … && cubenet learn …`` in ``folder``: the same files, byte for byte."""
    import shlex

    from typer.testing import CliRunner

    from cubenet.cli import app

    here = os.getcwd()
    os.chdir(folder)
    try:
        for part in command.split(" && "):
            args = shlex.split(part)[1:] + (["--no-render", "-o", "again"] if part.startswith("cubenet learn") else [])
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, result.output
    finally:
        os.chdir(here)
    for name in names:
        assert (folder / "again" / name).read_bytes() == (saved / name).read_bytes(), name


def test_a_step_network_trains_and_its_command_reproduces_it(server, tmp_path):
    body = {"session": "tab-steps-1", "data": {"name": "spirals", "n": 600}, "network": {"steps": 3, "inner": 8},
            "training": {"epochs": 4}}
    code, answer = request(server, "POST", "/api/train", body)
    assert code == 200 and "--steps 3 --inner 8" in answer["command"] and "--hidden" not in answer["command"]
    stream = events(server, "tab-steps-1")
    assert next(e for e in stream if e["type"] == "done")["state"] == "done"
    assert len(stream[-1]["probes"]) == 5                     # the input, three steps, the output
    code, page = request(server, "GET", "/api/explorer?session=tab-steps-1")
    assert code == 200 and page["html"].lstrip().lower().startswith("<!doctype html") and "http" not in page["html"]
    assert request(server, "POST", "/api/save", {"session": "tab-steps-1", "name": "steps"})[0] == 200
    assert_command_reproduces(answer["command"], tmp_path, tmp_path / "runs" / "steps")


@pytest.mark.parametrize("network, match", [
    ({"steps": 3, "hidden": [4]}, "not both"),
    ({"steps": 0}, "steps must be"),
    ({"steps": 2, "inner": 500}, "inner must be"),
])
def test_step_settings_are_validated(server, network, match):
    code, body = request(server, "POST", "/api/train", {"session": "tab-bad-steps", **FAST, "network": network})
    assert code == 400 and re.search(match, body["error"]), body


def test_a_dead_network_is_reported_in_the_page(server):
    body = {"session": "tab-dead-1", "data": {"name": "spirals", "n": 600}, "seed": 0,
            "training": {"optimizer": "adam", "lr": 10, "epochs": 10}}
    assert request(server, "POST", "/api/train", {**body, "seed": 2})[0] == 200
    done = next(e for e in events(server, "tab-dead-1") if e["type"] == "done")
    assert done["state"] == "done"   # seed 2 collapses (every ReLU of layer 3 dies): said, with what to change
    assert any("ended at chance" in w and "is dead" in w and "learning rate" in w for w in done["warnings"]), done
    assert request(server, "GET", "/api/state?session=tab-dead-1")[0] == 200   # and the server keeps serving


def test_the_explorer_waits_for_a_training_and_follows_it_live(server):
    code, body = request(server, "GET", "/api/explorer?session=tab-nothing-1")
    assert code == 409 and "nothing to explore yet" in body["error"]
    assert request(server, "POST", "/api/train", {"session": "tab-live-1", **SLOW})[0] == 200
    seen = []
    deadline = time.monotonic() + 60
    while len(set(seen)) < 2 and time.monotonic() < deadline:
        code, body = request(server, "GET", "/api/explorer?session=tab-live-1&as=data")
        if code == 200:
            assert body["final"] is False
            seen.append(body["data"]["epochs"][-1]["epoch"])
        time.sleep(0.2)
    assert len(set(seen)) >= 2 and seen == sorted(seen)    # later epochs while it trains
    code, body = request(server, "GET", "/api/explorer?session=tab-live-1&as=pdf")
    assert code == 400 and "as must be html or data" in body["error"]
    request(server, "POST", "/api/stop", {"session": "tab-live-1"})
    code, body = request(server, "GET", "/api/explorer?session=tab-live-1&as=data")
    assert code == 200 and body["final"] is True


def test_two_tabs_train_apart_and_a_third_is_refused(server):
    for sid in ("tab-a-123", "tab-b-123"):
        assert request(server, "POST", "/api/train", {"session": sid, **SLOW})[0] == 200
    code, body = request(server, "POST", "/api/train", {"session": "tab-c-123", **SLOW})
    assert code == 429 and f"{MAX_RUNNING} trainings are already running" in body["error"]
    a, b = (server.manager.sessions[s].job for s in ("tab-a-123", "tab-b-123"))
    assert a is not b and a.dataset is not b.dataset
    for sid in ("tab-a-123", "tab-b-123"):
        code, body = request(server, "POST", "/api/stop", {"session": sid})
        assert code == 200 and body["stopped"] and body["state"] == "stopped"   # the endpoint waits at most 0.5 s
    assert request(server, "POST", "/api/train", {"session": "tab-c-123", **FAST})[0] == 200


def test_the_server_survives_200_malformed_requests(server):
    port = server.server_address[1]
    for i in range(200):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall([b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"POST /api/train HTTP/1.1\r\n"
                       b"Host: 127.0.0.1:%d\r\nX-Cubenet-Token: %s\r\nContent-Length: 5\r\n\r\n{]]]" % (
                           port, server.guard.token.encode()), b"\x00\x01\x02"][i % 4])
            s.shutdown(socket.SHUT_WR)      # a client that sends half a request and hangs up
            try:
                s.recv(1024)
            except OSError:
                pass
    assert request(server, "GET", "/")[0] == 200


def test_sigint_stops_the_server_cleanly():
    proc = subprocess.Popen([sys.executable, "-m", "cubenet", "play", "--no-browser", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", proc.stdout.readline())
    port, token = int(url.group(1)), url.group(2)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"session": "abcdefgh", **SLOW}).encode()
    conn.request("POST", "/api/train", body=body, headers={"Host": f"127.0.0.1:{port}", "X-Cubenet-Token": token,
                                                           "Content-Type": "application/json"})
    assert conn.getresponse().status == 200
    conn.close()
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    with socket.socket() as s:            # the port is free again
        s.bind(("127.0.0.1", port))


def test_the_page_trains_the_default_cube_live_in_chromium(server, tmp_path):
    from pages import browser

    with browser(tmp_path) as driver:
        driver.get(server.url)
        wait = lambda cond, timeout=60: _wait(driver, cond, timeout)   # noqa: E731
        wait("return window.cubenetPlay.state().dataVersion >= 1")
        assert driver.execute_script("return window.cubenetPlay.state().data.n_train") == 7500   # the default cube: 10,000 points, a quarter held out
        driver.find_element("id", "train").click()
        seen = set()
        while not driver.execute_script("return window.cubenetPlay.state().final === true"):
            n = driver.execute_script("return window.cubenetPlay.state().epochs.length")
            if n:
                seen.add(n)
            assert len(seen) < 1000
            time.sleep(0.05)
        assert len(seen) >= 3                    # the curve grew while training, not only at the end
        probes = driver.execute_script("return window.cubenetPlay.state().probes")
        assert len(probes) == 5 and probes[-2] > probes[0]       # the last hidden layer reads more than the input
        assert "done" in driver.find_element("id", "status").text
        assert driver.find_element("id", "command").text.startswith("cubenet scramble color-cube")
        wait("return window.cubenetPlay.state().explorer === true")       # the explorer of the trained network
        time.sleep(1.0)  # let the frame paint before the screenshots
        driver.switch_to.frame(driver.find_element("id", "explorer"))
        wait("return !!(window.cubenetExplorer && window.cubenetExplorer.state())")
        layers = driver.execute_script("return window.cubenetExplorer.state().layer")
        assert layers is not None
        driver.switch_to.default_content()
        driver.save_screenshot(str(tmp_path / "play-trained.png"))
        driver.execute_script("document.getElementById('explorer').scrollIntoView()")
        driver.save_screenshot(str(tmp_path / "play-explorer.png"))
        before = driver.execute_script("return window.cubenetPlay.state().dataVersion")
        driver.find_element("xpath", "//div[@id='moves']/button[text()='R']").click()
        wait(f"return window.cubenetPlay.state().dataVersion > {before}")
        assert driver.execute_script("return window.cubenetPlay.state().data.scramble") == "R"
        driver.save_screenshot(str(tmp_path / "play-R.png"))
        assert driver.get_log("browser") == []


def test_the_pages_explorer_follows_a_training_live_in_chromium(server, tmp_path):
    from pages import browser

    with browser(tmp_path) as driver:
        driver.get(server.url)
        _wait(driver, "return window.cubenetPlay.state().dataVersion >= 1", 60)
        epochs = driver.find_element("id", "epochs")
        epochs.clear()
        epochs.send_keys("400")
        driver.find_element("id", "train").click()
        _wait(driver, "return window.cubenetPlay.state().explorerEpochs.length >= 3", 90)   # the frame, then 2 updates
        shown = driver.execute_script("return window.cubenetPlay.state().explorerEpochs")
        assert shown[0] == -1 and shown[1:] == sorted(shown[1:]) and shown[-1] > 0, shown
        driver.switch_to.frame(driver.find_element("id", "explorer"))
        assert driver.execute_script("return window.cubenetExplorer.state().epochNumber") >= shown[1]
        driver.switch_to.default_content()
        driver.find_element("id", "stop").click()
        _wait(driver, "return window.cubenetPlay.state().explorer === true", 90)        # the final one, posted in
        driver.save_screenshot(str(tmp_path / "play-live.png"))
        assert driver.get_log("browser") == []


def _wait(driver, script, timeout):
    deadline = time.monotonic() + timeout
    while not driver.execute_script(script):
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.05)
