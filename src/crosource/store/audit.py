"""The audit trail: every change with who, when, what, and the old and new values."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.store.tables import AuditEvent, Base

Row = TypeVar("Row", bound=Base)


def record_change(
    session: Session,
    *,
    workspace_id: int | None,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: str,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        workspace_id=workspace_id,
        user_id=user_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        old=old,
        new=new,
    )
    session.add(event)
    return event


def add_created(
    session: Session,
    row: Row,
    *,
    workspace_id: int | None,
    actor_id: int | None,
    entity: str,
    new: dict[str, Any],
) -> Row:
    """Add a new row and its "create" event; the row's id is known on return."""
    session.add(row)
    session.flush()
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="create",
        entity=entity,
        entity_id=str(row.id),  # type: ignore[attr-defined]
        new=new,
    )
    return row


def list_events(
    session: Session, *, workspace_id: int, limit: int = 100, offset: int = 0
) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.workspace_id == workspace_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
