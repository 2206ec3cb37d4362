"""Assessments in progress: one draft per user and workspace, saved at every step, until it
makes a portfolio. Every change is audited like any other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.domain.portfolio import Portfolio
from crosource.store import portfolios
from crosource.store.audit import add_created, record_change
from crosource.store.tables import Assessment, PortfolioRecord


def current_draft(session: Session, *, workspace_id: int, user_id: int) -> Assessment | None:
    """The user's unfinished assessment in the workspace, if any."""
    query = (
        select(Assessment)
        .where(
            Assessment.workspace_id == workspace_id,
            Assessment.user_id == user_id,
            Assessment.portfolio_id.is_(None),
        )
        .order_by(Assessment.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def save_draft(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    answers: dict[str, Any],
    step: int,
) -> Assessment:
    """Keep the answers and the step reached; starts a draft when the user has none."""
    draft = current_draft(session, workspace_id=workspace_id, user_id=user_id)
    if draft is None:
        return add_created(
            session,
            Assessment(workspace_id=workspace_id, user_id=user_id, answers=answers, step=step),
            workspace_id=workspace_id,
            actor_id=user_id,
            entity="assessment",
            new={"answers": answers, "step": step},
        )
    old = {"answers": draft.answers, "step": draft.step}
    if old == {"answers": answers, "step": step}:
        return draft
    draft.answers = answers
    draft.step = step
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        action="update",
        entity="assessment",
        entity_id=str(draft.id),
        old=old,
        new={"answers": answers, "step": step},
    )
    return draft


def discard_draft(session: Session, *, workspace_id: int, user_id: int) -> bool:
    """Drop the user's unfinished assessment; False when there was none."""
    draft = current_draft(session, workspace_id=workspace_id, user_id=user_id)
    if draft is None:
        return False
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        action="delete",
        entity="assessment",
        entity_id=str(draft.id),
        old={"answers": draft.answers, "step": draft.step},
    )
    session.delete(draft)
    return True


def finish_draft(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    answers: dict[str, Any],
    step: int,
    name: str,
    portfolio: Portfolio,
) -> PortfolioRecord:
    """Add the portfolio the answers built and close the draft on it (both audited)."""
    record = portfolios.add_portfolio(
        session, workspace_id=workspace_id, name=name, portfolio=portfolio, actor_id=user_id
    )
    draft = save_draft(
        session, workspace_id=workspace_id, user_id=user_id, answers=answers, step=step
    )
    session.flush()
    draft.portfolio_id = record.id
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        action="finish",
        entity="assessment",
        entity_id=str(draft.id),
        new={"portfolio_id": record.id},
    )
    return record
