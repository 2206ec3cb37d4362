"""`crosource worker`: run background analyses taken from the queue in PostgreSQL."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

from crosource.io.errors import InvalidInput

err = Console(stderr=True, highlight=False, soft_wrap=True)


def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Analyses run at once by this process (threads); for more, start more workers.",
        ),
    ] = 1,
    queue: Annotated[
        list[str] | None,
        typer.Option(help="Take work only from this queue (repeatable); default: every queue."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="This worker's name in logs and on a job's parts; default HOST-PID."),
    ] = None,
    stalled_after: Annotated[
        float,
        typer.Option(
            min=3,
            max=3600,
            help="Seconds without a heartbeat after which another worker's tasks are retried.",
        ),
    ] = 30.0,
) -> None:
    """Run analyses from the queue (database from CROSOURCE_DATABASE_URL: PostgreSQL only)."""
    from sqlalchemy.engine import make_url

    from crosource.store.db import URL_VARIABLE, database_url
    from crosource.tasks.worker import default_name, run_worker

    url = database_url()
    if make_url(url).get_backend_name() != "postgresql":
        raise InvalidInput.single(
            URL_VARIABLE,
            "workers need PostgreSQL: set it to postgresql://USER@HOST/DATABASE "
            "(with SQLite, the web application runs analyses itself)",
        )
    name = name or default_name()
    # A worker has no pages: its log (each task started and ended, tasks retried) is how an
    # operator follows it.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    err.print(f"Worker {name} taking analyses from the queue; stop with Ctrl+C.")
    run_worker(url, concurrency=concurrency, queues=queue, name=name, stalled_seconds=stalled_after)
