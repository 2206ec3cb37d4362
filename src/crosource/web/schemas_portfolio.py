"""Shapes of the API's portfolio, recommendation and assessment answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from crosource.services.assessment import Draft
from crosource.services.assessment_steps import STEP_KEYS


class RecommendationOut(BaseModel):
    """The recommendation, as the `result` of `crosource recommend --format json`."""

    portfolio_id: int
    version: int = Field(description="The portfolio version recommended.")
    programs: list[dict[str, Any]] = Field(
        description="Per program: relationship and delivery model, each with its scores, "
        "reasons (the rules that fired) and counterfactuals."
    )
    assignments: list[dict[str, Any]] = Field(
        description="Per (study, function): the delivery model, the provider, the reasons."
    )
    questions_for_providers: list[str]


class AssessmentOut(BaseModel):
    step: int = Field(
        description=f"The step reached, 0 to {len(STEP_KEYS) - 1}: {', '.join(STEP_KEYS)}."
    )
    step_key: str
    answers: Draft
    updated_at: datetime | None


class AssessmentIn(BaseModel):
    step: int = Field(0, ge=0, le=len(STEP_KEYS) - 1, description="The step reached.")
    answers: Draft


class AssessmentFinish(BaseModel):
    name: str | None = Field(
        None, max_length=200, description="The new portfolio's name; the sponsor's by default."
    )
