"""Property (hypothesis): raising any rate, effort or delay parameter never lowers the cost, for
a fixed plan: neither the expected price nor, on the same draws, the simulated mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.model import compile_scenarios, price_compiled
from crosource.engine.costing.simulate import simulate
from crosource.io.portfolio_io import load_portfolio

SMALL = Path(__file__).parent / "small.yaml"
BASE = load_portfolio(SMALL)
SCALARS = [
    "transition_delay_months",
    "quality_event_delay_months",
    "amendment_delay_months",
    "closeout_months",
    "site_activation_window_months",
    "vendor_management_usd_per_year",
    "coordination_usd_per_party_month",
    "quality_event_cost_share",
    "transition_share",
]


def _raise(portfolio: Portfolio, what: str, factor: float) -> Portfolio:
    changed = portfolio.model_copy(deep=True)
    if what == "rates":
        for provider in changed.providers:
            provider.rates_usd_per_fte_month = {
                f: {g: r * factor for g, r in by.items()}
                for f, by in provider.rates_usd_per_fte_month.items()
            }
    elif what == "internal_cost":
        changed.sponsor.internal_cost_per_fte_month *= factor
    elif what == "effort":
        for study in changed.studies:
            study.demand = {f: e * factor for f, e in study.demand.items()}
    elif what == "startup_months":
        changed.assumptions = {
            "startup_months": {k: v * factor for k, v in {"1": 4, "2": 5.5, "3": 6, "4": 5}.items()}
        }
    else:
        from crosource.engine.costing.params import Params

        changed.assumptions = {what: float(getattr(Params.of(portfolio), what)) * factor + 0.01}
    return changed


def _costs(portfolio: Portfolio, draws: int) -> tuple[float, float, float]:
    plan = compile_scenarios(portfolio, ["hand"])[0]
    expected = price_compiled(plan, portfolio)
    simulated = simulate([plan], draws, seed=11).scenarios[0].cash.mean if draws else 0.0
    return expected.cash_tco_usd, expected.economic_cost_usd, simulated


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    what=st.sampled_from(["rates", "internal_cost", "effort", "startup_months", *SCALARS]),
    factor=st.floats(1.0, 3.0),
)
def test_raising_a_parameter_never_lowers_the_cost(what: str, factor: float) -> None:
    before = _costs(BASE, 2_000)
    after = _costs(_raise(BASE, what, factor), 2_000)
    tolerance = 1e-9 * before[0]
    for b, a in zip(before, after, strict=True):
        assert a >= b - tolerance, (what, factor, b, a)


@settings(max_examples=30, deadline=None)
@given(
    study=st.integers(0, 1),
    function=st.sampled_from(["project_management", "clinical_monitoring", "biostatistics"]),
    extra=st.floats(0.1, 50),
)
def test_more_effort_in_one_cell_never_lowers_the_cost(
    study: int, function: str, extra: float
) -> None:
    changed: Any = BASE.model_copy(deep=True)
    changed.studies[study].demand[function] += extra
    assert _costs(changed, 0)[0] >= _costs(BASE, 0)[0]
