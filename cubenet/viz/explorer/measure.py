"""Measure the explorer (a script, not a test): file sizes, first paint, redraw time, step positions vs numpy.

    python -m cubenet.viz.explorer.measure [RUN_DIR] [--repeat 5]

RUN_DIR defaults to a fresh ``cubenet learn`` (the default cube run) in a temporary folder. Needs
Chromium and ChromeDriver (Debian: chromium, chromium-driver) and selenium. Prints one line per number.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np

from cubenet.data.cube import make_color_cube
from cubenet.viz.explorer import explore, write_explorer
from cubenet.viz.explorer.encode import decode

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,720")


def chromium():
    from selenium import webdriver  # (optional dependency: the page is measured in a real browser)
    from selenium.webdriver.chrome.service import Service

    binary = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver = shutil.which("chromedriver")
    if not (binary and driver):
        sys.exit("measure needs Chromium and ChromeDriver (apt-get install chromium chromium-driver)")
    tmp = tempfile.mkdtemp(prefix="cx-measure-", dir="/tmp")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp}")
    return webdriver.Chrome(service=Service(driver, env={**os.environ, "TMPDIR": tmp}), options=options), tmp


def first_paint(driver, uri: str, explorer: bool) -> float:
    """Milliseconds from navigation start to the first contentful paint (and, for the explorer, its first drawing)."""
    driver.get(uri)
    for _ in range(200):
        got = driver.execute_script(
            "const p = performance.getEntriesByName('first-contentful-paint')[0];"
            "const m = performance.getEntriesByName('cubenet-explorer-drawn')[0];"
            "return [p ? p.startTime : null, m ? m.startTime : null];")
        if got[0] is not None and (not explorer or got[1] is not None):
            return max(got[0], got[1] or 0.0)
        time.sleep(0.02)
    raise RuntimeError(f"no paint recorded for {uri}")


def default_run(folder: Path) -> Path:
    run = folder / "cube"
    subprocess.run([sys.executable, "-m", "cubenet", "learn", "-o", str(run)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return run


def step_check(driver, folder: Path) -> float:
    """Largest |page − numpy| / max|numpy| over every step boundary of a step network's page.

    Uses cubenet.nn.steps when it has ``make_step_model``-free models to offer; otherwise a stand-in with the
    agreed interface (random steps h ← h + relu(h·W + b)·V + c), which is what the page's data path sees.
    """
    ds = make_color_cube(4000, twists=3, rng=0)
    rng = np.random.default_rng(0)
    steps = [(rng.normal(size=(3, 8)) * 0.8, rng.normal(size=8) * 0.3, rng.normal(size=(8, 3)) * 0.25,
              rng.normal(size=3) * 0.05) for _ in range(6)]
    mean, scale = ds.X_train.mean(axis=0), ds.X_train.std(axis=0)

    class StepModel:  # what the explorer sees of a step model: is_step_model and step_states
        params = steps

    def step_states(model, X):
        h = (np.asarray(X, float) - mean) / scale
        out = [h]
        for W, b, V, c in model.params:
            h = h + np.maximum(h @ W + b, 0) @ V + c
            out.append(h)
        return out

    saved = sys.modules.get("cubenet.nn.steps")
    sys.modules["cubenet.nn.steps"] = types.SimpleNamespace(is_step_model=lambda m: isinstance(m, StepModel),
                                                            step_states=step_states)
    try:
        page = explore(StepModel(), ds)
    finally:
        if saved is None:
            sys.modules.pop("cubenet.nn.steps", None)
        else:
            sys.modules["cubenet.nn.steps"] = saved
    path = page.save(folder / "steps.html")

    X = decode(page.data["points"]["x"]).astype(float)
    states = step_states(StepModel(), X)
    driver.get(path.as_uri())
    time.sleep(0.5)
    worst = 0.0
    for r, ref in enumerate(states):
        got = np.array(driver.execute_script("return cubenetExplorer.positions(arguments[0], undefined, {raw: true})",
                                             r)).reshape(-1, 3)
        worst = max(worst, float(np.abs(got - ref).max() / np.abs(ref).max()))
    return worst


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", help="a run folder (default: a fresh 'cubenet learn')")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="cx-measure-"))
    run = Path(args.run) if args.run else default_run(folder)
    explorer, report = run / "explorer.html", run / "report.html"
    if not explorer.is_file():
        write_explorer(run)
    print(f"explorer.html: {explorer.stat().st_size:,} bytes")
    if report.is_file():
        print(f"report.html: {report.stat().st_size:,} bytes")
    blank = folder / "blank.html"
    blank.write_text("<!doctype html><html><body><p>blank</p></body></html>")
    driver, tmp = chromium()
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
        pairs = [(first_paint(driver, blank.as_uri(), False), first_paint(driver, explorer.as_uri(), True))
                 for _ in range(args.repeat)]
        b, e = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        print(f"first paint: blank {b:.0f} ms, explorer {e:.0f} ms (drawn), difference {e - b:.0f} ms "
              f"(medians of {args.repeat} side-by-side loads)")
        driver.get(explorer.as_uri())
        time.sleep(0.5)
        driver.execute_script("cubenetExplorer.set({layer: 2, grid: true})")
        times = [driver.execute_script("return cubenetExplorer.timeRedraw(60)") for _ in range(args.repeat)]
        t = times[0]
        print(f"redraw while scrubbing: median {statistics.median(x['median'] for x in times):.2f} ms, "
              f"worst {max(x['max'] for x in times):.2f} ms ({t['points']:,} points + {t['gridPoints']:,} grid points, "
              f"{args.repeat} × 60 redraws)")
        print(f"step network: page positions vs numpy, max relative error {step_check(driver, folder):.2e} "
              "(at every step boundary)")
    finally:
        driver.quit()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
