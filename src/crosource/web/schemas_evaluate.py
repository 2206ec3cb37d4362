"""Shapes of the API's evaluation, RFP and portal requests and answers, kept apart from tables.

The portal's shapes carry only what a provider may see: its own bid, never another's, and no
score, rate card or cost model of the sponsor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crosource.web.deps import MAX_ID

ShortText = Annotated[str, StringConstraints(max_length=100)]
Judgment = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class EvaluationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    version: int
    updated_at: datetime


class EvaluationDetail(EvaluationOut):
    document: dict[str, Any]


class EvaluationPage(BaseModel):
    items: list[EvaluationOut]
    limit: int
    offset: int


class EvaluationUpdate(BaseModel):
    version: int = Field(ge=1, le=MAX_ID, description="The version edited; a newer is a conflict.")
    document: dict[str, Any]


class EvaluationFromPortfolio(BaseModel):
    portfolio_id: int = Field(ge=1, le=MAX_ID)
    name: Annotated[str | None, StringConstraints(max_length=200)] = None
    providers: list[ShortText] | None = Field(
        None, max_length=200, description="The providers to compare; all of them when absent."
    )


class EvaluationRun(BaseModel):
    """As `crosource evaluate --format json` prints it."""

    crosource: str
    command: str
    input: str
    result: dict[str, Any]


class ConsistencyIn(BaseModel):
    criteria: list[ShortText] = Field(min_length=2, max_length=30)
    judgments: dict[ShortText, Judgment] = Field(
        max_length=500, description='{"a/b": how many times a is as important as b} (1/9..9).'
    )


class WorstJudgment(BaseModel):
    pair: str
    given: float
    implied: float
    log_error: float


class ConsistencyOut(BaseModel):
    criteria: list[str]
    weights: dict[str, float]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    threshold: float
    worst: WorstJudgment | None
    warning: str | None


class RfpIn(BaseModel):
    portfolio_id: int = Field(ge=1, le=MAX_ID)
    study_id: ShortText
    title: Annotated[str, StringConstraints(max_length=200)]
    invited: list[ShortText] = Field(max_length=100)


class RfpOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    portfolio_id: int
    study_id: str
    title: str
    invited: list[str]
    status: str
    created_at: datetime


class RfpPage(BaseModel):
    items: list[RfpOut]
    limit: int
    offset: int


class BidLineOut(BaseModel):
    line: str
    function: str | None
    driver: str
    unit_price_usd: float
    quantity: float


class BidOut(BaseModel):
    """One provider's answer to an RFP: its grid, stated assumptions and questionnaire; its
    status is `received` or `rejected` (then `status_reason` says why)."""

    id: int
    provider_id: str
    status: str
    status_reason: str
    filename: str
    submitted_at: datetime
    quoted_total_usd: float
    lines: list[BidLineOut]
    assumptions: dict[str, float]
    answers: dict[str, str]


class RfpStatusOut(RfpOut):
    """The sponsor's view: who has bid."""

    bids: dict[str, bool]


class PortalRfpOut(BaseModel):
    """An invited RFP as its provider sees it."""

    id: int
    title: str
    status: str
    study_id: str
    created_at: datetime
    has_bid: bool
    bid_status: str | None = None  # received or rejected; None without a bid
    bid_status_reason: str = ""


class RejectIn(BaseModel):
    reason: str = Field(max_length=1000, description="Why, for the provider to read.")


class PortalRfpDetail(PortalRfpOut):
    study: dict[str, Any]
    questions: list[dict[str, str]]


class PortalRfpPage(BaseModel):
    items: list[PortalRfpOut]
    limit: int
    offset: int


class AnswersIn(BaseModel):
    answers: dict[ShortText, Annotated[str, StringConstraints(max_length=4000)]] = Field(
        max_length=100
    )
