"""The ``cubenet`` command line: thin commands that parse, call one library function and format.

Each command lives in its own module under ``cubenet.cli`` and imports numpy, scipy and
matplotlib only inside the command body, so ``cubenet --help`` answers instantly.
Library errors (CubenetError) become one ``Error: …`` line and exit code 1; usage errors exit 2.
"""

from __future__ import annotations

import typer

from cubenet import __version__

app = typer.Typer(
    name="cubenet",
    help="Deep learning as geometry: scramble data like a Rubik's cube, watch a ReLU network unscramble it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

#: command modules; each defines ``register(app)``
COMMAND_MODULES = ("scramble", "learn", "render", "export", "sweep", "play", "bench", "puzzles")


def _version(value: bool):
    if value:
        typer.echo(f"cubenet {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks instead of one-line errors."),
):
    """Deep learning as geometry: scramble data like a Rubik's cube, watch a ReLU network unscramble it."""
    from cubenet.cli import common

    common.STATE["debug"] = debug


def _register_all() -> None:
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"cubenet.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cubenet.cli.{name}":
                continue  # command not built yet
            raise
        module.register(app)


_register_all()


def _interrupt_on_termination() -> None:
    """SIGTERM and SIGHUP end a command like Ctrl-C: its clean-up runs, no temporary file is left behind."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def _never_fail_on_encoding() -> None:
    """A console that cannot show a character (an ASCII or Latin-1 terminal) gets '?' for it, never an error
    after the work is done: the files are written, so the report of them must be printed too."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):  # not a text stream (a test runner's capture, a closed pipe)
            pass


def main() -> None:
    """Console-script entry point: usage errors become one ``Error:`` line and exit 2."""
    import sys

    from cubenet.cli.common import usage_error_types

    _interrupt_on_termination()
    _never_fail_on_encoding()
    try:
        code = app(standalone_mode=False)
    except usage_error_types() as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # plain 'cubenet': show the help
            exc.show()
            sys.exit(0)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = exc.format_message().replace("Value error, ", "")  # pydantic-style prefix of typer's enum check
        print(f"Error: {message}{hint}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
