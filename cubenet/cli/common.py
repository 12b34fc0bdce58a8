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
            typer.echo(f"Error: {unexpected_message(exc)}", err=True)
            raise typer.Exit(1) from None

    app.command(**kwargs)(wrapper)


def unexpected_message(exc: BaseException) -> str:
    """One designed line for an error no check anticipated: what happened and what to do, never a traceback."""
    import errno

    if isinstance(exc, MemoryError):
        return ("not enough memory for this command; use a smaller data set (--n) or network (--hidden), "
                "or allow more memory (a low 'ulimit -v' causes this too)")
    if isinstance(exc, UnicodeEncodeError):
        return (f"this terminal cannot show cubenet's output (encoding {exc.encoding}); "
                "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale (e.g. LC_ALL=C.UTF-8)")
    if isinstance(exc, OSError):
        where = f" {exc.filename!r}" if exc.filename else ""
        advice = ("free some disk space" if exc.errno == errno.ENOSPC else
                  "check the path and its permissions" if exc.errno in (errno.EACCES, errno.EPERM, errno.ENOENT,
                                                                        errno.EROFS, errno.EISDIR, errno.ENOTDIR)
                  else "check the files involved and try again")
        return f"cannot access{where}: {exc.strerror or exc}; {advice}"
    detail = str(exc).strip() or "no message"
    return (f"cubenet failed unexpectedly ({type(exc).__name__}: {detail}). This is a bug in cubenet: please "
            "report it with the command you ran and the output of 'cubenet --debug' followed by that command")


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


def check_seed(seed: int | None) -> None:
    """``--seed`` is a whole number >= 0 (numpy refuses negative seeds)."""
    from cubenet.validate import check_int

    if seed is not None:
        check_int("--seed", seed, minimum=0, advice="seeds are whole numbers 0, 1, 2, …")


def seed_rng(seed: int | None):
    """The one place the CLI turns ``--seed`` into a numpy Generator."""
    import numpy as np

    check_seed(seed)
    return np.random.default_rng(seed)


def parse_int_list(text: str, option: str, *, empty_means: str | None = None, maximum: int | None = None,
                   max_length: int | None = None) -> tuple[int, ...]:
    """Parse ``"8,8,8"`` into a tuple of positive ints (``none`` -> no hidden layers).

    An empty text is refused (it is what an unset shell variable gives), naming ``empty_means``, the
    word that asks for no layers. Sizes are plain ASCII digits (``'²'`` is a digit to Python, not here).
    """
    text = text.strip()
    if not text and empty_means is not None:
        raise typer.BadParameter(f"is empty; give sizes such as 16,16 or '{empty_means}' for no hidden layer",
                                 param_hint=option)
    if text.lower() in ("", "none"):
        return ()
    out = []
    for part in text.split(","):
        part = part.strip()
        if not (part.isascii() and part.isdigit()) or int(part) <= 0:
            raise typer.BadParameter(f"{text!r}: each size must be a positive integer, got {part!r}", param_hint=option)
        if maximum is not None and int(part) > maximum:
            raise typer.BadParameter(f"{text!r}: each size must be at most {maximum:,}, got {int(part):,}",
                                     param_hint=option)
        out.append(int(part))
    if max_length is not None and len(out) > max_length:
        raise typer.BadParameter(f"at most {max_length} sizes, got {len(out)}", param_hint=option)
    return tuple(out)
