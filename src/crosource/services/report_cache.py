"""The one in-process cache of reports made from stored rows: a portfolio's recommendation, the
report fragment of a finished run for its page, and the PDFs of both.

Each entry is kept under what makes its content unique: the database (two applications in one
process may serve two databases), the workspace, the portfolio, its version, the run (if any)
and a SHA-256 of the stored content the report shows. Ids alone were not enough: SQLite gave a
deleted portfolio's id to the next one, and another workspace's new portfolio was served the
first one's recommendation PDF. With the content's hash in the key, a reused id, version or
time can never find another row's report; a deleted portfolio's entries are also dropped at
once (`forget_portfolio`) so that they do not hold memory until they age out.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from crosource.store.tables import Job, PortfolioRecord

# Assumption: a few portfolios and runs viewed at a time; a recommendation, a fragment or a PDF
# is up to ~1 MB, so 48 entries stay well under 100 MB.
CACHE_SIZE = 48
T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    database: str  # the database's URL (without password); a file's absolute path for SQLite
    workspace_id: int
    portfolio_id: int
    version: int  # the portfolio's version
    kind: str  # what is kept: "recommendation", "recommendation.pdf", "run.fragment", "run.pdf"
    job_id: int  # the run whose report it is; 0 for a portfolio's own report
    digest: str  # SHA-256 of the stored content shown (the document, and the run's result)


def database_of(session: Session) -> str:
    """Which database the session reads, as one string: two URLs naming one SQLite file (by a
    relative and an absolute path) give the same string; two in-memory databases never do."""
    engine = session.get_bind()
    url = engine.engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return f"sqlite:memory:{id(engine.engine)}"
        url = url.set(database=os.path.realpath(url.database))
    return url.render_as_string(hide_password=True)


def digest(*content: Any) -> str:
    """SHA-256 of stored JSON content, the same for equal content whatever its key order."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key(session: Session, record: PortfolioRecord, kind: str, of: int, *content: Any) -> Key:
    """The key of a report shown with its portfolio as stored now: `of` is the run's or the RFP's
    id (0 for the portfolio's own report) and `content` what else the report shows."""
    return Key(
        database=database_of(session),
        workspace_id=record.workspace_id,
        portfolio_id=record.id,
        version=record.version,
        kind=kind,
        job_id=of,
        digest=digest(record.document, *content),
    )


def portfolio_key(session: Session, record: PortfolioRecord, kind: str) -> Key:
    """The key of a report of the portfolio as it is stored now."""
    return _key(session, record, kind, 0)


def job_key(session: Session, record: PortfolioRecord, job: Job, kind: str) -> Key:
    """The key of a run's report (a run belongs to its portfolio's workspace)."""
    return _key(session, record, kind, job.id, job.kind, job.request, job.result)


def rfp_key(session: Session, record: PortfolioRecord, rfp_id: int, content: Any, kind: str) -> Key:
    """The key of an RFP's report: the bids it shows (`content`) beside the document; `kind`
    keeps it apart from runs' reports."""
    return _key(session, record, kind, rfp_id, content)


class ReportCache:
    """The last few reports made (least recently used dropped first). Requests arriving
    together for a report not yet made wait for one making of it instead of each making it."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Key, Any] = OrderedDict()
        self._making: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Key, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: T = self._items[key]
                return found
            gate = self._making.setdefault(key, threading.Lock())
        # Made outside the main lock: printing a PDF takes seconds and other reports may wait.
        with gate:
            with self._lock:
                if key in self._items:
                    again: T = self._items[key]
                    return again
            try:
                made = make()
                with self._lock:
                    self._items[key] = made
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._making.pop(key, None)
        return made

    def forget(self, database: str, workspace_id: int, portfolio_id: int) -> None:
        """Drop every report of a portfolio and of its runs."""
        with self._lock:
            for key in [
                k
                for k in self._items
                if (k.database, k.workspace_id, k.portfolio_id)
                == (database, workspace_id, portfolio_id)
            ]:
                del self._items[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


REPORTS = ReportCache()


def cached(key: Key, make: Callable[[], T]) -> T:
    """The report of this key, made once."""
    return REPORTS.get(key, make)


def forget_portfolio(session: Session, *, workspace_id: int, portfolio_id: int) -> None:
    """After a portfolio is deleted: drop its reports and its runs' reports."""
    REPORTS.forget(database_of(session), workspace_id, portfolio_id)
