"""Signed-in browsers, kept in the database so that every process sees at once that one ended.

The browser's cookie holds only a random key; the row is found by the key's SHA-256 (a stolen
copy of the table gives no working cookie). A session ends when its user signs out, when they
lose or change a role, or after its lifetime; an ended row is kept until it is swept, so that
its key can never come back to life.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from crosource.store.tables import WebSession, utcnow

# Assumption: a working day, then sign in again (the lifetime of the former signed cookie).
SESSION_SECONDS = 8 * 3600


def key_hash(key: str) -> str:
    # Keys are long random strings, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(key.encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    # SQLite gives back the stored UTC time without its zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class LiveSession:
    """A session as a request sees it: plain values, usable outside the database session."""

    key_hash: str
    user_id: int
    csrf: str
    data: dict[str, Any] = field(default_factory=dict)


def open_session(
    session: Session, *, user_id: int, seconds: int = SESSION_SECONDS
) -> tuple[str, LiveSession]:
    """A new session of the user: the key for the cookie (never stored) and the session."""
    key = secrets.token_urlsafe(32)
    row = WebSession(
        key_hash=key_hash(key),
        user_id=user_id,
        csrf=secrets.token_urlsafe(24),
        data={},
        expires_at=utcnow() + timedelta(seconds=seconds),
    )
    session.add(row)
    session.flush()
    return key, LiveSession(row.key_hash, user_id, row.csrf, {})


def live_session(session: Session, *, key: str) -> LiveSession | None:
    """The session of this cookie key, or None when unknown, ended or expired."""
    if not key or len(key) > 200:
        return None
    row = session.get(WebSession, key_hash(key))
    if row is None or row.revoked_at is not None or _utc(row.expires_at) <= utcnow():
        return None
    data = row.data if isinstance(row.data, dict) else {}
    return LiveSession(row.key_hash, row.user_id, row.csrf, dict(data))


def end_session(session: Session, *, key_hash: str) -> None:
    query = update(WebSession).where(
        WebSession.key_hash == key_hash, WebSession.revoked_at.is_(None)
    )
    session.execute(query.values(revoked_at=utcnow()))


def end_user_sessions(session: Session, *, user_id: int) -> None:
    """End every session of the user, in every browser: after losing or changing a role, or a
    new password."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    session.execute(query.values(revoked_at=utcnow()))


def save_data(session: Session, *, key_hash: str, data: dict[str, Any]) -> None:
    """Keep the session's page state (notices to show once); an ended session stays ended."""
    query = update(WebSession).where(
        WebSession.key_hash == key_hash, WebSession.revoked_at.is_(None)
    )
    session.execute(query.values(data=data))


def sweep(session: Session, *, older_than_seconds: int = SESSION_SECONDS) -> None:
    """Forget sessions that expired a while ago (their keys are dead either way)."""
    before = utcnow() - timedelta(seconds=older_than_seconds)
    session.execute(delete(WebSession).where(WebSession.expires_at < before))
