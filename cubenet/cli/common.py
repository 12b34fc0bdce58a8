"""Shared CLI plumbing: error handling, the console, seeds and small option parsers."""

from __future__ import annotations

import functools

import typer

STATE = {"debug": False}


def command(app: typer.Typer, func, **kwargs) -> None:
    """Register ``func`` as a command whose library errors become one ``Error:`` line and exit 1.

    Usage errors (bad options) are Typer's: exit 2. Anything unexpected is also one line unless
    ``cubenet --debug`` is given, which shows the traceback.
    """
    from cubenet.errors import CubenetError

    @functools.wraps(func)
    def wrapper(*args, **kw):
        try:
            return func(*args, **kw)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except CubenetError as exc:
            if STATE["debug"]:
                raise
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted; no half-written file was left behind.", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            if STATE["debug"] or isinstance(exc, usage_error_types()):
                raise
            typer.echo(f"Error: unexpected {type(exc).__name__}: {exc} (run 'cubenet --debug …' for the traceback)", err=True)
            raise typer.Exit(1) from None

    app.command(**kwargs)(wrapper)


def usage_error_types() -> tuple[type, ...]:
    """Typer's own usage-error base class (typer >= 0.20 vendors click; older versions use click)."""
    try:
        from typer import TyperException

        return (TyperException,)
    except ImportError:  # pragma: no cover - older typer
        from click import ClickException

        return (ClickException,)


def console(stderr: bool = False):
    """The CLI's rich console. ``soft_wrap``: rich never breaks a line itself, so a path, command or URL
    stays whole and can be copied or clicked (tables and Markdown still lay out to the terminal width)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def seed_rng(seed: int | None):
    """The one place the CLI turns ``--seed`` into a numpy Generator."""
    import numpy as np

    return np.random.default_rng(seed)


def parse_int_list(text: str, option: str) -> tuple[int, ...]:
    """Parse ``"8,8,8"`` into a tuple of positive ints (``""``/``none`` -> no hidden layers)."""
    text = text.strip()
    if text.lower() in ("", "none"):
        return ()
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) <= 0:
            raise typer.BadParameter(f"{text!r}: each size must be a positive integer, got {part!r}", param_hint=option)
        out.append(int(part))
    return tuple(out)
