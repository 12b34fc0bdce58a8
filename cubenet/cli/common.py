"""Shared CLI plumbing: error handling, the console, seeds and small option parsers."""

from __future__ import annotations

import sys

import typer

STATE = {"debug": False}


def run_app(app) -> int:
    """Run the Typer app; turn library errors into one ``Error:`` line and exit 1."""
    from cubenet.errors import CubenetError

    try:
        app(standalone_mode=False)
    except CubenetError as exc:
        if STATE["debug"]:
            raise
        typer.echo(f"Error: {exc}", err=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        typer.echo("Interrupted; nothing half-written was left behind.", err=True)
        return 130
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        if STATE["debug"]:
            raise
        typer.echo(f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
        return 1
    return 0


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def seed_rng(seed: int | None):
    """The one place the CLI turns ``--seed`` into a numpy Generator."""
    import numpy as np

    return np.random.default_rng(seed)


def parse_int_list(text: str, option: str) -> tuple[int, ...]:
    """Parse ``"8,8,8"`` into a tuple of positive ints (empty string -> no hidden layers)."""
    from cubenet.errors import CubenetError

    text = text.strip()
    if text in ("", "none", "0"):
        return ()
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) <= 0:
            raise typer.BadParameter(f"{text!r}: each size must be a positive integer, got {part!r}", param_hint=option)
        out.append(int(part))
    return tuple(out)
