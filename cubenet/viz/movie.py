"""Movies: frames rendered once and exported as a looping GIF and as an offline HTML player.

A :class:`Blitter` draws the static picture of a scene once and only the moving artists (the
points, a counter) over it for each frame, into a :class:`Movie`. :func:`save_gif` writes it with
Pillow (as matplotlib's PillowWriter does); :func:`save_html` as matplotlib's JS-HTML player
(``HTMLWriter``, as ``to_jshtml``) whose Font-Awesome CDN link is replaced by inline symbols, so
the page works offline. Used by :mod:`cubenet.viz.animate` and :mod:`cubenet.viz.step_flow`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np
from matplotlib.animation import HTMLWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from cubenet.errors import CubenetError
from cubenet.files import atomic_path, write_text
from cubenet.validate import check_int, check_number
from cubenet.viz.style import EDGE


def scatter_setup(ax, colors, n: int):
    """An animated (blitted) scatter whose points are set frame by frame."""
    kw = dict(s=9, c=colors, edgecolors=EDGE, linewidths=0.25, animated=True)
    if hasattr(ax, "zaxis"):
        return ax.scatter(np.zeros(n), np.zeros(n), np.zeros(n), depthshade=False, **kw)
    return ax.scatter(np.zeros(n), np.zeros(n), **kw)


def set_points(artist, P: np.ndarray, jitter: np.ndarray) -> None:
    if P.shape[1] == 3:
        artist._offsets3d = (P[:, 0], P[:, 1], P[:, 2])
        artist.do_3d_projection()
    elif P.shape[1] == 1:
        artist.set_offsets(np.column_stack([P[:, 0], jitter]))
    else:
        artist.set_offsets(P)


def legend_columns(n_classes: int) -> int:
    """Legend columns that leave the lower right corner free for the t counter."""
    return n_classes if n_classes <= 3 else -(-n_classes // 2)


@dataclass(frozen=True)
class Movie:
    """Rendered frames, ready to export.

    frames : ndarray of shape (n_frames, height, width, 3), uint8
    captions : one line per frame saying what it shows
    """

    frames: np.ndarray
    captions: tuple
    fps: int
    dpi: int
    title: str

    @property
    def n_frames(self) -> int:
        return len(self.frames)


class Blitter:
    """Renders frames fast: the static picture (axes, labels, legend, caption) is drawn once per scene
    and only the animated artists (the points, the t counter) are drawn over it for each frame."""

    def __init__(self, fig, n_frames: int):
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.canvas.draw()  # settles the constrained layout once
        fig.set_layout_engine("none")
        w, h = self.canvas.get_width_height()
        self.frames = np.empty((n_frames, h, w, 3), dtype=np.uint8)
        self.captions: list[str] = []
        self.background = None

    def new_scene(self) -> None:
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def grab(self, caption: str, *artists) -> None:
        self.canvas.restore_region(self.background)
        for a in artists:
            (a.axes or self.fig).draw_artist(a)
        self.frames[len(self.captions)] = np.asarray(self.canvas.buffer_rgba())[..., :3]
        self.captions.append(caption)

    def movie(self, fps: int, title: str) -> Movie:
        return Movie(self.frames[: len(self.captions)], tuple(self.captions), fps, int(self.fig.dpi), title)


def check_movie_settings(**settings) -> None:
    """Frame rate, resolution and frame counts: fps and dpi positive, counts whole numbers >= 0."""
    for name, value in settings.items():
        if name in ("fps", "dpi"):
            check_number(name, value, above=0)
        else:
            check_int(name, value, minimum=0)


# --------------------------------------------------------------------------- export

#: the JS-HTML player's Font Awesome icons, replaced by plain symbols so the page needs no CDN
_ICONS = {
    "fa-minus": "\u2212", "fa-fast-backward": "|\u25C0\u25C0", "fa-step-backward": "|\u25C0",
    "fa-play fa-flip-horizontal": "\u25C0", "fa-pause": "\u275A\u275A", "fa-play": "\u25B6",
    "fa-step-forward": "\u25B6|", "fa-fast-forward": "\u25B6\u25B6|", "fa-plus": "+",
}
#: markers around the player in a saved page, so the report can embed the same player
PLAYER_START, PLAYER_END = "<!-- cubenet player -->", "<!-- /cubenet player -->"
#: style for the player's text icons (the report and the standalone page include it)
PLAYER_CSS = ".cubenet-icon{font-size:13px;line-height:22px;font-family:'DejaVu Sans',sans-serif}"


def offline_player(html: str) -> str:
    """Make matplotlib's JS-HTML player self-contained: drop the CDN stylesheet, draw the icons as text."""
    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html, flags=re.S)
    for cls, symbol in sorted(_ICONS.items(), key=lambda kv: -len(kv[0])):
        html = html.replace(f'<i class="fa {cls}"></i>', f'<span class="cubenet-icon">{symbol}</span>')
    if re.search(r"https?://", html):
        raise CubenetError("the animation player still refers to a web address; it would not work offline")
    return html


def save_gif(movie: Movie, path):
    """Write the movie as a looping GIF, atomically; returns the path.

    This is what matplotlib's PillowWriter does (Pillow, ``save_all``, ``loop=0``), applied to the
    already rendered frames with Pillow's fast octree palette — re-drawing each frame through a
    figure and median-cut quantising it took about three times as long.
    """
    images = [Image.fromarray(f).quantize(255, method=Image.Quantize.FASTOCTREE) for f in movie.frames]
    with atomic_path(path) as tmp:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                       duration=int(1000 / movie.fps), loop=0)
    return path


def to_html(movie: Movie, *, quality: int = 70) -> str:
    """The movie as a self-contained HTML player (play/pause/scrub), working offline.

    The player is exactly the one ``Animation.to_jshtml`` writes (matplotlib's ``HTMLWriter``),
    fed the rendered frames as base64 JPEG instead of re-drawing a figure for every frame.
    """
    h, w = movie.frames.shape[1:3]
    writer = _frames_html_writer(movie, quality)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "player.html")
        writer.setup(Figure(figsize=(w / movie.dpi, h / movie.dpi), dpi=movie.dpi), out, movie.dpi)
        for _ in range(movie.n_frames):
            writer.grab_frame()
        writer.finish()
        html = out.read_text(encoding="utf-8")
    return offline_player(_stable_id(html))


def _stable_id(html: str) -> str:
    """matplotlib names the player's elements with a random id; use one made from the player (its frames)
    instead, so that the same movie gives the same bytes and two movies on one page still differ."""
    found = re.search(r'id="_anim_img([0-9a-f]+)"', html)
    if found is None:
        return html
    random_id = found.group(1)
    stable = hashlib.sha256(html.replace(random_id, "").encode("utf-8")).hexdigest()[:len(random_id)]
    return html.replace(random_id, stable)


def _frames_html_writer(movie: Movie, quality: int):
    """matplotlib's HTMLWriter whose ``grab_frame`` takes the next Movie frame instead of ``fig.savefig``."""
    class FramesHTMLWriter(HTMLWriter):
        def grab_frame(self, **savefig_kwargs):
            buf = io.BytesIO()
            Image.fromarray(movie.frames[len(self._saved_frames)]).save(buf, format="jpeg", quality=quality)
            self._saved_frames.append(base64.encodebytes(buf.getvalue()).decode("ascii"))

    writer = FramesHTMLWriter(fps=movie.fps, embed_frames=True, default_mode="loop")
    writer.frame_format = "jpeg"
    return writer


#: the sentence above the player in a standalone page
HOW_TO_WATCH = ("Press ▶ to play, or drag the slider to step through the frames; the caption above the picture "
                "says what each frame shows.")


def save_html(movie: Movie, path):
    """Write the movie as a standalone offline HTML page with the player; returns the path."""
    title = escape(movie.title)
    style = ("body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:900px;margin:0 auto;"
             "padding:18px;line-height:1.5;background:#fafafa} .animation img{width:820px;max-width:100%;height:auto}")
    page = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<style>{style}{PLAYER_CSS}</style></head>\n<body>\n<h1>{title}</h1>\n<p>{escape(HOW_TO_WATCH)}</p>\n"
            f"{PLAYER_START}\n{to_html(movie)}\n{PLAYER_END}\n</body></html>\n")
    return write_text(path, page)
