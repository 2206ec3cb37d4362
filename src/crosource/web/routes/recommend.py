"""API: a portfolio's recommendation, and the assessment questionnaire answered step by step
until it makes a portfolio."""

from __future__ import annotations

import json

from fastapi import APIRouter

from crosource.services.assessment import build_from_draft, draft_from_data
from crosource.services.assessment_steps import STEP_KEYS
from crosource.services.recommendation import recommend_stored
from crosource.store import assessments, portfolios
from crosource.web.deps import DbSession, Editor, PortfolioId, Reader
from crosource.web.errors import ApiError
from crosource.web.schemas import PortfolioOut
from crosource.web.schemas_portfolio import (
    AssessmentFinish,
    AssessmentIn,
    AssessmentOut,
    RecommendationOut,
)

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["recommend"])
# A draft of the largest questionnaire is tens of kilobytes; far more is not an answer.
MAX_DRAFT_CHARS = 1_000_000


@router.get("/portfolios/{portfolio_id}/recommendation", response_model=RecommendationOut)
def recommendation(
    portfolio_id: PortfolioId, member: Reader, session: DbSession
) -> RecommendationOut:
    """Relationship and delivery model per program and per (study, function), with reasons."""
    record = portfolios.get_record(
        session, workspace_id=member.workspace_id, portfolio_id=portfolio_id
    )
    made = recommend_stored(session, record=record)
    return RecommendationOut(portfolio_id=record.id, version=record.version, **made.to_json())


def _draft_out(session: DbSession, workspace_id: int, user_id: int) -> AssessmentOut:
    draft = assessments.current_draft(session, workspace_id=workspace_id, user_id=user_id)
    step = min(draft.step, len(STEP_KEYS) - 1) if draft else 0
    return AssessmentOut(
        step=step,
        step_key=STEP_KEYS[step],
        answers=draft_from_data(draft.answers if draft else None),
        updated_at=draft.updated_at if draft else None,
    )


@router.get("/assessment", response_model=AssessmentOut)
def get_assessment(member: Editor, session: DbSession) -> AssessmentOut:
    """The signed-in user's assessment in progress (empty answers when none)."""
    return _draft_out(session, member.workspace_id, member.user_id)


@router.put("/assessment", response_model=AssessmentOut)
def put_assessment(body: AssessmentIn, member: Editor, session: DbSession) -> AssessmentOut:
    """Save the answers so far and the step reached (each answer checked against its field)."""
    answers = body.answers.model_dump(mode="json")
    if len(json.dumps(answers)) > MAX_DRAFT_CHARS:
        raise ApiError(413, "too_large", f"the answers exceed {MAX_DRAFT_CHARS:,} characters")
    assessments.save_draft(
        session,
        workspace_id=member.workspace_id,
        user_id=member.user_id,
        answers=answers,
        step=body.step,
    )
    session.commit()
    return _draft_out(session, member.workspace_id, member.user_id)


@router.post("/assessment/finish", response_model=PortfolioOut, status_code=201)
def finish_assessment(body: AssessmentFinish, member: Editor, session: DbSession) -> PortfolioOut:
    """Make the portfolio of the answers; 422 with every missing or invalid answer."""
    draft = assessments.current_draft(
        session, workspace_id=member.workspace_id, user_id=member.user_id
    )
    answers = draft_from_data(draft.answers if draft else None)
    portfolio = build_from_draft(answers)
    record = assessments.finish_draft(
        session,
        workspace_id=member.workspace_id,
        user_id=member.user_id,
        answers=answers.model_dump(mode="json"),
        step=len(STEP_KEYS) - 1,
        name=(body.name or "").strip() or portfolio.sponsor.name,
        portfolio=portfolio,
    )
    session.commit()
    return PortfolioOut.model_validate(record)
