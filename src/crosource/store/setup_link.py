"""The first-run setup link: one per database, kept as the hash of its token in the one row of
`setup_token`, and good only while no account exists.

Which process prints a working link: the first to insert the row. A process starting while an
unused link exists prints none, unless that link is older than REPLACE_AFTER_SECONDS: then it
replaces the link with one UPDATE ... WHERE created_at is old, which only one of several
processes starting together can do. A process that stops cleanly gives its unused link back, so
restarting `crosource serve` on a database without accounts prints a working link at once; a
process that crashed leaves its link to be replaced after REPLACE_AFTER_SECONDS.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crosource.store.errors import NotFound
from crosource.store.tables import SetupToken, User, utcnow

# Assumption: processes of one deployment start within two minutes of each other, and a person
# who lost the link of a crashed process can wait that long (or use `crosource user add`).
REPLACE_AFTER_SECONDS = 120
ROW = 1
DEAD = "this setup link is not valid (it works only once, and not once an account exists)"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def any_user(session: Session) -> bool:
    return bool(session.scalar(select(exists().select_from(User))))


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(SetupToken)


def offer(session: Session, *, replace_after_seconds: int = REPLACE_AFTER_SECONDS) -> str | None:
    """A new setup token when no account exists and this process is the one to print it; None
    otherwise. Only the token's hash is stored."""
    if any_user(session):
        return None
    token = secrets.token_urlsafe(24)
    now = utcnow()
    inserted = session.execute(
        _insert(session)
        .values(id=ROW, token_hash=_digest(token), created_at=now, used_at=None)
        .on_conflict_do_nothing(index_elements=[SetupToken.id])
        .returning(SetupToken.id)
    ).first()
    if inserted is not None:
        return token
    replaced = session.execute(
        update(SetupToken)
        .where(
            SetupToken.id == ROW,
            SetupToken.used_at.is_(None),
            SetupToken.created_at < now - timedelta(seconds=replace_after_seconds),
        )
        .values(token_hash=_digest(token), created_at=now)
        .returning(SetupToken.id)
    ).first()
    return token if replaced is not None else None


def give_back(session: Session, *, token: str) -> None:
    """The process that printed this link stops: forget the link if it was not used, so that
    the next start prints a new one."""
    session.execute(
        delete(SetupToken).where(
            SetupToken.id == ROW,
            SetupToken.token_hash == _digest(token),
            SetupToken.used_at.is_(None),
        )
    )


def is_open(session: Session, *, token: str) -> bool:
    """Whether the link of this token would make the first owner now."""
    row = session.get(SetupToken, ROW)
    return (
        row is not None
        and row.used_at is None
        and secrets.compare_digest(row.token_hash, _digest(token))
        and not any_user(session)
    )


def use(session: Session, *, token: str) -> None:
    """Mark the link used, in the transaction that makes the first owner; NotFound when it is
    not (or no longer) valid. The conditional UPDATE lets only one request use it, however many
    arrive together; rolling back the transaction makes the link usable again."""
    claimed = session.execute(
        update(SetupToken)
        .where(
            SetupToken.id == ROW,
            SetupToken.token_hash == _digest(token),
            SetupToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .returning(SetupToken.id)
    ).first()
    if claimed is None or any_user(session):
        raise NotFound(DEAD)
