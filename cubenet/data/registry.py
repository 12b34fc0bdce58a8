"""Every dataset generator, keyed by its CLI name (``cubenet scramble NAME``).

A generator is ``make_<name>(n_samples, *, …, rng=None) -> Dataset``. It is referenced here by its
import path so that listing generators imports nothing heavy. To add a dataset: write the
generator, then add one ``GeneratorSpec`` below.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Callable

from cubenet.errors import CubenetError


@dataclass(frozen=True)
class GeneratorSpec:
    """A registered generator: CLI name, ``module:function``, one-line summary, its parameters."""

    name: str
    target: str
    summary: str
    params: dict = field(default_factory=dict)  # parameter -> short description (with default)
    default_n: int = 6000

    def load(self) -> Callable:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


def _planar_specs() -> list[GeneratorSpec]:
    """The 2-D datasets (cubenet.data.planar): each a separable arrangement plus recorded moves."""
    common = {"twists": "random extra moves (default 0)", "moves": "explicit 2-D scramble, e.g. \"swirl(3.0)\"",
              "noise": "jitter after the moves", "label_noise": "fraction of labels flipped"}
    return [
        GeneratorSpec(name, f"cubenet.data.planar:make_{name}", summary, {**extra, **common}, default_n=2000)
        for name, summary, extra in [
            ("spirals", "interleaved spiral arms, one class per arm: straight wedges swirled",
             {"arms": "number of arms = classes (default 2)"}),
            ("moons", "two interleaving half-moons: two bands bent by a wave", {}),
            ("circles", "concentric rings, one class per ring: flattened half-rings bent, turned and slid together",
             {"classes": "number of rings (default 2)"}),
            ("xor", "the four quadrants, class by the sign of x·y: one column of a 2×2 board flipped", {}),
            ("checker", "a checkerboard, 2 classes: columns and rows of a sorted board flipped",
             {"cells": "squares per side, even (default 4)"}),
            ("blobs", "round clusters, one class each (separable until twisted)",
             {"classes": "number of blobs (default 3)"}),
        ]
    ]


GENERATORS: dict[str, GeneratorSpec] = {
    spec.name: spec
    for spec in [
        GeneratorSpec(
            "color-cube", "cubenet.data.cube:make_color_cube",
            "3×3×3 Rubik's cube surface points, 6 sticker-colour classes, scrambled by face turns",
            {"twists": "random face turns (default 3)", "moves": "explicit scramble, e.g. \"R U F'\"",
             "noise": "Gaussian jitter after the moves (default 0)",
             "gap": "bare border around each sticker, fraction of a cubie (default 0; a real cube ~0.1)"},
            default_n=10_000,  # the same cube 'cubenet learn' makes without data
        ),
        *_planar_specs(),
        GeneratorSpec(
            "digits", "cubenet.data.digits:make_digits",
            "synthetic handwritten digits 0-9 (8×8 like UCI optdigits, or 16×16, 28×28), bent by image moves",
            {"size": "image side: 8 (optdigits counts 0..16), 16 or 28 (greyscale) (default 8)",
             "twists": "strength of the moves: jitter, slant, elastic warp, thickness, noise (0-10, default 2)"},
        ),
    ]
}


def generator_names() -> list[str]:
    return list(GENERATORS)


def get_generator(name: str) -> GeneratorSpec:
    try:
        return GENERATORS[name]
    except KeyError:
        raise CubenetError(f"unknown dataset {name!r}; choose from {', '.join(GENERATORS)} (see 'cubenet datasets')") from None


def make_dataset(name: str, n_samples: int | None = None, *, rng=None, **params):
    """Build a registered dataset by CLI name; parameters a generator does not take are refused."""
    spec = get_generator(name)
    func = spec.load()
    accepted = inspect.signature(func).parameters
    for key in params:
        if key not in accepted:
            options = ", ".join(p for p in accepted if p not in ("n_samples", "rng"))
            raise CubenetError(f"{key!r} does not apply to {name}; its parameters are: {options}")
    return func(spec.default_n if n_samples is None else n_samples, rng=rng, **params)
