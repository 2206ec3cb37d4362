"""Sign-in attempts counted in the database, one atomic statement per count, so that every thread
of every process sees every attempt (the policy that reads them is in web/throttle.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crosource.store.tables import SignInCounter, utcnow


def _insert(session: Session) -> Any:
    # INSERT ... ON CONFLICT is dialect syntax (SQLite 3.24+, PostgreSQL 9.5+).
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(SignInCounter)


def count_attempt(session: Session, *, key: str, window_seconds: int) -> tuple[int, datetime]:
    """Add one attempt under the key; the attempts within its window (this one included) and
    when the window began. A window older than window_seconds starts again at this attempt."""
    now = utcnow()
    table = SignInCounter.__table__
    expired = table.c.window_start <= now - timedelta(seconds=window_seconds)
    statement = (
        _insert(session)
        .values(key=key, attempts=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((expired, 1), else_=table.c.attempts + 1),
                "window_start": case((expired, now), else_=table.c.window_start),
            },
        )
        .returning(table.c.attempts, table.c.window_start)
    )
    attempts, start = session.execute(statement).one()
    start = start if start.tzinfo is not None else start.replace(tzinfo=UTC)  # SQLite
    return int(attempts), start


def give_back(session: Session, *, key: str) -> None:
    """Take one attempt off the key's count (a successful sign-in does not use up a place)."""
    query = update(SignInCounter).where(SignInCounter.key == key, SignInCounter.attempts > 0)
    session.execute(query.values(attempts=SignInCounter.attempts - 1))


def clear(session: Session, *, keys: list[str]) -> None:
    session.execute(delete(SignInCounter).where(SignInCounter.key.in_(keys)))


def sweep(session: Session, *, window_seconds: int) -> None:
    """Forget counters whose window is over: they would start again anyway."""
    before = utcnow() - timedelta(seconds=window_seconds)
    session.execute(delete(SignInCounter).where(SignInCounter.window_start < before))
