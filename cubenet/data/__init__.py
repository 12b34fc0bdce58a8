"""Scrambles are data: invertible moves, the generators built from them, and the dataset file.

Importing the package imports every family of moves, so their kinds and notations are registered
before any scramble is read (:mod:`cubenet.data.moves` itself knows no family).
"""

from cubenet.data import cube, planar  # noqa: F401 - the move families register themselves
