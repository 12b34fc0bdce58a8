"""cubenet: deep learning as geometry — scramble data like a Rubik's cube, watch a ReLU network unscramble it.

The public API is imported lazily so that ``import cubenet`` (and the CLI's ``--help``) stays fast.
"""

__version__ = "0.2.0"

_LAZY = {
    "CubenetError": "cubenet.errors",
    "Dataset": "cubenet.data.dataset",
    "load": "cubenet.data.io",
    "save": "cubenet.data.io",
    "apply_moves": "cubenet.data.moves",
    "parse_scramble": "cubenet.data.moves",
    "format_scramble": "cubenet.data.moves",
    "invert": "cubenet.data.moves",
    "make_color_cube": "cubenet.data.cube",
    "facelets": "cubenet.data.cube",
    "random_scramble": "cubenet.data.cube",
    "make_dataset": "cubenet.data.registry",
    "GENERATORS": "cubenet.data.registry",
    "make_spirals": "cubenet.data.planar",
    "make_moons": "cubenet.data.planar",
    "make_circles": "cubenet.data.planar",
    "make_xor": "cubenet.data.planar",
    "make_checker": "cubenet.data.planar",
    "make_blobs": "cubenet.data.planar",
    "make_digits": "cubenet.data.digits",
    "read_csv": "cubenet.data.csvio",
    "write_csv": "cubenet.data.csvio",
    "explore": "cubenet.viz.explorer",
    "run_experiment": "cubenet.run.experiment",
    "Seeds": "cubenet.run.experiment",
    "load_run": "cubenet.run.folder",
    "write_explorer": "cubenet.viz.explorer",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cubenet' has no attribute {name!r}")


def __dir__():
    """Tab completion in notebooks lists the lazily imported API too."""
    return sorted({*globals(), *_LAZY})
