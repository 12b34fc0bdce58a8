"""Scrambles are data: invertible moves, the generators built from them, and the dataset file."""
