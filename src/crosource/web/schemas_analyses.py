"""Shapes of the analyses API: jobs (Monte Carlo and optimizer runs) and synchronous pricing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crosource.services.analyses import MAX_SCENARIOS, OptimizeRequest, SimulateRequest

JobRequest = Annotated[SimulateRequest | OptimizeRequest, Field(discriminator="kind")]


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    state: str = Field(description="queued, running, done, failed or cancelled.")
    progress: float = Field(description="From 0 to 1.")
    stage: str = Field(description="What the run is doing now, in words.")
    error: str | None
    portfolio_id: int | None
    portfolio_version: int | None = Field(description="The portfolio's version the run used.")
    request: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None


class JobDetail(JobOut):
    result: dict[str, Any] | None = Field(
        description="Once done: the same JSON as `crosource simulate` or `optimize` prints."
    )


class JobPage(BaseModel):
    items: list[JobOut]
    limit: int
    offset: int


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenarios: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=MAX_SCENARIOS,
        description="Plans of the portfolio or generators; empty: the default set.",
    )


class PriceOut(BaseModel):
    scenarios: list[dict[str, Any]] = Field(description="Expected costs of each scenario.")
    assumptions_overridden: dict[str, Any]
