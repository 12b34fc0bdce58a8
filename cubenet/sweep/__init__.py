"""Sweeps: grids of ordinary runs (scramble size × depth × width × seeds), resumable, on a process pool or Dask.

``Grid(...).cells()`` expands the axes; ``run_sweep(cells, ResultsFile(path))`` runs what is not yet in
``results.csv``; ``write_sweep_report(folder)`` draws the phase diagram and writes ``sweep.html``.
"""

from cubenet.sweep.engine import run_cell, run_sweep
from cubenet.sweep.grid import Cell, Grid, parse_values
from cubenet.sweep.report import write_sweep_report
from cubenet.sweep.results import ResultsFile

__all__ = ["Cell", "Grid", "ResultsFile", "parse_values", "run_cell", "run_sweep", "write_sweep_report"]
