"""The explorer in a real browser (headless Chromium): it loads offline, its numbers are numpy's, it turns and scrubs.

Screenshots are kept in the test's temporary folder (``explorer-shots``) as CI artefacts.
"""

import json
import re
import time

import numpy as np
import pytest

from cubenet.viz.explorer import explore, write_explorer
from cubenet.viz.explorer.encode import decode
from vizrun import saved_run, small_cube, small_spirals


def page_data(path):
    """The data embedded in an explorer page, exactly as the page reads it."""
    html = path.read_text(encoding="utf-8")
    text = re.search(r'<script type="application/json" id="cx-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(text.replace("<\\/", "</"))


def five_feature_csv(path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] * X[:, 1] + X[:, 2] > 0).astype(int) + (X[:, 3] > 0.9)
    lines = ["a,b,c,d,e,label"] + [",".join(f"{v:.4f}" for v in row) + f",kind{k}" for row, k in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    from cubenet.data.csvio import read_csv

    return read_csv(path, rng=0)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """One explorer page per dataset kind (cube, 2-D, digits, a 5-feature CSV) and a step network."""
    import stepfake
    from cubenet.data.digits import make_digits

    base = tmp_path_factory.mktemp("explorer")
    out = {"shots": base / "explorer-shots"}
    out["shots"].mkdir()
    runs = {"cube": saved_run(base / "cube", small_cube(900), hidden=(8, 8)),
            "planar": saved_run(base / "spirals", small_spirals(400), hidden=(8, 8), epochs=20),
            "digits": saved_run(base / "digits", make_digits(600, rng=0), hidden=(16,), epochs=10),
            "table": saved_run(base / "table", five_feature_csv(base / "five.csv"), hidden=(6, 6), epochs=15)}
    for kind, run in runs.items():
        out[kind] = (run, write_explorer(run))
    undo = stepfake.install()
    try:
        ds = small_cube(600)
        model = stepfake.make_step_model(ds)
        out["steps"] = ((model, ds), explore(model, ds).save(base / "steps.html"))
    finally:
        undo()
    return out


@pytest.fixture(scope="module")
def driver():
    from pages import browser

    with browser() as d:
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
        yield d


def open_page(driver, path):
    driver.get_log("browser")  # what earlier tests left
    driver.get(path.as_uri())
    for _ in range(100):
        if driver.execute_script("return !!(window.cubenetExplorer && window.cubenetExplorer.state)"):
            break
        time.sleep(0.05)
    draw_now(driver)
    return driver.execute_script("return cubenetExplorer.state()")


def draw_now(driver):
    driver.execute_script("cubenetExplorer.drawNow()")


def pixels(driver, canvas_id):
    """The canvas's pixels as a numpy array (height, width, 4)."""
    data = driver.execute_script(
        "const c = document.getElementById(arguments[0]); const g = c.getContext('2d');"
        "return [c.width, c.height, Array.from(g.getImageData(0, 0, c.width, c.height).data)];", canvas_id)
    return np.array(data[2], dtype=np.uint8).reshape(data[1], data[0], 4)


def shot(driver, pages, name):
    driver.save_screenshot(str(pages["shots"] / f"{name}.png"))


@pytest.mark.parametrize("kind", ["cube", "planar", "digits", "table", "steps"])
def test_every_kind_loads_offline_without_errors(driver, pages, kind):
    _, path = pages[kind]
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"(?i)(https?|wss?|ftp):", html)
    state = open_page(driver, path)
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert driver.execute_script("return document.querySelectorAll('[src], link[href]').length") == 0
    assert state["n"] > 0 and state["layer"] == state["L"]
    for canvas in ("cx-layer", "cx-input", "cx-curve", "cx-heat"):
        px = pixels(driver, canvas)
        assert (px[..., 3] > 0).mean() > 0.01, f"{canvas} is blank"
    shot(driver, pages, f"{kind}-top")
    driver.execute_script("window.scrollTo(0, 700)")
    shot(driver, pages, f"{kind}-bottom")
    words = driver.execute_script("return document.body.innerText").lower().replace("cubenet", "")
    if kind in ("cube", "steps"):
        assert "sticker" in words
    else:
        assert "cube" not in words and "sticker" not in words


def test_no_text_below_14_pixels(driver, pages):
    open_page(driver, pages["cube"][1])
    smallest = driver.execute_script(
        "let m = 99; for (const el of document.querySelectorAll('#cx-app *')) {"
        "  if (!el.childNodes.length || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;"
        "  m = Math.min(m, parseFloat(getComputedStyle(el).fontSize)); } return m;")
    assert smallest >= 14


def numpy_trace(model, X):
    from cubenet.nn.network import forward, standardize

    trace = forward(model, X)
    posts = [standardize(model, X)] + [t.post for t in trace[:-1]] + [trace[-1].pre]
    pres = [None] + [t.pre for t in trace[:-1]] + [None]
    return posts, pres


def test_layer_and_stage_data_match_numpy(driver, pages):
    from dataclasses import replace

    run, path = pages["cube"]
    data = page_data(path)
    from cubenet.run.folder import load_run

    model = load_run(run).model
    X = decode(data["points"]["x"]).astype(float) * data["points"]["step"] + data["points"]["lo"]
    state = open_page(driver, path)
    for e in (0, len(data["epochs"]) - 1):
        ep = data["epochs"][e]
        params = [(decode(p["W"]), decode(p["b"])) for p in ep["params"]]
        posts, pres = numpy_trace(replace(model, params=params), X)
        for r in range(state["L"] + 1):
            for part, ref in (("post", posts[r]), ("pre", pres[r])):
                if ref is None:
                    continue
                got = driver.execute_script("return cubenetExplorer.representation(arguments[0], arguments[1], "
                                            "{epoch: arguments[2]})", r, part, e)
                page = np.array(got["values"]).reshape(got["n"], got["d"])
                assert np.abs(page - ref).max() <= 1e-5 * max(1.0, np.abs(ref).max())
            for kind in data["kinds"]:
                v = ep["views"][kind["id"]][r]
                drawn = posts[r] if v is None else (posts[r] - decode(v["mean"])) @ decode(v["basis"])
                drawn = np.column_stack([drawn, np.zeros((len(X), 3 - drawn.shape[1]))]) if drawn.shape[1] < 3 else drawn
                got = np.array(driver.execute_script(
                    "return cubenetExplorer.positions(arguments[0], undefined, {epoch: arguments[1], kind: arguments[2], "
                    "raw: true})", r, e, kind["id"])).reshape(-1, 3)
                box = ep["boxes"][kind["id"]][r]
                assert np.abs(got[:, : drawn.shape[1]] - drawn).max() <= 1e-4 * box["s"]
        # the stages of one hidden layer: W alone, +b, activation; halfway is the linear blend
        r = 1
        view = ep["views"]["lda"][r]
        box = ep["boxes"]["lda"][r]
        mean, basis, centre, half = decode(view["mean"]), decode(view["basis"]), np.array(box["c"]), box["s"]

        def proj(H, mean=mean, basis=basis, centre=centre, half=half):
            return ((H - mean) @ basis - centre) / half

        z, b = pres[r], params[r - 1][1]
        keys = {1: proj(z - b), 2: proj(z), 3: proj(posts[r])}
        for stage, ref in keys.items():
            got = np.array(driver.execute_script("return cubenetExplorer.positions(1, arguments[0], {epoch: arguments[1], "
                                                 "kind: 'lda'})", stage, e)).reshape(-1, 3)
            assert np.abs(got - ref).max() < 1e-4
        mid = np.array(driver.execute_script("return cubenetExplorer.positions(1, 2.5, {epoch: arguments[0], kind: 'lda'})",
                                             e)).reshape(-1, 3)
        assert np.abs(mid - (keys[2] + keys[3]) / 2).max() < 1e-4


def test_step_network_positions_match_numpy_at_every_step(driver, pages):
    import stepfake

    (model, ds), path = pages["steps"]
    data = page_data(path)
    X = decode(data["points"]["x"]).astype(float)
    states = stepfake.step_states(model, X)
    state = open_page(driver, path)
    assert state["type"] == "steps" and state["L"] == len(states) - 1
    for r, ref in enumerate(states):
        for stage in ([0, 1] if r else [0]):
            if r and stage == 0:
                ref_here = states[r - 1]
            else:
                ref_here = ref
            got = np.array(driver.execute_script("return cubenetExplorer.positions(arguments[0], arguments[1], {raw: true})",
                                                 r, stage)).reshape(-1, 3)
            assert np.abs(got - ref_here).max() <= 1e-4 * np.abs(ref_here).max()
    half = np.array(driver.execute_script("return cubenetExplorer.positions(2, 0.5, {raw: true})")).reshape(-1, 3)
    assert np.abs(half - (states[1] + states[2]) / 2).max() <= 1e-4 * np.abs(states[2]).max()
    # the lattice flows with the points: the page's grid is Python's grid, and its states are numpy's
    from cubenet.viz.explorer.build import grid_points

    G = grid_points(data["grid"])
    page_grid = np.array(driver.execute_script("return Array.from(CX.gridPoints(CX.S.data.grid).X)")).reshape(-1, 3)
    assert np.allclose(page_grid, G)
    last = stepfake.step_states(model, G)[-1]
    got = np.array(driver.execute_script("return cubenetExplorer.positions(arguments[0], undefined, {raw: true, set: 'grid'})",
                                         state["L"])).reshape(-1, 3)
    assert np.abs(got - last).max() <= 1e-4 * np.abs(last).max()
    assert state["grid"] is True


def drag(driver, element_id, dx, dy):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    el = driver.find_element(By.ID, element_id)
    ActionChains(driver).move_to_element(el).click_and_hold().move_by_offset(dx // 2, dy // 2) \
        .move_by_offset(dx - dx // 2, dy - dy // 2).release().perform()


def test_dragging_turns_every_3d_view(driver, pages):
    before = open_page(driver, pages["cube"][1])
    views = {c: pixels(driver, c) for c in ("cx-layer", "cx-input", "cx-stickers")}
    drag(driver, "cx-layer", 120, 40)
    draw_now(driver)
    after = driver.execute_script("return cubenetExplorer.state()")
    assert after["yaw"] != pytest.approx(before["yaw"]) and after["pitch"] != pytest.approx(before["pitch"])
    for canvas, old in views.items():
        assert (pixels(driver, canvas) != old).any(axis=2).mean() > 0.01, f"{canvas} did not turn"
    shot(driver, pages, "cube-turned")


def set_range(driver, element_id, value):
    driver.execute_script("const el = document.getElementById(arguments[0]); el.value = arguments[1];"
                          "el.dispatchEvent(new Event('input', {bubbles: true}));", element_id, str(value))
    draw_now(driver)


@pytest.mark.parametrize("slider, value, key", [("cx-stage-range", 0.5, "stage"), ("cx-layer-range", 1, "layer"),
                                                ("cx-epoch-range", 0, "epoch")])
def test_sliders_change_the_picture(driver, pages, slider, value, key):
    open_page(driver, pages["cube"][1])
    old = pixels(driver, "cx-layer")
    set_range(driver, slider, value)
    state = driver.execute_script("return cubenetExplorer.state()")
    assert state[key] == pytest.approx(value)
    assert (pixels(driver, "cx-layer") != old).any(axis=2).mean() > 0.005
    shot(driver, pages, f"cube-{key}")


def test_a_legend_class_lights_the_same_points_in_two_views(driver, pages):
    from selenium.webdriver.common.by import By

    data = page_data(pages["cube"][1])
    y = decode(data["points"]["y"])
    open_page(driver, pages["cube"][1])
    before = {c: pixels(driver, c) for c in ("cx-layer", "cx-input")}
    driver.find_elements(By.CSS_SELECTOR, ".cx-class")[2].click()
    draw_now(driver)
    state = driver.execute_script("return cubenetExplorer.state()")
    assert state["focusClass"] == 2
    for view in ("layer", "input"):
        lit = driver.execute_script("return Array.from(cubenetExplorer.screen(arguments[0]).lit || [])", view)
        assert np.array_equal(np.array(lit, bool), y == 2), view
    for c, old in before.items():
        assert (pixels(driver, c) != old).any(axis=2).mean() > 0.01
    shot(driver, pages, "cube-green-lit")
    driver.find_elements(By.CSS_SELECTOR, ".cx-class")[2].click()
    assert driver.execute_script("return cubenetExplorer.state().lit") is None


def test_a_sticker_click_lights_its_points(driver, pages):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    data = page_data(pages["cube"][1])
    slots = decode(data["cube"]["slots"])
    open_page(driver, pages["cube"][1])
    centre = driver.execute_script(  # the middle of the first sticker drawn front-most
        "const d = CX.S.stickerDrawn; const p = d[d.length - 1].poly;"
        "return [d[d.length - 1].q, (p[0][0] + p[2][0]) / 2, (p[0][1] + p[2][1]) / 2];")
    el = driver.find_element(By.ID, "cx-stickers")
    size = el.size
    ActionChains(driver).move_to_element_with_offset(el, centre[1] - size["width"] / 2,
                                                     centre[2] - size["height"] / 2).click().perform()
    draw_now(driver)
    state = driver.execute_script("return cubenetExplorer.state()")
    assert state["sticker"] == centre[0]
    assert np.array_equal(np.array(state["lit"], bool), slots == centre[0])


def test_keyboard(driver, pages):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    state = open_page(driver, pages["cube"][1])
    keys = lambda *k: ActionChains(driver).send_keys(*k).perform()  # noqa: E731
    keys(Keys.ARROW_DOWN)
    s = driver.execute_script("return cubenetExplorer.state()")
    assert s["layer"] == state["layer"] - 1
    keys(Keys.ARROW_LEFT)
    assert driver.execute_script("return cubenetExplorer.state().stage") == pytest.approx(s["stage"] - 0.25)
    keys("d")
    assert driver.execute_script("return cubenetExplorer.state().yaw") > s["yaw"]
    keys("[")
    assert driver.execute_script("return cubenetExplorer.state().epoch") == s["epoch"] - 1
    keys("g")
    assert driver.execute_script("return cubenetExplorer.state().grid") is (not s["grid"])
    keys("p")
    assert driver.execute_script("return cubenetExplorer.state().kind") != s["kind"]
    keys(" ")
    assert driver.execute_script("return cubenetExplorer.state().playing") is True
    time.sleep(0.4)
    moved = driver.execute_script("return cubenetExplorer.state()")
    assert (moved["layer"], moved["stage"]) != (s["layer"], s["stage"] - 0.25)
    keys(" ")
    assert driver.execute_script("return cubenetExplorer.state().playing") is False


def test_a_heatmap_cell_jumps_to_its_layer_and_epoch(driver, pages):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_page(driver, pages["cube"][1])
    el = driver.find_element(By.ID, "cx-heat")
    driver.execute_script("arguments[0].scrollIntoView()", el)
    w, h = el.size["width"], el.size["height"]
    # the cell of the first epoch in the row of layer 1 (rows from the top: output … input)
    x = 84 + (w - 92) / 3 / 2 * 0 + 10
    data = page_data(pages["cube"][1])
    rows = len(data["metrics"]["layer_epochs"]["probe_accuracy"])
    y = 8 + (h - 56) * (rows - 2 + 0.5) / rows
    ActionChains(driver).move_to_element_with_offset(el, x - w / 2, y - h / 2).click().perform()
    state = driver.execute_script("return cubenetExplorer.state()")
    assert state["layer"] == 1 and state["epoch"] == 0


def test_notebook_view_is_the_same_page_inline(pages):
    run, path = pages["cube"]
    ex = explore(run)
    html = ex._repr_html_()
    assert html.startswith("<iframe") and "srcdoc=" in html and len(html) < 2_000_000
    assert ex.html == path.read_text(encoding="utf-8")


def test_views_are_orthonormal_and_fidelity_is_honest(pages):
    data = page_data(pages["cube"][1])
    ep = data["epochs"][-1]
    for kind in ("lda", "probe", "pca"):
        for r, v in enumerate(ep["views"][kind]):
            fid = ep["fidelity"][kind][r]
            if v is None:  # own coordinates: the drawing is the layer
                assert fid["post"] == 1.0
                continue
            B = decode(v["basis"])
            assert np.allclose(B.T @ B, np.eye(B.shape[1]), atol=1e-9)
            assert all(0 < f <= 1 for f in fid.values())


def test_bad_requests_say_what_to_do(pages, tmp_path):
    from cubenet.errors import CubenetError

    run, _ = pages["cube"]
    with pytest.raises(CubenetError, match="end the name in .html"):
        write_explorer(run, tmp_path / "explorer.png")
    with pytest.raises(CubenetError, match="needs the dataset too"):
        explore(object())
    with pytest.raises(CubenetError, match="not a run and a dataset"):
        explore(run, small_cube(100))
