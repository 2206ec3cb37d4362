"""Running one job, whichever backend took it: claim it, report progress, store its end.

A runner reports progress at most twice a second; each report also answers whether to stop
(someone cancelled the job, or it ended elsewhere), so a running job stops at its next chunk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crosource.domain.portfolio import Portfolio
from crosource.io.errors import InvalidInput
from crosource.services import analyses
from crosource.services.analyses import AnalysisRequest
from crosource.store import jobs, portfolios
from crosource.store.tables import Job

log = logging.getLogger("crosource.jobs")
PROGRESS_SECONDS = 0.5
INTERRUPTED = "interrupted: the application stopped; run it again"


class Cancelled(Exception):
    """Someone asked to stop the job: it ends as "cancelled", with no result."""


class Stopped(Exception):
    """The process running the job is stopping: a running analysis ends at its next report."""


@dataclass
class Reporter:
    """Progress of one job (or one part of it) written to its row, throttled, with the check
    whether to stop. `record` adds what a part writes beside the job (its own counter)."""

    sessions: sessionmaker[Session]
    job_id: int
    stopping: Callable[[], bool] = lambda: False
    record: Callable[[Session, int], float] | None = None
    current: str = "Starting"
    last: float = field(default=0.0)

    def stage(self, text: str) -> None:
        self.current = text
        self._write(0.0, force=True)

    def progress(self, done: int, total: int) -> None:
        if self.stopping():
            raise Stopped
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and done < total:
            return
        self.last = now
        self._write(done / max(total, 1), force=False, done=done)

    def _write(self, fraction: float, *, force: bool, done: int = 0) -> None:
        with self.sessions.begin() as session:
            if self.record is not None:
                fraction = self.record(session, done) if not force else fraction
            stop = jobs.set_progress(session, self.job_id, progress=fraction, stage=self.current)
        if stop:
            raise Cancelled


@dataclass(frozen=True)
class Claimed:
    """A job a runner has started: what it asks, on which portfolio."""

    job_id: int
    request: AnalysisRequest
    portfolio: Portfolio


def claim(
    sessions: sessionmaker[Session], job_id: int, *, states: tuple[str, ...] = jobs.ACTIVE
) -> Claimed | None:
    """Start the job if it is still to run (None otherwise: done, cancelled, or gone)."""
    with sessions.begin() as session:
        job = session.get(Job, job_id)
        if job is None or job.state not in states or job.cancel_requested_at is not None:
            return None
        request = analyses.parse(job.request)
        assert job.portfolio_id is not None
        portfolio = portfolios.load(
            session, workspace_id=job.workspace_id, portfolio_id=job.portfolio_id
        )
        if not jobs.claim(session, job_id, states=states):
            return None
    return Claimed(job_id, request, portfolio)


def guarded(sessions: sessionmaker[Session], job_id: int, work: Callable[[], None]) -> None:
    """Run `work` for the job and store how it ended when it did not finish it: cancelled,
    interrupted, an input problem, or an internal error (the error is stored, not raised)."""
    try:
        work()
    except Cancelled:
        with sessions.begin() as session:
            jobs.mark_cancelled(session, job_id)
    except Stopped:
        with sessions.begin() as session:
            jobs.fail(session, job_id, INTERRUPTED)
    except InvalidInput as exc:
        with sessions.begin() as session:
            jobs.fail(session, job_id, "; ".join(str(p) for p in exc.problems))
    except Exception as exc:  # the boundary of a job: its error is stored, not raised
        log.exception("job %s failed", job_id)
        with sessions.begin() as session:
            jobs.fail(session, job_id, f"internal error: {type(exc).__name__}: {exc}")


def run_whole(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """The whole analysis in this thread, then its result (raises Cancelled, Stopped, ...)."""
    reporter = Reporter(sessions, claimed.job_id, stopping)
    result: dict[str, Any] = analyses.run(
        claimed.request, claimed.portfolio, reporter.progress, reporter.stage
    )
    with sessions.begin() as session:
        jobs.finish(session, claimed.job_id, result)
