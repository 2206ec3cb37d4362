"""The long analyses the web application runs as background jobs: what each asks, and how it runs.

A request is validated here (the same model serves the API's schema and the page's form); running
it is the costing service on the stored portfolio, with progress reported as it goes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crosource.domain.portfolio import Portfolio
from crosource.services import costing
from crosource.services.costing import Progress, Stage

MAX_SCENARIOS = 8


class SimulateRequest(BaseModel):
    """Monte Carlo of a portfolio's scenarios (the same settings as `crosource simulate`)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["simulate"] = "simulate"
    scenarios: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=MAX_SCENARIOS,
        description="Plans of the portfolio or generators (recommended, fsp_core, in_house_max, "
        "all_fso:PROVIDER, optimized); empty: the default set.",
    )
    draws: int = Field(20_000, ge=100, le=1_000_000, description="Draws per scenario.")
    seed: int = Field(1, ge=0, le=2**31 - 1, description="The same seed gives the same numbers.")
    sensitivity: bool = Field(True, description="Add the tornado and variance shares.")
    sensitivity_draws: int = Field(2_000, ge=100, le=100_000, description="Draws per tornado run.")


class OptimizeRequest(BaseModel):
    """The optimizer's settings (the same as `crosource optimize`); unset means the portfolio's."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["optimize"] = "optimize"
    objective: Literal["cash", "economic"] | None = None
    time_limit_s: float | None = Field(None, ge=1, le=600)
    gap: float | None = Field(None, ge=0, le=1)
    max_providers: int | None = Field(None, ge=1, le=1000)
    max_share: float | None = Field(None, ge=0.01, le=1)
    oversight_limit: bool | None = None
    check_draws: int = Field(5_000, ge=0, le=200_000, description="Monte Carlo check draws.")
    seed: int = Field(1, ge=0, le=2**31 - 1)

    def overrides(self) -> dict[str, Any]:
        return self.model_dump(exclude={"kind", "check_draws", "seed"})


AnalysisRequest = SimulateRequest | OptimizeRequest


def run(
    request: AnalysisRequest,
    portfolio: Portfolio,
    progress: Progress,
    stage: Stage,
) -> dict[str, Any]:
    """Run one analysis; raises InvalidInput when its scenarios cannot be built."""
    if isinstance(request, SimulateRequest):
        stage("Building the plans")
        plans = costing.compile_plans(portfolio, request.scenarios)
        stage(f"Simulating {len(plans)} scenarios")
        return costing.run_simulation(
            portfolio,
            plans,
            draws=request.draws,
            seed=request.seed,
            sensitivity=request.sensitivity,
            sensitivity_draws=request.sensitivity_draws,
            progress=progress,
            stage=stage,
        )
    return costing.run_optimizer(
        portfolio,
        request.overrides(),
        check_draws=request.check_draws,
        seed=request.seed,
        progress=progress,
        stage=stage,
    )


def parse(data: dict[str, Any]) -> AnalysisRequest:
    """A stored job's request; the portfolio version kept beside it is not part of it."""
    data = {k: v for k, v in data.items() if k != "portfolio_version"}
    if data.get("kind") == "optimize":
        return OptimizeRequest.model_validate(data)
    return SimulateRequest.model_validate(data)
