"""Sweep grids: lists and ranges of ``learn`` options expanded into cells, each keyed by a hash of its settings.

A value list is written the way a person reads it: ``4,8,16`` is three values, ``0:20`` is 0 to 20
*inclusive* (21 values), ``0:20:5`` is 0, 5, 10, 15, 20, and parts mix (``1,4:6``). A cell is one
ordinary run: a dataset (generator name, its options, the number of points), a network (hidden widths)
and training settings, and a seed. Its key is the first 16 hex digits of the sha256 of its settings as
canonical JSON, so a resumed sweep recognises the cells it already has.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import shlex
from dataclasses import dataclass

from cubenet.errors import CubenetError
from cubenet.validate import check_count, check_int

#: at most this many cells in one sweep (a grid larger than this is almost surely a typo)
MAX_CELLS = 100_000
#: at most this many values in one range
MAX_VALUES = 10_000
_RANGE = re.compile(r"^\s*(-?\d+)\s*:\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?$")


def parse_values(text: str, option: str, *, kind: type = int) -> tuple:
    """``"4,8,16"``, ``"0:20"`` (inclusive), ``"0:20:5"`` or a mix, as a tuple of ``kind`` (int or float).

    Ranges are for integers only; an empty list or an empty range is refused with a line naming ``option``.
    """
    if not isinstance(text, str) or not text.strip():
        raise CubenetError(f"{option} needs at least one value, e.g. {option} 4,8,16 or {option} 1:8")
    values: list = []
    for part in text.split(","):
        part = part.strip()
        match = _RANGE.match(part)
        if match and kind is int:
            start, stop, step = (int(g) if g is not None else None for g in match.groups())
            step = 1 if step is None else step
            if step <= 0:
                raise CubenetError(f"{option}: the step of {part!r} must be a positive integer")
            if stop < start:
                raise CubenetError(f"{option}: the range {part!r} is empty (its end is below its start); "
                                   f"write it as start:end with end >= start, both included")
            if (stop - start) // step + 1 > MAX_VALUES:
                raise CubenetError(f"{option}: the range {part!r} has more than {MAX_VALUES:,} values")
            values += range(start, stop + 1, step)
            continue
        try:
            values.append(kind(part))
        except ValueError:
            example = "4,8,16 or 1:8" if kind is int else "0.01,0.003"
            raise CubenetError(f"{option}: {part!r} is not {'an integer' if kind is int else 'a number'} "
                               f"(write a list like {example})") from None
    return tuple(dict.fromkeys(values))  # keep the order, drop repeats


@dataclass(frozen=True)
class Cell:
    """One run of a sweep; every field is plain data so a cell crosses process and machine boundaries."""

    data: str
    data_params: tuple = ()      # sorted (name, value) pairs given to the generator
    n_samples: int | None = None
    hidden: tuple = ()
    training: tuple = ()         # sorted (name, value) pairs of TrainConfig fields
    seed: int = 0
    steps: int = 0               # a step network of this many steps, inner width hidden[0]; 0: wide layers

    def settings(self) -> dict:
        """The cell's settings as a JSON-ready dict (what its key hashes; wide cells' keys are those of 0.1)."""
        out = {"data": self.data, "data_params": dict(self.data_params), "n_samples": self.n_samples,
               "hidden": list(self.hidden), "training": dict(self.training), "seed": self.seed}
        if self.steps:
            out["steps"] = self.steps
        return out

    @property
    def key(self) -> str:
        canonical = json.dumps(self.settings(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def command(self) -> str:
        """The two commands that reproduce this cell outside the sweep (scramble, then learn)."""
        data = f"{self.data}-{self.key}.npz"
        scramble = ["cubenet", "scramble", self.data]
        for name, value in self.data_params:
            scramble += [f"--{name.replace('_', '-')}", str(value)]
        if self.n_samples is not None:
            scramble += ["--n", str(self.n_samples)]
        scramble += ["--seed", str(self.seed), "-o", data]
        learn = ["cubenet", "learn", data] + (["--steps", str(self.steps), "--inner", str(self.hidden[0])] if self.steps
                                               else ["--hidden", ",".join(map(str, self.hidden)) or "none"])
        for name, value in self.training:
            learn += [f"--{name.replace('_', '-')}", str(value)]
        learn += ["--seed", str(self.seed), "--no-render"]
        return f"{shlex.join(scramble)} && {shlex.join(learn)}"


@dataclass(frozen=True)
class Grid:
    """The axes of a sweep: each field a tuple of values; ``cells()`` is their product."""

    data: str
    data_params: tuple = ()      # (name, values) pairs
    n_samples: int | None = None
    widths: tuple = (16,)
    depths: tuple = (3,)
    training: tuple = ()         # (name, values) pairs
    seeds: tuple = (0,)
    steps: tuple = ()            # step counts: step networks (inner widths = widths) instead of depths

    def size(self) -> int:
        n = len(self.widths) * len(self.steps or self.depths) * len(self.seeds)
        for _, values in (*self.data_params, *self.training):
            n *= len(values)
        return n

    def cells(self) -> list[Cell]:
        """Every cell, in a stable order: data options, then depth, width, training options, seed."""
        if self.size() > MAX_CELLS:
            raise CubenetError(f"this grid has {self.size():,} cells, more than {MAX_CELLS:,}; "
                               f"sweep a smaller grid (or several)")
        data_names = [name for name, _ in self.data_params]
        train_names = [name for name, _ in self.training]
        out = []
        for data_values in itertools.product(*(v for _, v in self.data_params)):
            for depth, width in itertools.product(self.steps or self.depths, self.widths):
                for train_values in itertools.product(*(v for _, v in self.training)):
                    for seed in self.seeds:
                        out.append(Cell(
                            data=self.data, data_params=tuple(sorted(zip(data_names, data_values))),
                            n_samples=self.n_samples, hidden=(width,) if self.steps else (width,) * depth,
                            training=tuple(sorted(zip(train_names, train_values))), seed=seed,
                            steps=depth if self.steps else 0))
        return out


def check_axes(widths, depths, seeds) -> None:
    """Widths and depths are positive (depth 0 is a linear model: use width 'none' in learn), seeds >= 0."""
    for w in widths:
        check_count("--hidden (a width)", w, maximum=4096)
    for d in depths:
        check_count("--depth", d, maximum=64, advice="a depth counts hidden layers, 1 or more")
    for s in seeds:
        check_int("--seeds (a seed)", s, minimum=0, maximum=2**32 - 1)
