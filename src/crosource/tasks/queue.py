"""The queue backend: procrastinate's tables in the application's PostgreSQL database.

The web process only defers: the task row is written with the job's own transaction (through the
same connection), so a job exists in the queue exactly when its row exists. `crosource worker`
processes (crosource.tasks.worker) take the tasks. procrastinate's objects live in the schema
that the connection's search_path names first, like the application's tables.
"""

from __future__ import annotations

from typing import Any

import procrastinate
from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from crosource.store.tables import Job, JobPart

QUEUE = "analyses"
RUN_JOB = "crosource.run_job"
RUN_PART = "crosource.run_part"
# Any fixed number, other than the migrations' own: processes starting together take turns.
QUEUE_SCHEMA_LOCK = 0x63725150


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (options such as search_path kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def driver_connection(session: Session) -> Any:
    """The psycopg connection under the session's transaction, for procrastinate's queries."""
    return session.connection().connection.driver_connection


def _applied(connection: Connection) -> bool:
    # A query of pg_class reads the statement's snapshot; to_regclass() reads the catalog cache,
    # which does not see a table another process committed while this one waited for the
    # advisory lock (advisory locks do not refresh that cache), so all but one starter failed.
    found = connection.scalar(
        text(
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = 'procrastinate_jobs' AND n.nspname = current_schema())"
        )
    )
    return bool(found)


def ensure_schema(engine: Engine) -> bool:
    """Create procrastinate's tables and functions unless they exist; True when this call made
    them. Several processes starting at once take turns (an advisory lock held by the
    transaction), and the later ones find the schema there."""
    with engine.connect() as connection:
        if _applied(connection):
            return False
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": QUEUE_SCHEMA_LOCK})
        if _applied(connection):
            return False
        # Several statements in one text: psycopg sends them as is when given no parameters.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute(SchemaManager.get_schema())
    return True


def deferring_app() -> procrastinate.App:
    """An app that only writes tasks through connections it is handed (it opens no pool)."""
    return procrastinate.App(connector=procrastinate.PsycopgConnector())


def defer(app: procrastinate.App, session: Session, task: str, **arguments: int) -> int:
    deferrer = app.configure_task(task, queue=QUEUE, connection=driver_connection(session))
    return deferrer.defer(**arguments)


def cancel_queued(app: procrastinate.App, session: Session, job_id: int) -> int:
    """Take the job's tasks not yet started out of the queue; how many were."""
    job = session.get(Job, job_id)
    if job is None:
        return 0
    ids: list[int | None] = [job.queue_id]
    ids += session.scalars(
        select(JobPart.queue_id).where(
            JobPart.job_id == job_id, JobPart.state == "queued", JobPart.queue_id.is_not(None)
        )
    ).all()
    manager = app.job_manager
    connection = driver_connection(session)
    return sum(manager.cancel_job_by_id(i, connection=connection) for i in ids if i is not None)


class QueueBackend:
    """Jobs deferred to procrastinate's queue; `crosource worker` processes run them."""

    name = "procrastinate"

    def __init__(self, sessions: sessionmaker[Session], url: str) -> None:
        del url  # the queue is reached through the sessions' own connections
        ensure_schema(sessions.kw["bind"])
        self.app = deferring_app()

    def submit(self, session: Session, job_id: int) -> None:
        queue_id = defer(self.app, session, RUN_JOB, job_id=job_id)
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(runner=self.name, queue_id=queue_id, stage="Waiting for a worker to take it")
        )

    def cancel(self, session: Session, job_id: int) -> None:
        cancel_queued(self.app, session, job_id)

    def shutdown(self) -> None:
        """Nothing to release: the backend holds no connection of its own."""
