"""A run's randomness: one seed split once into named, independent streams (:class:`Seeds`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cubenet.errors import CubenetError
from cubenet.validate import check_int

#: the independent random streams of a run, each derived from the one seed
STREAMS = ("data", "init", "batches", "evaluation", "probes", "drawing")


@dataclass(frozen=True)
class Seeds:
    """One seed split once into the named, independent streams of :data:`STREAMS`.

    ``data`` is ``numpy.random.default_rng(data_seed)`` — exactly what ``cubenet scramble --seed`` uses,
    so a run's default dataset equals the file that command writes. Every other stream is a child of
    ``SeedSequence(seed)`` (``spawn_key`` = its position in :data:`STREAMS`), independent of the data
    stream and of each other. ``data_seed`` defaults to ``seed``; changing only it changes only the data.
    """

    seed: int = 0
    data_seed: int | None = None

    def __post_init__(self):
        check_int("seed", self.seed, minimum=0)
        if self.data_seed is not None:
            check_int("data_seed", self.data_seed, minimum=0)

    def sequence(self, name: str) -> np.random.SeedSequence:
        if name not in STREAMS:
            raise CubenetError(f"unknown random stream {name!r}; the streams are {', '.join(STREAMS)}")
        if name == "data":
            return np.random.SeedSequence(self.seed if self.data_seed is None else self.data_seed)
        return np.random.SeedSequence(self.seed, spawn_key=(STREAMS.index(name),))

    def rng(self, name: str) -> np.random.Generator:
        """A fresh generator for stream ``name`` (the same numbers every time it is asked for)."""
        return np.random.default_rng(self.sequence(name))

    def training(self) -> dict:
        """The trainer's streams, as :func:`cubenet.nn.train.train` takes them."""
        return {name: self.rng(name) for name in ("init", "batches", "evaluation")}

    def record(self) -> dict:
        """The JSON record in ``run.json``: the seed and, per stream, its SeedSequence entropy and spawn key."""
        streams = {}
        for name in STREAMS:
            seq = self.sequence(name)
            streams[name] = {"entropy": int(seq.entropy), "spawn_key": [int(k) for k in seq.spawn_key]}
        return {"seed": self.seed, "data_seed": self.seed if self.data_seed is None else self.data_seed,
                "streams": streams}

    def drawing_seed(self) -> int:
        """An integer seed for the figures' subsampling and draw order."""
        return int(self.rng("drawing").integers(2 ** 31))
