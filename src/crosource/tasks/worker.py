"""`crosource worker`: a process that takes analyses from the queue in PostgreSQL and runs them.

Workers beat (procrastinate's worker heartbeat) every third of STALLED_SECONDS; every worker also
looks, as often, for tasks whose worker has not beaten for STALLED_SECONDS (killed, or its machine
gone) and puts them back in the queue, so that another worker runs them again. A job's task
claims the job (counting the start in `attempts`) and either runs it whole or, for a large
Monte Carlo, runs its first part and queues the others (crosource.tasks.parts).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Iterable

import procrastinate
from procrastinate import JobContext
from sqlalchemy.orm import Session, sessionmaker

from crosource.store import jobs
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.store.tables import Job
from crosource.tasks import parts
from crosource.tasks.execute import claim, guarded, run_whole
from crosource.tasks.queue import (
    QUEUE,
    RUN_JOB,
    RUN_PART,
    defer,
    deferring_app,
    ensure_schema,
    libpq_url,
)

log = logging.getLogger("crosource.worker")
STALLED_SECONDS = 30.0
GIVE_UP = "this run stopped its worker {n} times; run it again, or with fewer draws"


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def run_job(sessions: sessionmaker[Session], job_id: int, worker: str | None) -> None:
    """The task of a job: run it whole, or its first part and then queue the others."""
    deferring = deferring_app()

    def queue_part(session: Session, job: int, part: int) -> int:
        return defer(deferring, session, RUN_PART, job_id=job, part=part)

    def work() -> None:
        with sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is not None and job.state in jobs.ACTIVE and job.attempts >= parts.MAX_ATTEMPTS:
                jobs.fail(session, job_id, GIVE_UP.format(n=job.attempts))
                return
        claimed = claim(sessions, job_id)
        if claimed is None:
            return
        split = parts.split_of(claimed.request)
        if split is None:
            run_whole(sessions, claimed)
        else:
            parts.run_first(sessions, claimed, split, worker, queue_part)

    guarded(sessions, job_id, work)


def run_part(sessions: sessionmaker[Session], job_id: int, part: int, worker: str | None) -> None:
    guarded(sessions, job_id, lambda: parts.run_part(sessions, job_id, part, worker))


def worker_app(url: str) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=libpq_url(url)))

    @app.task(name=RUN_JOB, queue=QUEUE, pass_context=True)
    def job_task(context: JobContext, job_id: int) -> None:
        run_job(context.additional_context["sessions"], job_id, context.worker_name)

    @app.task(name=RUN_PART, queue=QUEUE, pass_context=True)
    def part_task(context: JobContext, job_id: int, part: int) -> None:
        run_part(context.additional_context["sessions"], job_id, part, context.worker_name)

    del job_task, part_task  # registered on the app by the decorators
    return app


async def rescue_stalled(app: procrastinate.App, seconds: float) -> None:
    """Put back in the queue the tasks of workers that stopped beating (a worker killed
    mid-task); several workers doing it at once is harmless (a task is retried once)."""
    manager = app.job_manager
    while True:
        await asyncio.sleep(seconds / 3)
        try:
            for stalled in await manager.get_stalled_jobs(seconds_since_heartbeat=seconds):
                with contextlib.suppress(procrastinate.exceptions.ConnectorException):
                    await manager.retry_job(stalled)
                    log.warning("task %s of a stopped worker is queued again", stalled.id)
            await manager.prune_stalled_workers(seconds)
        except Exception:  # the next round tries again; the worker itself goes on
            log.exception("looking for stalled tasks failed")


def run_worker(
    url: str,
    *,
    concurrency: int = 1,
    queues: Iterable[str] | None = None,
    name: str | None = None,
    stalled_seconds: float = STALLED_SECONDS,
) -> None:
    """Migrate the database, create the queue's schema if missing, then work until stopped."""
    engine = make_engine(url)
    upgrade(engine)
    ensure_schema(engine)
    sessions = session_factory(engine)
    app = worker_app(url)

    async def main() -> None:
        async with app.open_async():
            rescuer = asyncio.create_task(rescue_stalled(app, stalled_seconds))
            try:
                await app.run_worker_async(
                    queues=list(queues) if queues else None,  # type: ignore[arg-type]  # None: all
                    concurrency=concurrency,
                    name=name or default_name(),
                    additional_context={"sessions": sessions},
                    update_heartbeat_interval=stalled_seconds / 3,
                    stalled_worker_timeout=stalled_seconds,
                    install_signal_handlers=True,
                )
            finally:
                rescuer.cancel()

    try:
        asyncio.run(main())
    finally:
        engine.dispose()
