"""Synthetic handwritten digits: stroke skeletons bent by recorded random moves, rendered like optdigits.

Every image starts from a hand-designed *stroke skeleton* (:mod:`.styles`: several handwriting
styles per digit, drawn with the frequencies their weights give). The *moves* (:mod:`.moves`) then
act on it, vectorised over a block of images: key-point jitter, rotation, shear (slant), a smooth
coarse elastic warp, the writer's aspect, a width cap, a shift, the amount of ink, the pen pressure
along the stroke, edge noise and, for the greyscale sizes, blur and pixel noise. ``strength`` sets how
strong they are (``twists`` is its old, deprecated name). :mod:`.raster` normalises and rasterises them.

Sizes: ``8`` is exactly the UCI optdigits format — the glyph is normalised to fill a 32×32 bitmap
32 px high with a fixed amount of ink, and 4×4 blocks are counted, giving integers 0..16;
``16`` and ``28`` are greyscale in [0, 1] (USPS-like filling the frame, MNIST-like in a 20 px box).

The moves of image ``i`` are regenerated from ``meta["moves_seed"]`` by :func:`sample_moves`;
:func:`real_digit_accuracy` measures a model on the 1,797 real optdigits images bundled with
scikit-learn (an optional extra, imported only there); ``python -m cubenet.digits_study``
compares synthetic and real digits.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from cubenet.data.dataset import DEFAULT_COLORS, Dataset, make_meta
from cubenet.data.digits import moves as _moves
from cubenet.data.digits.moves import draw_moves, move_scale, strength
from cubenet.data.digits.raster import FRAMES, Frame, render
from cubenet.data.digits.real import load_real_digits, real_digit_accuracy
from cubenet.data.digits.styles import CLASS_NAMES, N_POINTS, STYLES, WEIGHTS, Skeletons, skeletons
from cubenet.errors import CubenetError
from cubenet.validate import check_count

__all__ = ["CLASS_NAMES", "FRAMES", "Frame", "N_POINTS", "STYLES", "WEIGHTS", "Skeletons", "DigitMove", "draw_moves",
           "load_real_digits", "make_digits", "move_scale", "real_digit_accuracy", "regenerate", "render",
           "sample_moves", "skeletons", "strength"]

SIZES = (8, 16, 28)
MAX_STRENGTH = 10
MAX_TWISTS = MAX_STRENGTH  #: the old name
BLOCK = 512  #: images drawn per block; block b's randomness is ``default_rng([moves_seed, b])``
KINDS = ("jitter", "rotate", "shear", "warp", "aspect", "width", "shift", "ink", "pen", "edge")  #: moves at every size


@dataclass(frozen=True)
class DigitMove:
    """One recorded move of one image: its kind and parameters."""

    kind: str
    params: dict

    def __str__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self.params.items())
        return f"{self.kind}({args})"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, np.ndarray):
        return f"<{value.size} values, rms {float(np.sqrt(np.mean(value ** 2))):.3g}>"
    return repr(value)


def check_params(n_samples, size, strength, test_fraction, *, strength_name="strength") -> None:
    check_count("n_samples", n_samples, minimum=20, maximum=1_000_000)
    check_count(strength_name, strength, minimum=0, maximum=MAX_STRENGTH)
    if isinstance(size, bool) or size not in SIZES:
        raise CubenetError(f"size must be one of {', '.join(map(str, SIZES))} (pixels per side), got {size!r}")
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise CubenetError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    n_test = round(n_samples * test_fraction)
    if min(n_test, n_samples - n_test) < 10:
        raise CubenetError(f"n_samples={n_samples} with test_fraction={test_fraction} leaves {n_test} test and "
                           f"{n_samples - n_test} training images; each part needs at least 10 (one per digit)")


def balanced_labels(n: int, *, rng) -> np.ndarray:
    """Labels 0..9 in random order, each class n//10 or n//10 + 1 times."""
    return rng.permutation(np.arange(n) % 10)


def block_rng(moves_seed: int, block: int) -> np.random.Generator:
    return np.random.default_rng([moves_seed, block])


def make_digits(
    n_samples: int = 6000,
    *,
    size: int = 8,
    strength: int = 2,
    test_fraction: float = 0.25,
    rng=None,
    twists: int | None = None,
) -> Dataset:
    """Synthetic handwritten digits 0-9 drawn from stroke skeletons and scrambled by image moves.

    Parameters
    ----------
    n_samples : int
        Total number of images (train + test); both parts are class-balanced.
    size : {8, 16, 28}
        Side of the images. 8 is the optdigits format (integer counts 0..16 stored as float);
        16 and 28 are greyscale in [0, 1].
    strength : int, 0..10
        How strong the moves are (jitter, rotation, slant, elastic warp, aspect, width, shift, ink, pen
        pressure, edge noise, blur and pixel noise): 0 draws the clean styles, 2 (the default) is
        calibrated so that a network trained on it reads real handwriting, 4 is sloppy, 10 barely legible.
    test_fraction : float
        Fraction of the images held out for testing.
    rng : None, int or numpy Generator
    twists : int, optional
        Deprecated: the old name of ``strength`` (still works, with a DeprecationWarning).

    Returns
    -------
    Dataset
        ``X_*`` of shape (n, size*size) (row-major images), ``y_*`` in 0..9, class names "0".."9".
        Rows of ``ds.X`` (train then test) are generated in order; :func:`sample_moves` gives the
        moves of any row. ``meta["image_shape"] == [size, size]``.
    """
    name = "strength"
    if twists is not None:
        if strength != 2:
            raise CubenetError("give strength= or its old name twists=, not both")
        warnings.warn("make_digits(twists=...) is deprecated; use strength=...", DeprecationWarning, stacklevel=2)
        strength, name = twists, "twists"
    check_params(n_samples, size, strength, test_fraction, strength_name=name)
    seed = rng if isinstance(rng, (int, np.integer)) else None
    rng = np.random.default_rng(rng)
    n_test = round(n_samples * test_fraction)
    n_train = n_samples - n_test
    moves_seed = int(rng.integers(2**53))
    labels = np.concatenate([balanced_labels(n_train, rng=rng), balanced_labels(n_test, rng=rng)])
    X = np.empty((n_samples, size * size))
    for b, start in enumerate(range(0, n_samples, BLOCK)):
        part = labels[start: start + BLOCK]
        X[start: start + BLOCK] = render(draw_moves(part, strength, size, rng=block_rng(moves_seed, b)), size)
    kinds = list(KINDS) + (["blur", "noise"] if size != 8 else [])
    meta = make_meta(
        "digits", kind="digits", seed=seed,
        params={"n_samples": n_samples, "size": size, "strength": strength, "test_fraction": test_fraction},
        scramble="", inverse="", image_shape=[size, size], moves_seed=moves_seed, moves_block=BLOCK,
        moves=["style"] + (kinds if strength else []),
        value_range=[0, 16] if size == 8 else [0, 1],
    )
    return Dataset(X[:n_train], labels[:n_train].astype(np.int64), X[n_train:], labels[n_train:].astype(np.int64),
                   CLASS_NAMES, DEFAULT_COLORS[:10], meta)


def params_strength(params: dict) -> int:
    """The strength recorded in a digits dataset's ``meta["params"]`` (files written before the rename say ``twists``)."""
    return params["strength"] if "strength" in params else params["twists"]


def _block_of(ds: Dataset, index: int) -> tuple[dict, int]:
    """The regenerated moves of the block holding image ``index``, and the image's row in that block."""
    meta = ds.meta
    if meta.get("generator") != "digits" or "moves_seed" not in meta:
        raise CubenetError("this dataset was not made by make_digits, so it records no digit moves")
    n = len(ds.y_train) + len(ds.y_test)
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n:
        raise CubenetError(f"index must be an image number between 0 and {n - 1}, got {index!r}")
    block = meta.get("moves_block", BLOCK)
    b, start = index // block, (index // block) * block
    labels = ds.y[start: start + block]
    params = meta["params"]
    moves = draw_moves(labels, params_strength(params), params["size"], rng=block_rng(meta["moves_seed"], b))
    return moves, index - start


def regenerate(ds: Dataset, index: int) -> np.ndarray:
    """Image ``index`` of ``ds.X`` rebuilt from its recorded seed (shape (size*size,)); equals ds.X[index]."""
    moves, row = _block_of(ds, index)
    return render(moves, ds.meta["params"]["size"])[row]


def sample_moves(ds: Dataset, index: int) -> tuple[DigitMove, ...]:
    """The moves that made image ``index`` of ``ds.X`` (train then test), regenerated from the seed.

    The first entry is the skeleton drawn (digit and style); then one entry per kind in ``meta["moves"]``.
    """
    moves, row = _block_of(ds, index)
    sk = skeletons()
    digit, style = sk.names[moves["style"][row]]
    s = move_scale(params_strength(ds.meta["params"]))
    m = {k: v[row] for k, v in moves.items()}
    out = [
        DigitMove("style", {"digit": digit, "style": style}),
        DigitMove("jitter", {"key_points": m["jitter"][: sk.n_keys[moves["style"][row]]]}),
        DigitMove("rotate", {"degrees": float(m["rotate"])}),
        DigitMove("shear", {"slant": float(m["shear"])}),
        DigitMove("warp", {"node_shifts": m["warp"]}),
        DigitMove("aspect", {"factor": float(m["aspect"])}),
        DigitMove("width", {"factor": float(m["width"])}),
        DigitMove("shift", {"dx": float(m["shift"][0]), "dy": float(m["shift"][1])}),
        DigitMove("ink", {"factor": float(m["ink"])}),
        DigitMove("pen", {"log_pressure": m["pen"]}),
        DigitMove("edge", {"amplitude": min(s, 2.0) * _moves.EDGE}),
        DigitMove("blur", {"sigma": float(m["blur"])}),
        DigitMove("noise", {"sd": float(m["noise"])}),
    ]
    return tuple(mv for mv in out if mv.kind in ds.meta["moves"])
