"""The portfolio (`crosource/portfolio@1`): sponsor, programs, studies, providers, plans.

Field-level rules live here (types, ranges, vocabularies); rules that relate one part of the file
to another (a study's program exists, a rate's function is offered) live in `references.py`, so
that every error of a file can be reported at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from crosource.domain.taxonomy import (
    DeliveryModel,
    FunctionId,
    Level,
    Phase,
    ProviderKind,
    ProviderModel,
    RegionId,
    Relationship,
    Stage,
    TherapeuticArea,
)

SCHEMA: Literal["crosource/portfolio@1"] = "crosource/portfolio@1"

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Maturity = Annotated[int, Field(ge=0, le=4)]
Score = Annotated[float, Field(ge=0, le=4, allow_inf_nan=False)]


class Model(BaseModel):
    """Base of every portfolio object: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class InternalCapability(Model):
    fte: NonNegative
    maturity: Maturity


class Preferences(Model):
    """What the sponsor wants from its sourcing; defaults are neutral (assumption: medium)."""

    control: Level = "medium"
    sponsor_systems: bool = False
    central_data_management: bool = False
    own_investigator_relationships: bool = False
    flexibility: Level = "medium"
    budget_pressure: Level = "medium"
    risk_sharing: Level = "medium"
    senior_attention: Level = "medium"
    ai_maturity_required: Level = "medium"
    portfolio_growth: Level = "medium"


class Sponsor(Model):
    name: Id
    stage: Stage = "clinical"
    internal: dict[FunctionId, InternalCapability] = Field(default_factory=dict)
    # Assumption: 18,000 USD per FTE-month, the example of portfolio.md; set it for your company.
    internal_cost_per_fte_month: Positive = 18000.0
    oversight_fte: NonNegative = 0.0
    preferences: Preferences = Field(default_factory=Preferences)


class Program(Model):
    id: Id
    name: str = ""
    therapeutic_area: TherapeuticArea
    rare_disease: bool = False
    modality: str | None = None
    commercial_intent: bool = True
    value_of_a_day_usd: NonNegative | None = None


def _phase_from_number(value: Any) -> Any:
    """YAML writes `phase: 2` as a number; the vocabulary is the string "2"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and float(value).is_integer():
        return str(int(value))
    return value


# The largest whole number the engines can compute with (numpy's int64); larger ones would fail
# deep inside a computation instead of being refused here.
MAX_WHOLE = 2**63 - 1


class Study(Model):
    id: Id
    program: Id
    phase: Phase
    start: dt.date
    regions: dict[RegionId, Annotated[int, Field(ge=0, le=MAX_WHOLE)]] = Field(min_length=1)
    patients: Annotated[int, Field(gt=0, le=MAX_WHOLE)]
    enrollment_rate: Positive
    treatment_followup_months: NonNegative = 0.0
    complexity: Level = "medium"
    adaptive_design: bool = False
    pivotal: bool = False
    feasibility_only: bool = False
    demand: dict[FunctionId, NonNegative] = Field(default_factory=dict)

    _phase = field_validator("phase", mode="before")(_phase_from_number)

    @field_validator("start", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        # Excel hands dates over as datetimes at midnight.
        if isinstance(value, dt.datetime):
            return value.date()
        return value

    @property
    def sites(self) -> int:
        return sum(self.regions.values())

    def effort(self, function: str) -> float:
        """FTE-months needed for a function (0 when the study does not need it)."""
        return float(self.demand.get(function, 0.0))  # type: ignore[call-overload]


class Provider(Model):
    id: Id
    name: str = ""
    kind: ProviderKind
    models: list[ProviderModel] = Field(min_length=1)
    functions: list[FunctionId] = Field(min_length=1)
    therapeutic_areas: dict[TherapeuticArea, Score] = Field(default_factory=dict)
    regions: list[RegionId] = Field(default_factory=list)
    capacity_fte: dict[FunctionId, NonNegative] = Field(default_factory=dict)
    # Keyed by function, then region or "default"; region keys are checked in references.py.
    rates_usd_per_fte_month: dict[FunctionId, dict[str, Positive]] = Field(default_factory=dict)
    scores: dict[str, Score] = Field(default_factory=dict)

    def rate(self, function: str, region: str) -> float | None:
        """The rate for a function in a region, falling back to the provider's `default`."""
        by_region = self.rates_usd_per_fte_month.get(function)  # type: ignore[call-overload]
        if not by_region:
            return None
        value = by_region.get(region, by_region.get("default"))
        return None if value is None else float(value)


class Assignment(Model):
    study: Id
    function: FunctionId
    model: DeliveryModel
    provider: Id | None = None


class RelationshipChoice(Model):
    program: Id
    provider: Id
    type: Relationship


class Plan(Model):
    name: Id
    base: Literal["recommended"] | None = None
    assignments: list[Assignment] = Field(default_factory=list)
    relationships: list[RelationshipChoice] = Field(default_factory=list)


class OptimizeSettings(Model):
    objective: Literal["cash", "economic"] = "cash"
    time_limit_s: Positive = 60.0
    gap: Annotated[float, Field(ge=0, le=1)] = 0.005
    max_providers: Annotated[int, Field(ge=1)] | None = None
    max_share: Annotated[float, Field(gt=0, le=1)] | None = None
    # Keep the oversight staff the plan needs within sponsor.oversight_fte, month by month.
    oversight_limit: bool = True
    # For programs whose relationship is strategic, every study uses the same provider for each
    # function delivered externally.
    strategic_consistency: bool = False
    locks: list[Assignment] = Field(default_factory=list)
    forbid: list[Assignment] = Field(default_factory=list)


class Portfolio(Model):
    schema_: Literal["crosource/portfolio@1"] = Field(SCHEMA, alias="schema")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    sponsor: Sponsor
    programs: list[Program] = Field(min_length=1)
    studies: list[Study] = Field(min_length=1)
    providers: list[Provider] = Field(default_factory=list)
    # Ids and value shapes are checked against the assumptions catalog in references.py.
    assumptions: dict[str, Any] = Field(default_factory=dict)

    @field_validator("assumptions", mode="before")
    @classmethod
    def _string_keys(cls, value: Any) -> Any:
        # YAML reads `amendment_rate: {2: 1.2}` with a number key; the catalog keys are text.
        if isinstance(value, dict):
            return {
                str(k): ({str(kk): vv for kk, vv in v.items()} if isinstance(v, dict) else v)
                for k, v in value.items()
            }
        return value

    plans: list[Plan] = Field(default_factory=list)
    optimize: OptimizeSettings | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def program(self, program_id: str) -> Program:
        return next(p for p in self.programs if p.id == program_id)

    def provider(self, provider_id: str) -> Provider:
        return next(p for p in self.providers if p.id == provider_id)

    def studies_of(self, program_id: str) -> list[Study]:
        return sorted(
            (s for s in self.studies if s.program == program_id), key=lambda s: (s.start, s.id)
        )

    def to_data(self) -> dict[str, Any]:
        """Plain data (YAML/JSON types) that validates back into an equal portfolio."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=False)
        if data.get("optimize") is None:
            data.pop("optimize", None)
        return data
