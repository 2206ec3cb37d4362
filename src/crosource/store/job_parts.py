"""Parts of a job split across workers: created by its first part, each claimed and finished by
a worker; the part that finishes last (seen under a lock of the job's row) merges them all.

A part is keyed (job, part): a worker that died leaves its part to a retry that simply runs it
again and overwrites the same row, so nothing is counted twice.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crosource.store.tables import Job, JobPart, utcnow


def lock_job(session: Session, job_id: int) -> None:
    """Every transaction writing parts locks the job's row first: one order of locks, so that
    two tasks of a job (a part and its retry, a part and the merge) never wait on each other."""
    session.execute(select(Job.id).where(Job.id == job_id).with_for_update())


def get_part(session: Session, job_id: int, part: int) -> JobPart | None:
    return session.get(JobPart, (job_id, part))


def add_parts(
    session: Session, job_id: int, chunks: list[range], draws: list[int], version: int
) -> list[JobPart]:
    """Rows for every part not yet made (part 0 included), queued."""
    made = []
    for index, (span, n) in enumerate(zip(chunks, draws, strict=True)):
        row = get_part(session, job_id, index)
        if row is None:
            row = JobPart(
                job_id=job_id,
                part=index,
                first_chunk=span.start,
                end_chunk=span.stop,
                draws=n,
                state="queued",
                done=0,
                attempts=0,
                portfolio_version=version,
            )
            session.add(row)
        made.append(row)
    session.flush()
    return made


def start_part(session: Session, row: JobPart, worker: str | None) -> None:
    """Count a start of the part, and show the job's attempts as its most retried part's."""
    lock_job(session, row.job_id)
    row.state, row.worker, row.started_at = "running", (worker or "")[:200] or None, utcnow()
    row.attempts += 1
    row.done = 0
    session.execute(
        update(Job)
        .where(Job.id == row.job_id, Job.attempts < row.attempts)
        .values(attempts=row.attempts)
    )
    session.flush()


def record_done(session: Session, job_id: int, part: int, done: int) -> float:
    """Store a part's draws so far; the job's share done over all its parts."""
    lock_job(session, job_id)
    session.execute(
        update(JobPart).where(JobPart.job_id == job_id, JobPart.part == part).values(done=done)
    )
    row = session.execute(
        select(func.sum(JobPart.done), func.sum(JobPart.draws)).where(JobPart.job_id == job_id)
    ).one()
    return float(row[0] or 0) / max(int(row[1] or 0), 1)


def finish_part(session: Session, job_id: int, part: int, summary: bytes) -> bool:
    """Store the part's summaries; True when every part is now done (this caller merges).
    The job's row is locked first, so of two parts finishing at once one sees the other's."""
    lock_job(session, job_id)
    session.execute(
        update(JobPart)
        .where(JobPart.job_id == job_id, JobPart.part == part)
        .values(state="done", summary=summary, finished_at=utcnow(), done=JobPart.draws)
    )
    return all_done(session, job_id)


def all_done(session: Session, job_id: int) -> bool:
    left = session.scalar(
        select(func.count())
        .select_from(JobPart)
        .where(JobPart.job_id == job_id, JobPart.state != "done")
    )
    return left == 0


def summaries(session: Session, job_id: int) -> list[bytes]:
    """Every part's summaries, in part order (the order of merging, for identical sums)."""
    rows = session.scalars(
        select(JobPart.summary).where(JobPart.job_id == job_id).order_by(JobPart.part)
    ).all()
    if any(row is None for row in rows):
        raise RuntimeError("a part's summaries are missing")
    return [row for row in rows if row is not None]


def drop_summaries(session: Session, job_id: int) -> None:
    """Once merged into the result, the parts' summaries are not needed (megabytes each)."""
    lock_job(session, job_id)
    session.execute(update(JobPart).where(JobPart.job_id == job_id).values(summary=None))


def list_parts(session: Session, job_id: int) -> list[JobPart]:
    return list(
        session.scalars(select(JobPart).where(JobPart.job_id == job_id).order_by(JobPart.part))
    )
