"""Every dataset generator, keyed by its CLI name (``cubenet scramble NAME``), with the options it offers.

A generator is ``make_<name>(n_samples, *, …, rng=None) -> Dataset``. It is referenced here by its
import path, so its module is imported only when it is used (listing the digits does not load them).
To add a dataset: write the generator, then add one ``GeneratorSpec`` below. Its ``options`` become
the command line's ``--name`` options (``cubenet scramble`` and ``cubenet datasets`` are generated
from them); their defaults are the generator's own, read from its signature, never repeated here.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Callable

from cubenet.errors import CubenetError


@dataclass(frozen=True)
class Option:
    """One option a generator offers: ``--name`` on the command line, ``name=`` for :func:`make_dataset`.

    type : int, float or str: how the command line reads the value (the generator checks its range)
    help : what it does, in one line, without the default (:meth:`GeneratorSpec.default` reads that)
    keyword : the generator's parameter it sets, when that is not ``name``
    aliases : other names accepted for it (an old spelling kept working)
    playground : the playground page (``cubenet play``) offers it as a box; False for an option the page
        sets another way (the cube's moves are buttons) or leaves at its default
    """

    name: str
    type: type
    help: str
    keyword: str = ""
    aliases: tuple[str, ...] = ()
    playground: bool = True

    @property
    def parameter(self) -> str:
        """The generator's keyword this option sets."""
        return self.keyword or self.name

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class GeneratorSpec:
    """A registered generator: CLI name, ``module:function``, one-line summary, its options.

    classes : how many classes it makes: a number, or the name of the option that sets it.
    default_n : the points (or images) made when no count is given.
    """

    name: str
    target: str
    summary: str
    options: tuple[Option, ...] = ()
    classes: int | str = 2
    default_n: int = 6000

    def load(self) -> Callable:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)

    def option(self, name: str) -> Option | None:
        """The option called ``name`` (or by one of its aliases), or None."""
        return next((o for o in self.options if name in o.names), None)

    def default(self, option: Option):
        """The generator's own default for ``option`` (from its signature; None when it has none)."""
        default = inspect.signature(self.load()).parameters[option.parameter].default
        return None if default is inspect.Parameter.empty else default

    def n_classes(self, params: dict | None = None) -> int:
        """How many classes the generator makes with these parameters (names as for :func:`make_dataset`)."""
        if isinstance(self.classes, int):
            return self.classes
        given = self.parameters(params or {})
        option = self.option(self.classes)
        return int(given.get(option.parameter, self.default(option)))

    def parameters(self, params: dict) -> dict:
        """``params`` by the generator's keywords: option names and aliases translated, others kept as given."""
        out, given_as = {}, {}
        for key, value in params.items():
            option = self.option(key)
            target = key if option is None else option.parameter
            if target in out:
                raise CubenetError(f"{given_as[target]!r} and {key!r} are the same option of {self.name}; give one of them")
            out[target], given_as[target] = value, key
        return out


def _planar_specs() -> list[GeneratorSpec]:
    """The 2-D datasets (cubenet.data.planar): each a separable arrangement plus recorded moves."""
    common = (
        Option("twists", int, "random extra moves after the set's own (harder)"),
        Option("moves", str, "an explicit 2-D scramble replacing the set's own moves and the twists, e.g. \"swirl(3.0)\"",
               playground=False),
        Option("noise", float, "Gaussian jitter added after the moves"),
        Option("label_noise", float, "fraction of labels flipped at random", playground=False),
    )
    return [
        GeneratorSpec(name, f"cubenet.data.planar:make_{name}", summary, (*extra, *common), classes=classes,
                      default_n=2000)
        for name, summary, extra, classes in [
            ("spirals", "interleaved spiral arms, one class per arm: straight wedges swirled",
             (Option("arms", int, "number of arms = classes"),), "arms"),
            ("moons", "two interleaving half-moons: two bands bent by a wave", (), 2),
            ("circles", "concentric rings, one class per ring: flattened half-rings bent, turned and slid together",
             (Option("classes", int, "number of rings = classes"),), "classes"),
            ("xor", "the four quadrants, class by the sign of x·y: one column of a 2×2 board flipped", (), 2),
            ("checker", "a checkerboard, 2 classes: columns and rows of a sorted board flipped",
             (Option("cells", int, "squares per side, even"),), 2),
            ("blobs", "round clusters, one class each (separable until twisted)",
             (Option("classes", int, "number of blobs = classes"),), "classes"),
        ]
    ]


GENERATORS: dict[str, GeneratorSpec] = {
    spec.name: spec
    for spec in [
        GeneratorSpec(
            "color-cube", "cubenet.data.cube:make_color_cube",
            "3×3×3 Rubik's cube surface points, 6 sticker-colour classes, scrambled by face turns",
            (Option("twists", int, "random face turns"),
             Option("moves", str, "an explicit scramble instead of random twists, e.g. \"R U F'\"", playground=False),
             Option("noise", float, "Gaussian jitter added after the moves"),
             Option("gap", float, "bare border around each sticker, a fraction of a cubie (a real cube has about 0.1)",
                    playground=False)),
            classes=6, default_n=10_000,  # the same cube 'cubenet learn' makes without data
        ),
        *_planar_specs(),
        GeneratorSpec(
            "digits", "cubenet.data.digits:make_digits",
            "synthetic handwritten digits 0-9 (8×8 like UCI optdigits, or 16×16, 28×28), bent by image moves",
            (Option("size", int, "image side: 8 (optdigits counts 0..16), 16 or 28 (greyscale)"),
             Option("strength", int, "how hard each image is bent (jitter, slant, elastic warp, thickness, noise): "
                    "a level 0-10, not a count of moves", aliases=("twists",))),
            classes=10,
        ),
    ]
}


def options_by_name() -> dict[str, list[tuple[GeneratorSpec, Option]]]:
    """Every option name and alias -> the generators that take it (and their record of it), in registry order."""
    out: dict[str, list[tuple[GeneratorSpec, Option]]] = {}
    for spec in GENERATORS.values():
        for option in spec.options:
            for name in option.names:
                out.setdefault(name, []).append((spec, option))
    return out


def generator_names() -> list[str]:
    return list(GENERATORS)


def get_generator(name: str) -> GeneratorSpec:
    try:
        return GENERATORS[name]
    except KeyError:
        raise CubenetError(f"unknown dataset {name!r}; choose from {', '.join(GENERATORS)} (see 'cubenet datasets')") from None


def make_dataset(name: str, n_samples: int | None = None, *, rng=None, **params):
    """Build a registered dataset by CLI name; parameters a generator does not take are refused.

    ``params`` are the generator's keywords or its options' names (digits take ``strength=`` or its old name ``twists=``).
    """
    spec = get_generator(name)
    func = spec.load()
    accepted = inspect.signature(func).parameters
    params = spec.parameters(params)
    for key in params:
        if key not in accepted:
            options = ", ".join(p for p in accepted if p not in ("n_samples", "rng"))
            raise CubenetError(f"{key!r} does not apply to {name}; its parameters are: {options}")
    return func(spec.default_n if n_samples is None else n_samples, rng=rng, **params)
