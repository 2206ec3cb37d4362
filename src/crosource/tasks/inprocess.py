"""The embedded backend: a small pool of threads in the web process runs the analyses.

A request creates the job row and, once its transaction commits, hands its id here; a thread runs
the analysis with its own database session, writing progress and a heartbeat, then the result or
the error. Pages poll the job row. A job whose process stopped is seen as interrupted once its
heartbeat is old (crosource.store.jobs), and can be run again.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, update
from sqlalchemy.orm import Session, sessionmaker

from crosource.store import jobs
from crosource.store.tables import Job
from crosource.tasks.execute import Stopped, claim, guarded, run_whole

log = logging.getLogger("crosource.jobs")
BEAT_SECONDS = 5.0

__all__ = ["BEAT_SECONDS", "InProcessBackend", "JobRunner", "Stopped"]


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
            guarded(self.sessions, job_id, lambda: self._execute(job_id))
        finally:
            with self.lock:
                self.running.discard(job_id)

    def _execute(self, job_id: int) -> None:
        # Only a queued job starts here: a job already running belongs to another thread.
        claimed = claim(self.sessions, job_id, states=("queued",))
        if claimed is not None:
            run_whole(self.sessions, claimed, self.stopping.is_set)


class InProcessBackend:
    """Jobs run by threads of this process (the embedded SQLite default)."""

    name = "inprocess"

    def __init__(self, sessions: sessionmaker[Session], workers: int = 1) -> None:
        self.runner = JobRunner(sessions, workers)

    def submit(self, session: Session, job_id: int) -> None:
        session.execute(update(Job).where(Job.id == job_id).values(runner=self.name))
        if not session.in_transaction():
            self.runner.submit(job_id)
            return
        # The thread reads the job row: it may only start once the row is committed.
        event.listen(session, "after_commit", lambda _: self.runner.submit(job_id), once=True)

    def cancel(self, session: Session, job_id: int) -> None:
        """Nothing to take out of a queue: a queued job is skipped when its turn comes (it is
        "cancelled" already) and a running one stops at its next progress report."""
        del session, job_id

    def shutdown(self) -> None:
        self.runner.shutdown()
