"""Expected study durations and the monthly staffing they imply.

Durations use the expected values of the cost model (cost-model.md, component 8) with the
assumptions catalog's defaults or the portfolio's overrides; staffing spreads each function's
effort evenly over the study's duration. The recommendation uses them to size oversight need,
internal coverage and demand fluctuation.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from crosource import catalog
from crosource.domain.portfolio import Portfolio, Study

DAYS_PER_MONTH = 365.25 / 12


def assumption(portfolio: Portfolio, key: str) -> object:
    """The portfolio's override of an assumption, or the catalog's default."""
    if key in portfolio.assumptions:
        override = portfolio.assumptions[key]
        default = catalog.by_id("assumptions")[key]["default"]
        if isinstance(default, dict) and isinstance(override, dict):
            return {**default, **{str(k): v for k, v in override.items()}}
        return override
    return catalog.by_id("assumptions")[key]["default"]


def _phase_key(study: Study) -> str:
    # Preclinical work is timed like a phase 1 study (assumption; the catalog has no such phase).
    return "1" if study.phase == "preclinical" else study.phase


def enrollment_months(patients: float, sites: float, rate: float, window: float) -> float:
    """Months from first site activation until `patients` are enrolled, sites activating
    uniformly over `window` months, each enrolling `rate` patients a month once active."""
    capacity = sites * rate
    if capacity <= 0:
        return math.inf
    if window <= 0:
        return patients / capacity
    during_window = capacity * window / 2
    if patients <= during_window:
        return math.sqrt(2 * window * patients / capacity)
    return window + (patients - during_window) / capacity


def expected_duration_months(portfolio: Portfolio, study: Study) -> float:
    phase = _phase_key(study)
    startup = float(assumption(portfolio, "startup_months")[phase])  # type: ignore[index]
    window = float(assumption(portfolio, "site_activation_window_months"))  # type: ignore[arg-type]
    idle = float(assumption(portfolio, "non_enrolling_site_share"))  # type: ignore[arg-type]
    closeout = float(assumption(portfolio, "closeout_months"))  # type: ignore[arg-type]
    enrolling_sites = study.sites * (1 - idle)
    enroll = enrollment_months(study.patients, enrolling_sites, study.enrollment_rate, window)
    return startup + enroll + study.treatment_followup_months + closeout


def _month_index(origin: dt.date, day: dt.date) -> int:
    return (day.year - origin.year) * 12 + day.month - origin.month


@dataclass(frozen=True)
class Staffing:
    """Monthly FTE by function (rows follow `functions`), from `origin` on."""

    origin: dt.date
    functions: tuple[str, ...]
    fte: np.ndarray  # shape (len(functions), months)
    durations: dict[str, float]

    def peak(self, function: str) -> float:
        return float(self.fte[self.functions.index(function)].max(initial=0.0))

    def fluctuation(self, function: str) -> float:
        """Coefficient of variation of the function's monthly FTE over the portfolio's span."""
        row = self.fte[self.functions.index(function)]
        mean = float(row.mean()) if row.size else 0.0
        return float(row.std() / mean) if mean > 0 else 0.0


def staffing(portfolio: Portfolio, functions: tuple[str, ...]) -> Staffing:
    studies = portfolio.studies
    origin = min(s.start for s in studies).replace(day=1)
    durations = {s.id: expected_duration_months(portfolio, s) for s in studies}
    # A study that never finishes (no enrolling capacity) is staffed over ten years: a cap, so
    # that one unrealistic study does not make every array infinite.
    spans = {k: min(v, 120.0) for k, v in durations.items()}
    months = max(_month_index(origin, s.start) + math.ceil(spans[s.id]) for s in studies)
    fte = np.zeros((len(functions), max(months, 1)))
    for study in studies:
        first = _month_index(origin, study.start)
        span = spans[study.id]
        last = first + math.ceil(span)
        for function, effort in study.demand.items():
            if function in functions and effort > 0:
                fte[functions.index(function), first:last] += effort / span
    return Staffing(origin, functions, fte, durations)
