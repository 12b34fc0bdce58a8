"""The Dataset record: train/test arrays, class names and colours, and JSON-able metadata (with its scramble)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from cubenet import __version__
from cubenet.data.moves import Move, as_moves, format_scramble, invert
from cubenet.errors import CubenetError

#: one cap on the number of classes for every input (npz, CSV, in-memory datasets)
MAX_CLASSES = 50
#: colours for datasets that bring none (colour-blind friendly, distinct on a light grey background)
DEFAULT_COLORS = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442", "#000000",
    "#8c564b", "#6a3d9a",  # the tenth is purple: a grey would vanish on the grey panels
)


@dataclass(frozen=True)
class Dataset:
    """A scrambled (or user-supplied) classification dataset.

    X_train : ndarray of shape (n_train, n_features), float
    y_train : ndarray of shape (n_train,), int in [0, n_classes)
    X_test, y_test : the same for the held-out points
    class_names, class_colors : tuples of length n_classes (colours as ``#rrggbb``)
    meta : dict, JSON-serialisable: generator, kind, params, seed, version, the scramble record
        (:meth:`Scramble.meta`: ``scramble``, ``inverse``, ``random``, ``twists``), …
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    class_colors: tuple
    meta: dict = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def name(self) -> str:
        return self.meta.get("generator", "data")

    @property
    def X(self) -> np.ndarray:
        """All points, train then test."""
        return np.concatenate([self.X_train, self.X_test])

    @property
    def y(self) -> np.ndarray:
        """All labels, train then test."""
        return np.concatenate([self.y_train, self.y_test])


def default_colors(n_classes: int) -> tuple[str, ...]:
    """Distinct class colours for ``n_classes`` classes (cycled with matplotlib's tab20 beyond 10)."""
    if n_classes <= len(DEFAULT_COLORS):
        return DEFAULT_COLORS[:n_classes]
    from matplotlib import colormaps  # (matplotlib only past the ten built-in colours)
    from matplotlib.colors import to_hex

    cmap = colormaps["tab20"]
    return tuple(to_hex(cmap(i % 20)) for i in range(n_classes))


def make_meta(generator: str, *, kind: str, seed=None, params=None, **extra) -> dict:
    """The metadata every generator records (JSON-serialisable)."""
    meta = {"generator": generator, "kind": kind, "params": dict(params or {}), "seed": None if seed is None else int(seed),
            "cubenet_version": __version__}
    meta.update(extra)
    return meta


@dataclass(frozen=True)
class Scramble:
    """A generated dataset's moves: the fixed part (a set's own moves, or the moves asked for), then the twists.

    fixed : tuple of Move, applied first
    random : tuple of Move, the ``twists`` random moves after them
    """

    fixed: tuple[Move, ...] = ()
    random: tuple[Move, ...] = ()

    @property
    def moves(self) -> tuple[Move, ...]:
        """The full move list."""
        return self.fixed + self.random

    @property
    def twists(self) -> int:
        """How many of the moves are random."""
        return len(self.random)

    def meta(self) -> dict:
        """The one metadata record of a scramble, the same for every generator: the full move list, its inverse,
        the random part and its count."""
        return {"scramble": format_scramble(self.moves), "inverse": format_scramble(invert(self.moves)),
                "random": format_scramble(self.random), "twists": self.twists}


def twists_or_moves(twists: int | None, moves, *, default: int, random: Callable[[int], tuple], own=(), dim: int,
                    wrong: str) -> Scramble:
    """The one rule for how a generator is scrambled: its ``own`` moves and ``twists`` random ones, or exactly ``moves``.

    twists : int or None
        How many random moves ``random(twists)`` draws (it checks the count); None is the ``default``.
    moves : str, sequence of Move or None
        An explicit scramble replacing the own moves and the twists. With it, a ``twists`` other than the
        default is refused: the default asks for nothing, so a caller that fills in the defaults it read
        from the generator's signature (the playground's form does) may still give moves.
    dim : int
        The dimension every explicit move must act on; ``wrong`` is the message for one that does not
        (``{move}`` stands for it).
    """
    twists = default if twists is None else twists
    if moves is None:
        return Scramble(tuple(own), tuple(random(twists)))
    if twists != default:
        raise CubenetError("give either twists or moves, not both: the moves replace the random twists")
    fixed = as_moves(moves)
    for m in fixed:
        if m.spec.dim != dim:
            raise CubenetError(wrong.format(move=repr(str(m))))
    return Scramble(fixed, ())


def train_test_split(X, y, *, test_fraction: float, class_names, class_colors=None, meta=None, rng=None) -> Dataset:
    """Shuffle and split into a Dataset, stratified so every class is in both halves."""
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise CubenetError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    rng = np.random.default_rng(rng)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=np.int64)
    test = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        test[idx[: int(round(len(idx) * test_fraction))]] = True
    train_idx = rng.permutation(np.flatnonzero(~test))
    test_idx = rng.permutation(np.flatnonzero(test))
    if len(train_idx) == 0 or len(test_idx) == 0:
        raise CubenetError(f"too few samples ({len(y)}) to split with test_fraction={test_fraction}")
    class_names = tuple(str(c) for c in class_names)
    colors = tuple(class_colors) if class_colors is not None else default_colors(len(class_names))
    return Dataset(X[train_idx], y[train_idx], X[test_idx], y[test_idx], class_names, colors, dict(meta or {}))
