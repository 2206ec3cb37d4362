"""Running analyses in the background: a small pool of threads in the application's process.

A request creates the job row and hands its id here; a worker thread runs the analysis with its
own database session, writing progress (at most twice a second) and a heartbeat, then the result
or the error. Pages poll the job row, so any worker of a multi-process deployment can show it.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from crosource.io.errors import InvalidInput
from crosource.services import analyses
from crosource.store import jobs, portfolios
from crosource.store.tables import Job

log = logging.getLogger("crosource.jobs")
BEAT_SECONDS = 5.0
PROGRESS_SECONDS = 0.5


class Stopped(Exception):
    """The application is shutting down: a running analysis stops at its next progress report."""


class JobRunner:
    def __init__(self, sessions: sessionmaker[Session], workers: int = 1) -> None:
        self.sessions = sessions
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crosource-job")
        self.running: set[int] = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.beater: threading.Thread | None = None

    def submit(self, job_id: int) -> None:
        with self.lock:
            if self.beater is None:  # started with the first job: idle apps run no thread
                self.beater = threading.Thread(
                    target=self._beat, name="crosource-beat", daemon=True
                )
                self.beater.start()
            # Beat from submission on: a job queued behind a long one is alive, not stale.
            self.running.add(job_id)
        self.pool.submit(self._run, job_id)

    def shutdown(self) -> None:
        """Stop: queued jobs are dropped and a running simulation ends at its next chunk; both
        are then seen as interrupted (stale heartbeat) and can be run again."""
        self.stopping.set()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _beat(self) -> None:
        while not self.stopping.wait(BEAT_SECONDS):
            with self.lock:
                ids = list(self.running)
            if not ids:
                continue
            try:
                with self.sessions.begin() as session:
                    jobs.beat(session, ids)
            except Exception:  # a missed beat is retried; the job itself goes on
                log.exception("job heartbeat failed")

    def _run(self, job_id: int) -> None:
        with self.lock:
            self.running.add(job_id)
        try:
            self._execute(job_id)
        except Stopped:
            with self.sessions.begin() as session:
                jobs.fail(session, job_id, "interrupted: the application stopped; run it again")
        except Exception as exc:  # the boundary of a job: its error is stored, not raised
            log.exception("job %s failed", job_id)
            with self.sessions.begin() as session:
                jobs.fail(session, job_id, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.running.discard(job_id)

    def _execute(self, job_id: int) -> None:
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is None or job.state != "queued":
                return
            request = analyses.parse(job.request)
            assert job.portfolio_id is not None
            portfolio = portfolios.load(
                session, workspace_id=job.workspace_id, portfolio_id=job.portfolio_id
            )
            jobs.set_running(session, job_id)
        current = ["Starting"]
        last = [0.0]

        def stage(text: str) -> None:
            current[0] = text
            with self.sessions.begin() as session:
                jobs.set_progress(session, job_id, progress=0.0, stage=text)

        def progress(done: int, total: int) -> None:
            if self.stopping.is_set():
                raise Stopped
            now = time.monotonic()
            if now - last[0] < PROGRESS_SECONDS and done < total:
                return
            last[0] = now
            with self.sessions.begin() as session:
                jobs.set_progress(session, job_id, progress=done / max(total, 1), stage=current[0])

        try:
            result = analyses.run(request, portfolio, progress, stage)
        except InvalidInput as exc:
            with self.sessions.begin() as session:
                jobs.fail(session, job_id, "; ".join(str(p) for p in exc.problems))
            return
        with self.sessions.begin() as session:
            jobs.finish(session, job_id, result)
