"""Rows that belong to one workspace: found by id only within it, listed by name within it.

A row of another workspace is reported as absent (NotFound), never as forbidden, so that ids
reveal nothing across workspaces.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.store.errors import Conflict, NotFound
from crosource.store.tables import EvaluationRecord, Job, Membership, PortfolioRecord, Rfp

Scoped = TypeVar("Scoped", PortfolioRecord, EvaluationRecord, Rfp, Job, Membership)
Named = TypeVar("Named", PortfolioRecord, EvaluationRecord)


def in_workspace(
    session: Session, model: type[Scoped], *, workspace_id: int, row_id: int, what: str
) -> Scoped:
    """The row of this id if it belongs to the workspace; NotFound ("no WHAT ID") otherwise."""
    row = session.get(model, row_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(f"no {what} {row_id} in this workspace")
    return row


def check_version(
    row: Named, expected_version: int, *, what: str, then: str = "apply the change again"
) -> None:
    """Optimistic locking: refuse a change made on a copy older than the stored row."""
    if row.version != expected_version:
        raise Conflict(
            f"{what} {row.id} changed since version {expected_version} "
            f"(now version {row.version}); reload it and {then}"
        )


def by_name(
    session: Session, model: type[Named], *, workspace_id: int, limit: int, offset: int
) -> list[Named]:
    """A page of the workspace's rows of this kind, in the order of their names."""
    query = (
        select(model)
        .where(model.workspace_id == workspace_id)
        .order_by(model.name)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
