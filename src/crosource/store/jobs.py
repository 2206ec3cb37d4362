"""Background jobs in the database: created by a request, run by a worker, read by pages.

An in-process job's runner writes its heartbeat every few seconds; such a job still queued or
running whose heartbeat (or creation) is older than STALE_SECONDS lost its runner (the process
stopped) and is reported, and stored, as failed. A job of the queue (runner "procrastinate") is
never expired this way: it waits in PostgreSQL for a worker, and a worker that dies leaves its task
to be retried by another (crosource.tasks.worker).

Cancelling sets `cancel_requested_at`: a queued job is cancelled at once; a running one stops at
its runner's next progress report (`set_progress` answers whether to stop).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer

from crosource.store.errors import Conflict
from crosource.store.scoped import in_workspace
from crosource.store.tables import Job, utcnow

STALE_SECONDS = 60  # assumption: runners beat every 5 s; twelve missed beats mean it is gone
ACTIVE = ("queued", "running")


def create_job(
    session: Session,
    *,
    workspace_id: int,
    kind: str,
    request: dict[str, Any],
    user_id: int | None,
    portfolio_id: int | None,
) -> Job:
    job = Job(
        workspace_id=workspace_id,
        kind=kind,
        request=request,
        user_id=user_id,
        portfolio_id=portfolio_id,
        state="queued",
        stage="Waiting to start",
        heartbeat_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def as_utc(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        from datetime import UTC

        return moment.replace(tzinfo=UTC)
    return moment


def _expire_if_stale(job: Job, now: datetime) -> None:
    if job.runner != "inprocess":
        return
    beat = as_utc(job.heartbeat_at) or as_utc(job.created_at)
    if job.state in ACTIVE and beat is not None and now - beat > timedelta(seconds=STALE_SECONDS):
        job.state = "failed"
        job.error = "interrupted: the process running it stopped; run it again"
        job.finished_at = now


def get_job(session: Session, *, workspace_id: int, job_id: int) -> Job:
    job = in_workspace(session, Job, workspace_id=workspace_id, row_id=job_id, what="job")
    _expire_if_stale(job, utcnow())
    return job


def list_jobs(
    session: Session,
    *,
    workspace_id: int,
    portfolio_id: int | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
    with_results: bool = False,
) -> list[Job]:
    """The newest runs first. Their results (up to megabytes each) are left out unless asked
    for: listings show states and settings, and pages listing runs are viewed often."""
    query = select(Job).where(Job.workspace_id == workspace_id)
    if not with_results:
        query = query.options(defer(Job.result))
    if portfolio_id is not None:
        query = query.where(Job.portfolio_id == portfolio_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    query = query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)
    jobs = list(session.scalars(query))
    now = utcnow()
    for job in jobs:
        _expire_if_stale(job, now)
    return jobs


def set_running(session: Session, job_id: int) -> None:
    claim(session, job_id, states=("queued",))


def claim(session: Session, job_id: int, *, states: tuple[str, ...] = ACTIVE) -> bool:
    """Mark the job running and count the start; False when it is no longer to be run (done,
    failed, cancelled, or asked to stop). A retried task claims a job already "running"."""
    found = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(states), Job.cancel_requested_at.is_(None))
        .values(
            state="running",
            stage="Starting",
            heartbeat_at=utcnow(),
            attempts=Job.attempts + 1,
        )
    )
    return bool(getattr(found, "rowcount", 0))


def set_progress(session: Session, job_id: int, *, progress: float, stage: str) -> bool:
    """Store how far the job is; True when someone asked to stop it (the runner then stops)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "running")
        .values(progress=min(max(progress, 0.0), 1.0), stage=stage[:200], heartbeat_at=utcnow())
    )
    return stop_requested(session, job_id)


def stop_requested(session: Session, job_id: int) -> bool:
    """Whether the job is to stop: cancelled, or no longer running (failed or done elsewhere)."""
    row = session.execute(
        select(Job.state, Job.cancel_requested_at).where(Job.id == job_id)
    ).one_or_none()
    return row is None or row.cancel_requested_at is not None or row.state not in ACTIVE


def beat(session: Session, job_ids: list[int]) -> None:
    if job_ids:
        session.execute(update(Job).where(Job.id.in_(job_ids)).values(heartbeat_at=utcnow()))


def finish(session: Session, job_id: int, result: dict[str, Any]) -> None:
    now = utcnow()
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(ACTIVE))
        .values(
            state="done",
            progress=1.0,
            stage="Done",
            result=result,
            finished_at=now,
            heartbeat_at=now,
        )
    )


def fail(session: Session, job_id: int, error: str) -> None:
    now = utcnow()
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(ACTIVE))
        .values(state="failed", stage="Failed", error=error[:4000], finished_at=now)
    )


def request_cancel(session: Session, job: Job) -> bool:
    """Ask the job to stop; True when it was still queued and is now cancelled outright.
    Refused (Conflict) once it has finished."""
    if job.state not in ACTIVE:
        raise Conflict(f"run {job.id} is already {job.state}; there is nothing to cancel")
    now = utcnow()
    job.cancel_requested_at = job.cancel_requested_at or now
    if job.state == "queued":
        job.state, job.stage, job.finished_at = "cancelled", "Cancelled before it started", now
    session.flush()
    return job.state == "cancelled"


def mark_cancelled(session: Session, job_id: int) -> None:
    """A running job that stopped because it was asked to: kept as "cancelled", no result."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(ACTIVE))
        .values(state="cancelled", stage="Cancelled while running", finished_at=utcnow())
    )
