"""Result objects of pricing and simulation; each carries its components and intermediates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COMPONENTS = (
    "fees",
    "oversight",
    "vendor_management",
    "coordination",
    "transitions",
    "quality",
    "amendments",
    "value_of_time",
)
CASH = COMPONENTS[:-1]


@dataclass
class StudyPrice:
    id: str
    program: str
    start: str
    expected_duration_months: float
    completion_date: str
    components_usd: dict[str, float]
    duration_parts_months: dict[str, float]

    @property
    def cash_tco_usd(self) -> float:
        return sum(v for k, v in self.components_usd.items() if k in CASH)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "program": self.program,
            "start": self.start,
            "expected_duration_months": self.expected_duration_months,
            "completion_date": self.completion_date,
            "cash_tco_usd": self.cash_tco_usd,
            "economic_cost_usd": self.cash_tco_usd + self.components_usd["value_of_time"],
            "components_usd": self.components_usd,
            "duration_parts_months": self.duration_parts_months,
        }


@dataclass
class ScenarioPrice:
    name: str
    description: str
    components_usd: dict[str, float]
    studies: list[StudyPrice]
    assignments: list[dict[str, Any]]
    providers: list[dict[str, Any]]
    oversight: dict[str, Any]

    @property
    def cash_tco_usd(self) -> float:
        return sum(self.components_usd[k] for k in CASH)

    @property
    def economic_cost_usd(self) -> float:
        return self.cash_tco_usd + self.components_usd["value_of_time"]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "cash_tco_usd": self.cash_tco_usd,
            "economic_cost_usd": self.economic_cost_usd,
            "components_usd": self.components_usd,
            "studies": [s.to_json() for s in self.studies],
            "assignments": self.assignments,
            "providers": self.providers,
            "oversight": self.oversight,
        }


@dataclass
class Pricing:
    scenarios: list[ScenarioPrice]
    assumptions: dict[str, Any] = field(default_factory=dict)

    def scenario(self, name: str) -> ScenarioPrice:
        return next(s for s in self.scenarios if s.name == name)

    def to_json(self) -> dict[str, Any]:
        return {"scenarios": [s.to_json() for s in self.scenarios], "assumptions": self.assumptions}
