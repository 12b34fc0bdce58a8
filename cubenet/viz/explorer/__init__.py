"""The explorer: one offline page per run where you turn the cube and scrub through layers, stages and epochs.

:func:`write_explorer` writes ``explorer.html`` for a run folder; :func:`explore` returns the same
page for a notebook (it displays inline). :func:`explorer_data` is the data alone (a JSON-ready dict),
which a live page can feed to ``cubenetExplorer.load(data)`` / ``cubenetExplorer.update(data)``.
"""

from __future__ import annotations

import os
from pathlib import Path

from cubenet.errors import CubenetError
from cubenet.files import write_text
from cubenet.run.folder import Run, load_run
from cubenet.run.metrics import check_max_points
from cubenet.viz.explorer.build import DISPLAY_POINTS, MAX_EPOCHS, is_step_model, mlp_data
from cubenet.viz.explorer.page import iframe, page_html
from cubenet.viz.explorer.stepdata import step_data

__all__ = ["Explorer", "explore", "explorer_data", "explorer_html", "write_explorer"]


def explorer_data(model, ds, *, snapshots=(), metrics: dict | None = None, max_points: int = DISPLAY_POINTS,
                  max_epochs: int = MAX_EPOCHS, fidelity: bool = True, rng=0) -> dict:
    """Everything the explorer page needs, as a JSON-ready dict (arrays as base64 typed arrays).

    Parameters
    ----------
    model : Model (an MLP) or a step model (:mod:`cubenet.nn.steps`)
    ds : the Dataset it was trained on
    snapshots : sequence of (epoch, params), as ``History.snapshots``; the epoch slider runs over them
    metrics : a run's metrics.json, whose probe numbers the page then shows (else it computes them)
    max_points : test points drawn
    max_epochs : snapshots on the epoch slider (the final model is always the last)
    fidelity : compute the display fidelity of every view (False: quicker, shown as "—"; MLPs only)
    """
    if is_step_model(model):
        check_max_points(max_points)
        return step_data(model, ds, snapshots=snapshots, metrics=metrics, max_points=max_points,
                         max_epochs=max_epochs, rng=rng)
    return mlp_data(model, ds, snapshots=snapshots, metrics=metrics, max_points=max_points, max_epochs=max_epochs,
                    fidelity=fidelity, rng=rng)


def _as_run(run):
    if isinstance(run, Run):
        return run
    if isinstance(run, (str, os.PathLike)):
        return load_run(run)
    raise CubenetError(f"expected a run (load_run) or a run folder, got {type(run).__name__}")


def run_data(run, **options) -> dict:
    """:func:`explorer_data` of a saved run: its model, dataset, snapshots and metrics.json numbers."""
    run = _as_run(run)
    return explorer_data(run.model, run.dataset, snapshots=run.history.snapshots, metrics=run.metrics, **options)


def explorer_html(run, **options) -> str:
    """The explorer page of a run, as one self-contained HTML string."""
    return page_html(run_data(run, **options))


def write_explorer(run, path=None, **options) -> Path:
    """Write ``explorer.html`` (default: into the run folder) and return its path.

    run : a Run (:func:`cubenet.run.folder.load_run`) or a run folder
    options : passed to :func:`explorer_data` (max_points, max_epochs, fidelity)
    """
    run = _as_run(run)
    path = Path(run.path) / "explorer.html" if path is None else Path(path)
    if path.suffix.lower() != ".html":
        raise CubenetError(f"the explorer is an .html file, got {str(path)!r}; end the name in .html")
    return write_text(path, explorer_html(run, **options))


class Explorer:
    """The explorer page of a model and dataset; displays itself in a notebook (``_repr_html_``)."""

    def __init__(self, data: dict):
        self.data = data
        self.html = page_html(data)

    def _repr_html_(self) -> str:
        return iframe(self.html)

    def save(self, path) -> Path:
        """Write the page to ``path`` (an .html file) and return the path."""
        path = Path(path)
        if path.suffix.lower() != ".html":
            raise CubenetError(f"the explorer is an .html file, got {str(path)!r}; end the name in .html")
        return write_text(path, self.html)

    def __repr__(self) -> str:
        return f"<cubenet Explorer: {self.data['texts']['title']}, {len(self.html):,} bytes>"


def explore(run_or_model, dataset=None, **options) -> Explorer:
    """The explorer for a run (a Run or its folder) or for a model and its dataset.

    >>> ex = cubenet.explore("runs/color-cube")          # doctest: +SKIP
    >>> ex                                               # in a notebook: the page, inline
    >>> ex.save("cube-explorer.html")                    # doctest: +SKIP
    """
    if isinstance(run_or_model, (Run, str, os.PathLike)):
        if dataset is not None:
            raise CubenetError("give a run (it has its dataset) or a model and a dataset, not a run and a dataset")
        return Explorer(run_data(run_or_model, **options))
    if dataset is None:
        raise CubenetError("explore(model) needs the dataset too: explore(model, dataset)")
    return Explorer(explorer_data(run_or_model, dataset, **options))
