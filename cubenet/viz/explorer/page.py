"""The explorer page as one self-contained HTML string: template, CSS, JavaScript and the run's data inlined.

Nothing is loaded from anywhere: no CDN, no font, no image file. The data sits in a JSON script
element (``</`` escaped so it cannot close the element early) that the page parses on load.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from cubenet.errors import CubenetError

HERE = Path(__file__).parent
#: the page's scripts, in load order
SCRIPTS = ("core.js", "draw.js", "panels.js", "controls.js", "app.js")
#: embedded data larger than this is refused (the page stays well under 2 MB)
DATA_LIMIT = 1_800_000


def _read(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def assets() -> tuple[str, str]:
    """(css, javascript) of the page."""
    return _read("explorer.css"), "\n".join(_read(name) for name in SCRIPTS)


def data_json(data: dict) -> str:
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    if len(text) > DATA_LIMIT:
        raise CubenetError(f"the explorer's data would be {len(text):,} bytes (limit {DATA_LIMIT:,}); "
                           "draw fewer points (max_points)")
    return text.replace("</", "<\\/")


def page_html(data: dict) -> str:
    """The whole explorer page."""
    css, js = assets()
    html = _read("template.html")
    title = escape(f"cubenet explorer: {data['texts']['title']}")
    html = html.replace("<!--TITLE-->", title).replace("/*CSS*/", css)
    html = html.replace("<!--DATA-->", data_json(data)).replace("/*JS*/", js.replace("</script", "<\\/script"))
    found = re.search(r"(?i)\b(?:https?|wss?|ftp):", html)
    if found:
        raise CubenetError(f"the explorer would refer to a web address near {html[found.start():found.start() + 60]!r}; "
                           "it must work offline")
    return html


def iframe(html: str, height: int = 1180) -> str:
    """The page inside an ``<iframe srcdoc>``: for report.html and notebooks, with its own scripts and styles."""
    return (f'<iframe class="cubenet-explorer" title="cubenet explorer" srcdoc="{escape(html, quote=True)}" '
            f'style="width:100%;min-width:1000px;height:{height}px;border:1px solid #ccc;background:#fff" '
            f'loading="eager"></iframe>')
