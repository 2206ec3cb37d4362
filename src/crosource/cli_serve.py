"""`crosource serve`: the web application on this machine, optionally with the demo workspace."""

from __future__ import annotations

import socket
from typing import Annotated

import typer
from rich.console import Console

from crosource.io.errors import InvalidInput

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _check_port(host: str, port: int) -> None:
    """Say plainly that the port is taken, before anything is printed or loaded."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InvalidInput.single(
                "--port", f"cannot listen on {host}:{port} ({exc.strerror}); choose another port"
            ) from None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Load the example portfolios into the workspace 'Demo'.")
    ] = False,
) -> None:
    """Start the web application (database from CROSOURCE_DATABASE_URL, or ./crosource.db)."""
    import uvicorn

    from crosource.services.demo import examples_folder, load_demo
    from crosource.web.app import create_app
    from crosource.web.settings import Settings

    _check_port(host, port)
    settings = Settings()
    app = create_app(settings)
    if demo:
        examples = examples_folder()
        if examples is None:
            raise InvalidInput.single("--demo", "the examples/ folder of a checkout is not found")
        with app.state.sessions.begin() as session:
            load_demo(session, name=settings.setup_workspace, examples=examples)
        err.print(
            f"Demo workspace {settings.setup_workspace!r}: the example portfolios, "
            "an evaluation and an RFP with bids loaded."
        )
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if app.state.setup_token:
        err.print(
            f"\n[bold]First run.[/] Open {address}/setup/{app.state.setup_token}\n"
            f"to create your account (owner of {settings.setup_workspace!r}); the link works once.",
            markup=True,
        )
    elif app.state.setup_pending:
        # One link per database: another process printed it (store/setup_link.py).
        err.print(
            "\n[bold]First run.[/] Another crosource process on this database printed the "
            "setup link in the last two minutes; that link is the only one that works.\nLost it? "
            "Stop every crosource process and start one again (or wait two minutes), or make "
            "the first owner with: crosource user add EMAIL --role owner --workspace "
            f'"{settings.setup_workspace}"',
            markup=True,
        )
    else:
        err.print(f"\nOpen {address}/login and sign in.")
    err.print(
        "Add accounts with: crosource user add EMAIL --role owner|analyst|viewer|provider "
        "--workspace NAME\nStop with Ctrl+C.\n"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
