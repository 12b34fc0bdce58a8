"""The playground's page: play.html with its script and the list of datasets inlined (no CDN, no build step)."""

from __future__ import annotations

import inspect
import json
from importlib import resources

from cubenet.data.registry import GENERATORS

#: generator options the page offers, with the values it starts from (the rest keep their defaults)
PAGE_OPTIONS = ("twists", "strength", "arms", "classes", "cells", "noise", "size")
#: points the page's datasets have (the cube's default run has 10,000)
PAGE_POINTS = {"color-cube": 10_000, "digits": 6000}


def _old_name(spec, name: str) -> bool:
    """Whether ``name`` is only an old spelling of one of the dataset's options (digits' ``twists``)."""
    return any(name in option.aliases for option in spec.options)


def datasets(launch=None) -> list[dict]:
    """Each registered dataset with the options the page shows and their defaults."""
    out = []
    for name, spec in GENERATORS.items():
        params = inspect.signature(spec.load()).parameters
        options = {p: (params[p].default if params[p].default is not inspect.Parameter.empty else None)
                   for p in PAGE_OPTIONS if p in params and not _old_name(spec, p)}
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
