"""The expected (deterministic) price of a plan: every component of cost-model.md with the
effort multiplier at 1, quality events and amendments at their expectation, and durations at
mean inputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.calendar import active_years, date_of, end_ordinal, year_of
from crosource.engine.costing.compiled import Compiled, Layout, compile_plan, enrollment_months
from crosource.engine.costing.params import Params
from crosource.engine.costing.plans import Planner, ResolvedPlan
from crosource.engine.costing.result import CASH, Pricing, ScenarioPrice, StudyPrice


@dataclass(frozen=True)
class Durations:
    startup: np.ndarray
    enrollment: np.ndarray
    fixed: np.ndarray
    transition: np.ndarray
    quality: np.ndarray
    amendments: np.ndarray

    @property
    def total(self) -> np.ndarray:
        total: np.ndarray = (
            self.startup
            + self.enrollment
            + self.fixed
            + self.transition
            + self.quality
            + self.amendments
        )
        return total


def expected_durations(plan: Compiled) -> Durations:
    layout, params = plan.layout, plan.params
    quality_delay = layout.per_study(plan.quality_p * plan.operational_external)
    return Durations(
        startup=plan.startup_mean,
        enrollment=enrollment_months(
            layout.patients, layout.enrolling_capacity, params.site_activation_window_months
        ),
        fixed=layout.fixed_months,
        transition=plan.transition_delay,
        quality=quality_delay * params.quality_event_delay_months,
        amendments=plan.amendment_rate * params.amendment_delay_months,
    )


def _oversight(plan: Compiled, portfolio: Portfolio, months: np.ndarray) -> dict[str, object]:
    """Oversight staff the plan needs: each study's oversight cost in internal FTE-months,
    spread evenly over its expected duration, summed by calendar month."""
    layout = plan.layout
    oversight = layout.per_study(plan.coef * plan.omega)
    cost = portfolio.sponsor.internal_cost_per_fte_month
    origin = min(s.start for s in layout.studies)
    span = int(np.ceil(np.max(np.where(np.isfinite(months), months, 0)))) + 1
    first = [
        (s.start.year - origin.year) * 12 + s.start.month - origin.month for s in layout.studies
    ]
    load = np.zeros(max(first) + span + 1)
    for i, start in enumerate(first):
        if np.isfinite(months[i]) and months[i] > 0:
            load[start : start + int(np.ceil(months[i]))] += oversight[i] / cost / months[i]
    peak = int(np.argmax(load))
    year, month = divmod(origin.month - 1 + peak, 12)
    return {
        "fte_available": portfolio.sponsor.oversight_fte,
        "fte_needed_peak": float(load[peak]),
        "peak_month": f"{origin.year + year}-{month + 1:02d}",
        "shortfall_fte": max(float(load[peak]) - portfolio.sponsor.oversight_fte, 0.0),
    }


def price_compiled(plan: Compiled, portfolio: Portfolio) -> ScenarioPrice:
    layout, params = plan.layout, plan.params
    durations = expected_durations(plan)
    months = durations.total
    fees = layout.per_study(plan.coef)
    per_study = {
        "fees": fees,
        "oversight": layout.per_study(plan.coef * plan.omega),
        "coordination": plan.coordination_per_month * months,
        "transitions": layout.per_study(plan.coef * plan.changed) * params.transition_share,
        "quality": layout.per_study(plan.coef * plan.quality_p) * params.quality_event_cost_share,
        "amendments": plan.amendment_rate * plan.amendment_cost,
        "value_of_time": plan.value_per_month * months,
    }
    ends = end_ordinal(layout.start_ordinal, months)
    years = active_years(year_of(layout.start_ordinal), year_of(ends), plan.provider_studies)
    vendor = years * params.vendor_management_usd_per_year
    components = {k: float(v.sum()) for k, v in per_study.items()}
    components["vendor_management"] = float(vendor.sum())
    components = {k: components[k] for k in (*CASH, "value_of_time")}
    studies = [
        StudyPrice(
            id=study.id,
            program=study.program,
            start=study.start.isoformat(),
            expected_duration_months=float(months[i]),
            completion_date=date_of(ends[i]).isoformat(),
            components_usd={k: float(v[i]) for k, v in per_study.items()},
            duration_parts_months={
                k: float(getattr(durations, k)[i])
                for k in ("startup", "enrollment", "fixed", "transition", "quality", "amendments")
            },
        )
        for i, study in enumerate(layout.studies)
    ]
    assignments = [
        {
            "study": layout.studies[i].id,
            "function": function,
            "model": plan.model[c],
            "provider": plan.provider[c],
            "relationship": plan.relationship[c],
            "source": plan.plan.cells[(layout.studies[i].id, function)].source,
            "effort_fte_months": float(layout.effort[c]),
            "rate_usd_per_fte_month": float(plan.rate[c]),
            "learning_factor": float(plan.learning[c]),
            "fees_usd": float(plan.coef[c]),
            "oversight_usd": float(plan.coef[c] * plan.omega[c]),
            "transition_usd": float(plan.coef[c] * plan.changed[c] * params.transition_share),
            "quality_event_probability": float(plan.quality_p[c]),
            "quality_usd": float(
                plan.coef[c] * plan.quality_p[c] * params.quality_event_cost_share
            ),
        }
        for c in layout.order
        for i, function in [layout.cells[c]]
    ]
    providers = [
        {
            "id": name,
            "active_years": int(years[p]),
            "vendor_management_usd": float(vendor[p]),
            "studies": [layout.studies[i].id for i in np.flatnonzero(plan.provider_studies[p])],
        }
        for p, name in enumerate(plan.providers)
    ]
    return ScenarioPrice(
        plan.name,
        plan.description,
        components,
        studies,
        assignments,
        providers,
        _oversight(plan, portfolio, months),
    )


def compile_scenarios(
    portfolio: Portfolio, names: list[str] | None = None, extra: list[ResolvedPlan] | None = None
) -> list[Compiled]:
    params = Params.of(portfolio)
    layout = Layout.of(portfolio, params)
    planner = Planner(portfolio)
    plans = [planner.scenario(n) for n in (names or planner.default_names())]
    plans += extra or []
    return [compile_plan(portfolio, plan, params, layout) for plan in plans]


def price(portfolio: Portfolio, names: list[str] | None = None) -> Pricing:
    compiled = compile_scenarios(portfolio, names)
    overridden = dict(portfolio.assumptions)
    return Pricing([price_compiled(c, portfolio) for c in compiled], overridden)
