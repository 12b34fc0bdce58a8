"""The report in a real browser: headless Chromium renders it, the headings and the animation player are there."""

import os
import shutil
import subprocess

import numpy as np
import pytest

from cubenet.viz.report import write_report
from vizrun import saved_run, small_cube

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_chromium():
    """The Chromium executable; skipped locally when there is none, a failure in CI (CI set)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("no Chromium found, but CI is set: install Debian's 'chromium' package (.ci/run does)")
    pytest.skip("no Chromium installed (apt-get install chromium); this test runs in CI")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    chromium = find_chromium()
    run = saved_run(tmp_path_factory.mktemp("viz") / "cube", small_cube(900))
    return chromium, write_report(run), tmp_path_factory.mktemp("chromium-profile")


def run_chromium(chromium, profile, *args):
    from pages import browser_env, short_tmp

    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={short_tmp()}", *args],
                            capture_output=True, text=True, timeout=180, env=browser_env())
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image

    chromium, path, profile = report
    shot = tmp_path / "report.png"
    run_chromium(chromium, profile, f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri())
    with Image.open(shot) as im:
        assert im.size == (1280, 2000)
        pixels = np.asarray(im.convert("RGB"))
    assert pixels.std() > 20  # text, tables and figures, not an empty page
    dark = (pixels.sum(axis=2) < 200).mean()
    assert 0.002 < dark < 0.5  # some dark text and drawing, on a light page
    assert len(np.unique(pixels.reshape(-1, 3)[::37], axis=0)) > 50  # colour figures, not only text


def test_dom_has_the_headings_and_a_working_explorer(report):
    from pages import browser

    chromium, path, profile = report
    dom = run_chromium(chromium, profile, "--virtual-time-budget=3000", "--dump-dom", path.as_uri())
    assert "<h1>cubenet run: color-cube</h1>" in dom
    for heading in ("Explore it", "What the network answers", "Inside the network, layer by layer",
                    "The unscrambling curve", "Learning over time", "The numbers"):
        assert f"<h2>{heading}</h2>" in dom
    with browser() as driver:  # the explorer inside the report (an iframe srcdoc) runs and draws
        driver.get(path.as_uri())
        driver.switch_to.frame(driver.find_element("css selector", "iframe.cubenet-explorer"))
        state = driver.execute_script("return window.cubenetExplorer && cubenetExplorer.state()")
        assert state and state["n"] > 0 and state["type"] == "mlp"
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
