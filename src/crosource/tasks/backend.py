"""One interface for background work, and the registry of its backends.

The web application creates a job row, then hands it to its backend within the same database
transaction: `submit` (it runs once that commits) and `cancel` (its tasks not yet started leave
the queue). "auto" picks the queue on PostgreSQL and threads of the web process on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

CHOICES = ("auto", "inprocess", "procrastinate")


class JobBackend(Protocol):
    name: str

    def submit(self, session: Session, job_id: int) -> None:
        """Queue the job with the session's transaction: it runs once that commits."""

    def cancel(self, session: Session, job_id: int) -> None:
        """Take the job's tasks that have not started out of the queue (same transaction)."""

    def shutdown(self) -> None:
        """The process is stopping: release threads and connections."""


Factory = Callable[[sessionmaker[Session], str, int], JobBackend]


def _inprocess(sessions: sessionmaker[Session], url: str, workers: int) -> JobBackend:
    from crosource.tasks.inprocess import InProcessBackend

    del url
    return InProcessBackend(sessions, workers)


def _procrastinate(sessions: sessionmaker[Session], url: str, workers: int) -> JobBackend:
    from crosource.tasks.queue import QueueBackend

    del workers
    return QueueBackend(sessions, url)


BACKENDS: dict[str, Factory] = {"inprocess": _inprocess, "procrastinate": _procrastinate}
# Which backend "auto" means for each database dialect; any other dialect runs in-process.
AUTO = {"postgresql": "procrastinate"}


class BackendError(ValueError):
    """A backend that cannot work with this database; the message says why in plain words."""


def choose(setting: str, dialect: str) -> str:
    name = AUTO.get(dialect, "inprocess") if setting == "auto" else setting
    if name not in BACKENDS:
        raise BackendError(f"unknown job backend {setting!r}; choose one of {', '.join(CHOICES)}")
    if name == "procrastinate" and dialect != "postgresql":
        raise BackendError("the procrastinate job backend needs PostgreSQL (workers share it)")
    return name


def make_backend(
    setting: str, sessions: sessionmaker[Session], url: str, workers: int
) -> JobBackend:
    bind = sessions.kw["bind"]
    return BACKENDS[choose(setting, bind.dialect.name)](sessions, url, workers)
