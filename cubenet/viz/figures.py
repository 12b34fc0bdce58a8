"""The figure registry: every figure of a run as one record, in reading order.

A record says what ``cubenet render --what`` calls the figure, the files it writes, how it is built,
when it applies (and why not), how the report shows it (heading, captions, embedded or linked),
its formats, whether it needs the per-layer numbers and roughly what it costs to draw.
:mod:`cubenet.viz.render`, :mod:`cubenet.viz.report` and the CLI's ``--what`` choices all read
this table. Adding a figure is two edits: its builder (a ``*_figure`` function in a plot module)
and its record here.

This module imports nothing heavy (numpy, matplotlib and the plot modules load inside the
builders), so the command line can build its choices from it and still start instantly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Union

from cubenet.errors import CubenetError

#: a text of the report: fixed, or made for a run's data and network as ``text(ds, model)``
Text = Union[str, Callable]
#: the files each kind of figure can be written as (a page is always html)
FORMATS = {"static": ("png", "svg"), "movie": ("gif", "html"), "page": ("html",)}
#: the order in which the report lists a figure's files that stay beside it
BESIDE_ORDER = {"static": ("png", "svg"), "movie": ("html", "gif"), "page": ("html",)}


@dataclass(frozen=True)
class Picture:
    """One file of a figure as the report shows it: the file stem, its caption, the image's alt text."""

    stem: str
    caption: Text
    alt: str | None = None  # None: the section heading


@dataclass(frozen=True)
class FigureSpec:
    """One figure of a run.

    name : what ``--what`` calls it
    pictures : the files it writes (stems, each with its report caption), in order
    build : ``build(run, numbers, max_points)`` -> a matplotlib Figure (or None, or one per picture) for a
        static figure, a :class:`~cubenet.viz.movie.Movie` for a movie, the HTML text for a page
    short : a few words for ``cubenet render --help``
    heading : the report's section heading (None: no section of its own; see ``joins``)
    kind : "static" (png/svg), "movie" (gif/html) or "page" (html)
    network : "dense" or "steps" when it draws only that kind of network
    needs : ``needs(ds, model)`` -> why the figure does not fit this data, or None
    numbers : it reads the per-layer numbers (metrics.json's ``layers`` and ``layer_epochs``)
    cost : rough seconds to draw on the default run (to share figures between two processes)
    max_points : the most points it draws, whatever ``--max-points`` says
    movie_formats : what a movie is written as when a picture format (png/svg) was asked for
    report : "embed" (an image in the page), "beside" (a file linked from the page) or "page" (inlined
        as the report's interactive centrepiece)
    joins : the figure whose report section lists this one's files
    aliases : other names ``--what`` accepts
    """

    name: str
    pictures: tuple[Picture, ...]
    build: Callable
    short: str
    heading: Text | None = None
    kind: str = "static"
    network: str | None = None
    needs: Callable | None = None
    numbers: bool = False
    cost: float = 1.0
    max_points: int | None = None
    movie_formats: tuple[str, ...] = FORMATS["movie"]
    report: str = "embed"
    joins: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(p.stem for p in self.pictures)

    def formats(self, fmt: str) -> tuple[str, ...]:
        """The formats written when ``fmt`` is asked for (empty: this figure is not drawn in ``fmt``)."""
        if self.kind == "movie":
            return (fmt,) if fmt in FORMATS["movie"] else self.movie_formats if fmt in FORMATS["static"] else ()
        if self.kind == "page":
            return ("html",) if fmt in FORMATS["static"] + ("html",) else ()
        return (fmt,) if fmt in FORMATS["static"] else ()

    def in_all(self, fmt: str) -> bool:
        """Drawn by ``--what all`` in ``fmt``: the movies only when a movie format is asked for (the explorer
        plays every stage, epoch and step)."""
        return bool(self.formats(fmt)) and (self.kind != "movie" or fmt in FORMATS["movie"])

    def files(self, fmt: str) -> list[str]:
        """File names written for ``fmt``."""
        return [f"{stem}.{f}" for stem in self.stems for f in self.formats(fmt)]


def text(value: Text | None, ds, model) -> str | None:
    """A report text for this data and network."""
    return value(ds, model) if callable(value) else value


def is_steps(model) -> bool:
    return getattr(model, "kind", "dense") == "steps"


# --------------------------------------------------------------------------- when a figure applies

def _kind(ds):
    return ds.meta.get("kind")


def _needs_cube(ds, model):
    if not (_kind(ds) == "cube" and ds.n_features == 3):
        return f"the cube view needs a colour-cube run; this run's data is {_kind(ds) or 'not a cube'}"


def _needs_2d(ds, model):
    if ds.n_features != 2:
        return f"decision regions are drawn for 2-D inputs; this data has {ds.n_features} features"


def _needs_2d_or_3d(ds, model):
    if ds.n_features not in (2, 3):
        return f"the warped grid needs 2-D or 3-D inputs; this data has {ds.n_features} features"


def _needs_3d(ds, model):
    if ds.n_features != 3:
        return (f"the lattice is 3-D; a 2-D step network's grid is drawn in steps.png (this data has "
                f"{ds.n_features} features)")


def _needs_hidden_layer(ds, model):
    if model is not None and model.n_layers < 2:
        return "the training animation shows a hidden layer; this network has none"


def _needs_digits(ds, model):
    if _kind(ds) != "digits":
        return f"digit views need a digits run; this run's data is {_kind(ds) or 'unknown'}"


# --------------------------------------------------------------------------- builders

def _stats(numbers):
    return numbers["stats"]


def _build_explorer(run, numbers, max_points):
    from cubenet.viz.explorer import explorer_html  # (loaded when drawn: see the docstring)

    metrics = {**run.metrics, "layers": [s.as_dict() for s in numbers["stats"]], "layer_epochs": numbers["layer_epochs"]}
    return explorer_html(replace(run, metrics=metrics), max_points=max_points)


def _build_cube(run, numbers, max_points):
    from cubenet.viz.cube_prediction import cube_figure  # (loaded when drawn: see the docstring)

    return cube_figure(run.model, run.dataset)


def _build_boundary(run, numbers, max_points):
    from cubenet.viz.decision_regions import boundary_figure  # (loaded when drawn: see the docstring)

    return boundary_figure(run.model, run.dataset, max_points=max_points)


def _build_layers(run, numbers, max_points):
    from cubenet.viz.layer_panels import layer_panels_figure  # (loaded when drawn: see the docstring)

    return layer_panels_figure(run.model, run.dataset, stats=_stats(numbers), max_points=max_points)


def _build_steps(run, numbers, max_points):
    from cubenet.viz.step_plots import steps_figure  # (loaded when drawn: see the docstring)

    return steps_figure(run.model, run.dataset, stats=_stats(numbers), max_points=max_points)


def _build_grid(run, numbers, max_points):
    from cubenet.viz.warped_grid import grid_figure  # (loaded when drawn: see the docstring)

    return grid_figure(run.model, run.dataset, stats=_stats(numbers), max_points=max_points)


def _build_lattice(run, numbers, max_points):
    from cubenet.viz.step_plots import lattice_figure  # (loaded when drawn: see the docstring)

    return lattice_figure(run.model, run.dataset, stats=_stats(numbers), max_points=max_points)


def _build_animation(run, numbers, max_points):
    from cubenet.viz.animate import forward_movie  # (loaded when drawn: see the docstring)

    return forward_movie(run.model, run.dataset, max_points=max_points)


def _build_training(run, numbers, max_points):
    from cubenet.viz.animate import training_movie  # (loaded when drawn: see the docstring)

    return training_movie(run.model, run.dataset, run.history.snapshots, history=run.history,
                          layer_epochs=numbers["layer_epochs"], max_points=max_points)


def _build_flow(run, numbers, max_points):
    from cubenet.viz.step_flow import flow_movie  # (loaded when drawn: see the docstring)

    return flow_movie(run.model, run.dataset, max_points=max_points)


def _build_unscramble(run, numbers, max_points):
    from cubenet.viz.step_plots import step_curve_figure  # (loaded when drawn: see the docstring)
    from cubenet.viz.unscramble_curve import unscramble_figure  # (loaded when drawn: see the docstring)

    figure = step_curve_figure if is_steps(run.model) else unscramble_figure
    return figure(numbers["stats"], numbers["layer_epochs"], network_accuracy=run.metrics.get("test_accuracy"),
                  n_classes=run.dataset.n_classes)


def _build_curves(run, numbers, max_points):
    from cubenet.viz.training_curves import curves_figure  # (loaded when drawn: see the docstring)

    return curves_figure(run.history)


def _build_confusion(run, numbers, max_points):
    from cubenet.viz.confusion import confusion_figure, confusion_matrix  # (loaded when drawn: see the docstring)

    ds, cm = run.dataset, run.metrics.get("confusion_matrix")
    if cm is None:
        from cubenet.nn.network import predict  # (loaded when drawn: see the docstring)

        cm = confusion_matrix(ds.y_test, predict(run.model, ds.X_test), ds.n_classes)
    return confusion_figure(cm, ds.class_names, accuracy=run.metrics.get("test_accuracy"))


def _build_digits(run, numbers, max_points):
    from cubenet.viz.digit_plots import (  # (loaded when drawn: see the docstring)
        digit_layers_figure,
        digit_separation_figure,
    )

    return (digit_layers_figure(run.model, run.dataset),
            digit_separation_figure(run.model, run.dataset, stats=_stats(numbers)))


# --------------------------------------------------------------------------- the report's words

def _kind_words(kind, n_features: int) -> tuple[str, str]:
    """The parts of the grid and confusion captions that depend on the data: no cube talk for spirals or a CSV."""
    if kind == "cube" and n_features == 3:
        return (" (a lattice of lines through the cube)",
                " — for the cube, usually stickers that the scramble placed next to each other")
    if n_features == 3:
        return (" (a lattice of lines through the data's 3-D space)", "")
    return ("", "")  # 2-D sets: the plane's own grid; wider data has no grid figure


EXPLORER_TEXT = (
    "Drag to turn the views (every 3-D view turns with the others). Move the <b>layer</b> and <b>stage</b> "
    "sliders, or press play, to watch each layer act: its matrix W, then the shift +b, then the activation. The "
    "<b>training</b> slider goes back to earlier epochs; the heatmap's cells jump there too. Click a class or a dot "
    "to follow it through every layer. Each view names its linear-probe accuracy and its display fidelity (how much "
    "of the layer's separation the drawing keeps).")
CUBE_TEXT = (
    "Left: the scrambled cube the data came from — every point of the dataset is a spot on one of its "
    "stickers, and its class is the sticker colour. Right: the same surface, cut into small cells, each "
    "coloured by what the trained network says at that spot; hatched cells are where it is wrong. Mistakes "
    "hug the sticker borders, where a twisted slab puts two colours side by side.")
BOUNDARY_TEXT = (
    "The background colour is the network's answer at every spot of the plane; the dots are test points in "
    "their true colour, and crosses mark the ones it gets wrong. The scrambling moves bent the classes into "
    "shapes that no straight line can split — yet the network's regions follow them.")
LAYERS_TEXT = (
    "Read it like a comic strip, left to right. The first panel is the scrambled input. Each column is one "
    "layer: on top the linear step W·h + b (a rotation, stretch and shift — straight lines stay straight), "
    "below it the activation (ReLU folds everything negative onto zero). Layers wider than 3 cannot be "
    "drawn directly, so we show a linear projection (PCA, aligned from panel to panel so nothing flips); "
    "its caption says how much of the spread it keeps. Watch the colours come apart from left to right.")


def _steps_text(ds, model) -> str:
    return ("Read it like a comic strip. The first panel is the scrambled data; each next panel is the state after "
            "one step: every point moved by h + relu(h·W + b)·V + c, and nothing is projected — a step network's "
            "state is always a point of the data's own space, so the picture shows all of it (display fidelity "
            "100 %). All panels share one box and one camera. The last panel is the flat cut: the network's final "
            "linear layer splits the last state by planes" + (" (here: shaded regions)." if ds.n_features == 2
                                                               else ".")
            + (" Under the points, a straight grid flows with them: space being uncrumpled." if ds.n_features == 2
               else ""))


def _grid_text(ds, model) -> str:
    grid_what, _ = _kind_words(_kind(ds), ds.n_features)
    return (f"The same layers applied to straight lines of a regular grid{grid_what}. The linear steps only tilt and "
            "stretch the grid; the ReLU folds it along creases. Stacking folds is how the network irons the "
            "scrambled classes flat enough to cut them apart with planes.")


LATTICE_TEXT = (
    "The lines of the solved cube's 3×3×3 sticker grid (or a straight lattice over the data), moved by the "
    "same steps as the points: the surface is bent and folded until the colours can be cut apart by planes.")
ANIMATION_TEXT = (
    "The explorer's stage slider as a film: every layer in three steps — the matrix W grows in from "
    "'no change' to its full effect, the bias b shifts everything, then the ReLU folds the negative parts "
    "onto zero — and the last hidden layer while the network trains.")
FLOW_TEXT = (
    "Press play (or drag the slider). Each step is one continuous motion h + t·Δ for t from 0 to 1: every "
    "point travels on a straight line from where it was to where the step puts it. Camera and axes never "
    "change, so the motion you see is the network's. The last frames show the flat cut.")
UNSCRAMBLE_TEXT = (
    "The picture as a measurement. Left: after each layer, the accuracy of a linear probe — one straight "
    "cut per class fitted on that layer's output. On the scrambled input it is poor; layer by layer it "
    "climbs until, at the last hidden layer, it matches the whole network's accuracy (dotted line): the "
    "data has been unscrambled. Middle: how much each weight matrix stretches space (its singular values). "
    "Right: the same probe during training, layer by layer (rows) and snapshot by snapshot (columns).")
STEP_CURVE_TEXT = (
    "The picture as a measurement. After each step, the accuracy of a linear probe (one straight cut per "
    "class, fitted on that state) and of the nearest class centre; the bars say how far the points moved in "
    "that step. The probe starts at the scrambled input's value and climbs step by step to the network's "
    "accuracy (dotted line). Right: the same probe during training, step by step and snapshot by snapshot.")
CURVES_TEXT = (
    "The training loss falls and the accuracy rises, epoch by epoch. When the test curve (points the "
    "network never trained on) follows the training curve, the network has learned the pattern rather "
    "than memorised the points.")


def _confusion_text(ds, model) -> str:
    _, confused = _kind_words(_kind(ds), ds.n_features)
    return ("Rows are the true classes of the test points, columns what the network answered; the diagonal counts "
            f"the right answers. Off-diagonal cells show which classes the network mixes up{confused}.")


DIGITS_TEXT = (
    "One handwritten digit, layer by layer: every unit's activation shown as a small picture or bar, "
    "from the pixels in to the ten class scores out.")
DIGIT_SEPARATION_TEXT = (
    "How well the digit classes separate after each layer: linear-probe accuracy and a 2-D projection per layer.")


def _unscramble_heading(ds, model) -> str:
    return "The unscrambling curve over steps" if is_steps(model) else "The unscrambling curve"


def _unscramble_text(ds, model) -> str:
    return STEP_CURVE_TEXT if is_steps(model) else UNSCRAMBLE_TEXT


# --------------------------------------------------------------------------- the registry, in reading order

FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("explorer", (Picture("explorer", EXPLORER_TEXT),), _build_explorer,
               "the interactive explorer.html", "Explore it", kind="page", numbers=True, cost=2.5, max_points=2500,
               report="page"),
    FigureSpec("cube", (Picture("prediction", CUBE_TEXT),), _build_cube, "the network's answer on the cube",
               "What the network answers", needs=_needs_cube, cost=0.5),
    FigureSpec("boundary", (Picture("boundary", BOUNDARY_TEXT),), _build_boundary, "2-D decision regions",
               "What the network answers", needs=_needs_2d, cost=0.6),
    FigureSpec("layers", (Picture("layers", LAYERS_TEXT),), _build_layers, "every layer's panels",
               "Inside the network, layer by layer", network="dense", numbers=True, cost=1.5, report="beside"),
    FigureSpec("steps", (Picture("steps", _steps_text),), _build_steps, "every step in the data's own space",
               "Every step, in the data's own space", network="steps", numbers=True, cost=2.0),
    FigureSpec("grid", (Picture("grid", _grid_text),), _build_grid, "warped grid",
               "Space being uncrumpled: the warped grid", network="dense", needs=_needs_2d_or_3d, numbers=True,
               cost=0.7, report="beside"),
    FigureSpec("lattice", (Picture("lattice", LATTICE_TEXT),), _build_lattice, "the cube's sticker grid through the steps",
               "The cube's sticker grid, pushed through the steps", network="steps", needs=_needs_3d, numbers=True,
               cost=1.2, max_points=1500),
    FigureSpec("animation", (Picture("animation", ANIMATION_TEXT),), _build_animation, "the forward pass animated",
               "The forward pass, animated", kind="movie", network="dense", cost=4.0, max_points=800,
               report="beside"),
    FigureSpec("training", (Picture("training", "The last hidden layer while the network trains (listed with the forward pass)."),), _build_training,
               "the last hidden layer while training", kind="movie", network="dense", needs=_needs_hidden_layer,
               numbers=True, cost=1.6, max_points=800, movie_formats=("gif",), report="beside", joins="animation"),
    FigureSpec("flow", (Picture("flow", FLOW_TEXT),), _build_flow, "the steps animated", "The steps, animated",
               kind="movie", network="steps", cost=3.5, max_points=800, report="beside"),
    FigureSpec("unscramble", (Picture("unscramble", _unscramble_text),), _build_unscramble,
               "the unscrambling curve; also 'curve'", _unscramble_heading, numbers=True, cost=0.6,
               aliases=("curve",)),
    FigureSpec("curves", (Picture("curves", CURVES_TEXT),), _build_curves, "loss and accuracy",
               "Learning over time", cost=0.2),
    FigureSpec("confusion", (Picture("confusion", _confusion_text),), _build_confusion, "the confusion matrix",
               "Which classes get confused", cost=0.3),
    FigureSpec("digits", (Picture("digits", DIGITS_TEXT),
                          Picture("digits_separation", DIGIT_SEPARATION_TEXT, "class separation per layer")),
               _build_digits, "a digit through the layers, and the class separation",
               "A digit passing through the network", needs=_needs_digits, numbers=True, cost=1.5),
)
BY_NAME = {f.name: f for f in FIGURES}
_ALIASES = {alias: f.name for f in FIGURES for alias in f.aliases}


def names() -> tuple[str, ...]:
    """Every figure's name, in reading order."""
    return tuple(BY_NAME)


def choices() -> tuple[str, ...]:
    """What ``--what`` accepts: every name, the aliases, and "all"."""
    return names() + tuple(_ALIASES) + ("all",)


def get(name: str) -> FigureSpec:
    """The record of figure ``name`` (or of one of its aliases)."""
    name = _ALIASES.get(name, name)
    if name not in BY_NAME:
        raise CubenetError(f"unknown figure {name!r}; choose from {', '.join(names())} or all")
    return BY_NAME[name]


def _listed(words) -> str:
    words = list(words)
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def applies(figure: FigureSpec | str, ds, model=None) -> str | None:
    """Why ``figure`` does not apply to this run (None when it does)."""
    figure = get(figure) if isinstance(figure, str) else figure
    steps = is_steps(model)
    if steps and figure.network == "dense":
        return (f"a step network's states are drawn in the data's own space by "
                f"{_listed(f.name for f in FIGURES if f.network == 'steps')}")
    if figure.network == "steps" and not steps:
        return "this view draws a step network (cubenet learn --steps N); this run's network has layers"
    return figure.needs(ds, model) if figure.needs is not None else None


def applicable(ds, model=None) -> list[FigureSpec]:
    """The figures that apply to this data and network, in reading order."""
    return [f for f in FIGURES if applies(f, ds, model) is None]
