"""Shared test set-up: a non-interactive matplotlib backend and small fixtures."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture
def cli():
    """Invoke the real app: ``cli("scramble", "color-cube", "-o", path)`` -> click Result."""
    from typer.testing import CliRunner

    from cubenet.cli import app

    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args])

    return invoke
