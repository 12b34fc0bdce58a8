"""``cubenet play``: the live playground — pick data and a network in the browser, train in Python, watch it live."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cubenet.cli.common import command, console


def play(
    data: Annotated[Optional[Path], typer.Argument(help="Optional: a dataset (.npz or .csv) or a run folder to start "
                                                   "from. Default: the colour cube.", show_default=False)] = None,
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option(help="Address to listen on. Anything but 127.0.0.1/localhost exposes the "
                                      "playground to your network.")] = "127.0.0.1",
    runs: Annotated[Path, typer.Option(help="Folder where 'Save run' writes run folders (and nowhere else).")] = Path("runs"),
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the URL but do not open a browser.")] = False,
):
    """Start the live playground: a local page that trains cubenet networks and shows every layer as it learns.

    The server listens on 127.0.0.1 only and prints a URL with a one-time token; Ctrl-C stops it.

    Example: [bold]cubenet play[/bold]   or   [bold]cubenet play spirals.npz --port 9000 --no-browser[/bold]
    """
    from cubenet.errors import CubenetError
    from cubenet.play.page import play_page
    from cubenet.play.server import serve
    from cubenet.play.sessions import Manager

    if not 0 <= port <= 65535:
        raise CubenetError(f"--port must be between 0 and 65535, got {port}")
    launch, launch_path = _launch_data(data)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console(stderr=True).print(f"[bold red]warning:[/bold red] listening on {host}, not loopback: anyone who can "
                                   f"reach this machine and has the token can use the playground")
    if runs.exists() and not runs.is_dir():
        raise CubenetError(f"--runs {str(runs)!r} is a file; give a folder for saved runs")
    try:
        code = serve(Manager(launch, launch_path), host=host, port=port, runs_root=runs.absolute(),
                     page=play_page(launch), open_browser=not no_browser,
                     announce=lambda url: typer.echo(f"cubenet play: open {url}\n(Ctrl-C stops the server)"))
    except OSError as exc:
        raise CubenetError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from None
    raise typer.Exit(code)


def _launch_data(data: Path | None):
    """The dataset given at launch (a file or a run folder's data.npz), or None."""
    if data is None:
        return None, None
    from cubenet.data.io import load

    if data.is_dir():
        data = data / "data.npz"
        if not data.exists():
            from cubenet.errors import CubenetError

            raise CubenetError(f"{str(data.parent)!r} is a folder but not a cubenet run (no data.npz)")
    return load(data), data


def register(app: typer.Typer) -> None:
    command(app, play)
