"""The run as a stage: per-layer numbers (metrics), the run folder, and the experiment that ties them together.

Sits above ``nn`` (it trains and measures networks) and below ``viz`` (figures only read runs).
"""

from cubenet.run.folder import Run, load_run, save_run

__all__ = ["Run", "load_run", "save_run"]
