"""Shared test set-up: a non-interactive matplotlib backend and small fixtures."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture
def cli():
    """Invoke the real app the way the console script does (errors -> 'Error:' line, exit codes)."""
    from typer.testing import CliRunner

    from cubenet.cli import app
    from cubenet.cli.common import STATE

    class Result:
        def __init__(self, exit_code, output):
            self.exit_code, self.output = exit_code, output

    def invoke(*args):
        import click

        from cubenet.errors import CubenetError

        runner = CliRunner()
        r = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
        exc = r.exception
        if isinstance(exc, CubenetError):
            return Result(1, r.output + f"Error: {exc}\n")
        if exc is not None and not isinstance(exc, SystemExit):
            raise exc
        STATE["debug"] = False
        return Result(r.exit_code, r.output)

    return invoke
