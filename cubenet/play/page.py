"""The playground's page: play.html with its script and the list of datasets inlined (no CDN, no build step)."""

from __future__ import annotations

import json
from importlib import resources

from cubenet.data.registry import GENERATORS

#: the options the page shows first: how hard the scramble is (twists; digits' strength), the page's main knob
FIRST_OPTIONS = ("twists", "strength")
#: points the page's datasets have (the cube's default run has 10,000)
PAGE_POINTS = {"color-cube": 10_000, "digits": 6000}


def page_options(spec) -> dict:
    """The options of a registered generator that the page offers (``Option.playground``), by the generator's
    keyword, with the values it starts from (the generator's defaults): the scramble's size first, the rest in
    the registry's order."""
    offered = sorted((o for o in spec.options if o.playground), key=lambda o: o.parameter not in FIRST_OPTIONS)
    return {o.parameter: spec.default(o) for o in offered}


def datasets(launch=None) -> list[dict]:
    """Each registered dataset with the options the page shows and their defaults."""
    out = []
    for name, spec in GENERATORS.items():
        options = page_options(spec)
        out.append({"name": name, "summary": spec.summary.split(":")[0][:60], "options": options,
                    "n": PAGE_POINTS.get(name, spec.default_n)})
    if launch is not None:
        out.insert(0, {"name": "file", "summary": f"the file given at launch ({launch.name})", "options": {}, "n": None})
    return out


def play_page(launch=None) -> str:
    """The whole page as one HTML string."""
    folder = resources.files("cubenet.play")
    html = folder.joinpath("play.html").read_text(encoding="utf-8")
    script = folder.joinpath("play.js").read_text(encoding="utf-8")
    config = {"datasets": datasets(launch), "initial": "file" if launch is not None else "color-cube"}
    config_js = "window.CUBENET_PLAY = " + json.dumps(config).replace("</", "<\\/") + ";"
    return html.replace("/*PLAY_CONFIG*/", config_js).replace("/*PLAY_JS*/", script.replace("</script", "<\\/script"))
