"""The cost model's parameters: the assumptions catalog's defaults with the portfolio's
overrides (cost-model.md, "Assumption ids"), typed for the formulas."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from crosource import catalog
from crosource.domain.portfolio import Portfolio
from crosource.engine.timeline import DAYS_PER_MONTH

__all__ = ["DAYS_PER_MONTH", "OPERATIONAL", "Params"]

# Operational functions: a change of provider between studies, or a quality event, delays the
# study (cost-model.md, components 5 and 6).
OPERATIONAL = (
    "project_management",
    "site_management",
    "clinical_monitoring",
    "data_management",
    "regulatory_affairs",
)


def _phase(phase: str) -> str:
    # Preclinical work is timed and amended like phase 1 (assumption: the catalog has no such key).
    return "1" if phase == "preclinical" else phase


@dataclass(frozen=True)
class Params:
    effort_sigma: dict[str, float]
    learning_rate: float
    learning_max: float
    oversight_share: dict[str, float]
    vendor_management_usd_per_year: float
    coordination_usd_per_party_month: float
    transition_share: float
    transition_delay_months: float
    quality_event_probability: float
    quality_event_cost_share: float
    quality_event_delay_months: float
    amendment_rate: dict[str, float]
    amendment_cost_usd: dict[str, float]
    amendment_delay_months: float
    amendment_reduction_strategic: float
    startup_months: dict[str, float]
    startup_cv: float
    cro_startup_acceleration_months: float
    site_activation_window_months: float
    site_rate_cv: float
    non_enrolling_site_share: float
    closeout_months: float
    lost_sales_usd_per_day: float
    likelihood_of_approval: dict[str, float]
    # The sponsor's baseline for normalising bids (evaluate.md, "Bids").
    screen_failure_rate: float
    dropout_rate: float
    monitoring_visit_interval_months: float

    @classmethod
    def of(cls, portfolio: Portfolio) -> Params:
        values: dict[str, Any] = {}
        for item in catalog.entries("assumptions"):
            key = str(item["id"])
            default = item["default"]
            override = portfolio.assumptions.get(key)
            if isinstance(default, dict):
                merged = {str(k): float(v) for k, v in default.items()}
                if isinstance(override, dict):
                    merged |= {str(k): float(v) for k, v in override.items()}
                values[key] = merged
            else:
                values[key] = float(override if override is not None else default)
        return cls(**values)

    def with_value(self, key: str, value: Any) -> Params:
        return replace(self, **{key: value})

    def amendments(self, phase: str) -> tuple[float, float]:
        """Expected count and cost of each amendment for a phase."""
        p = _phase(phase)
        return self.amendment_rate.get(p, 0.0), self.amendment_cost_usd.get(p, 0.0)

    def startup(self, phase: str) -> float:
        return self.startup_months[_phase(phase)]

    def loa(self, phase: str) -> float:
        return self.likelihood_of_approval.get(_phase(phase), 0.0)
