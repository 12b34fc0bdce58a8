"""Seeing the unscrambling: per-layer numbers, projections, figures, animations and the report."""
