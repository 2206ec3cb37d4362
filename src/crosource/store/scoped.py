"""Rows that belong to one workspace: found by id only within it, listed by name within it.

A row of another workspace is reported as absent (NotFound), never as forbidden, so that ids
reveal nothing across workspaces.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import ORMOption

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
    session: Session,
    row: Named,
    expected_version: int,
    *,
    what: str,
    then: str = "apply the change again",
) -> None:
    """Optimistic locking: refuse a change made on a copy older than the stored row, and
    claim the next version for the change about to be made.

    The claim is one conditional UPDATE (WHERE id AND version): two edits of the same version
    sent at once both pass a check of what they read, but only one UPDATE can match, so the
    other is refused instead of silently overwriting the first. The claimed row stays locked
    until the transaction ends (a PostgreSQL writer waiting on it then re-reads it and matches
    nothing; SQLite writers take turns), so the change is applied under the claim.
    """
    if row.version != expected_version:
        raise Conflict(
            f"{what} {row.id} changed since version {expected_version} "
            f"(now version {row.version}); reload it and {then}"
        )
    model = type(row)
    claim = (
        update(model)
        .where(model.id == row.id, model.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = cast("CursorResult[Any]", session.execute(claim))
    if claimed.rowcount != 1:
        raise Conflict(
            f"{what} {row.id} was changed or deleted by someone else since version "
            f"{expected_version}; reload it and {then}"
        )
    # The row now holds the new version; recorded as loaded, so the flush does not write it again.
    set_committed_value(row, "version", expected_version + 1)


def by_name(
    session: Session,
    model: type[Named],
    *,
    workspace_id: int,
    limit: int,
    offset: int,
    options: tuple[ORMOption, ...] = (),
) -> list[Named]:
    """A page of the workspace's rows of this kind, in the order of their names (with loader
    options such as columns left out)."""
    query = (
        select(model)
        .options(*options)
        .where(model.workspace_id == workspace_id)
        .order_by(model.name)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
