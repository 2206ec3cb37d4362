"""The questionnaire (catalog/questionnaire.yaml) and the demand estimates used when a user
does not know a study's effort by function."""

from __future__ import annotations

from typing import Any

from crosource import catalog
from crosource.domain.portfolio import Portfolio, Study
from crosource.engine.timeline import expected_duration_months


def questionnaire() -> list[dict[str, Any]]:
    return list(catalog.load("questionnaire")["questions"])


def estimate_demand(portfolio: Portfolio, study: Study) -> dict[str, float]:
    """FTE-months by function from sites, patients and expected duration (an assumption)."""
    months = expected_duration_months(portfolio, study)
    table: dict[str, dict[str, float]] = catalog.load("demand_estimates")["functions"]
    return {
        function: round(
            k["per_site"] * study.sites
            + k["per_patient"] * study.patients
            + k["per_month"] * months,
            1,
        )
        for function, k in table.items()
    }
