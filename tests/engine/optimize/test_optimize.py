"""The optimizer against exhaustive enumeration, and its answers when no plan is possible."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import numpy as np
import pytest

from crosource.domain.portfolio import Assignment, OptimizeSettings, Portfolio
from crosource.engine.capability import can_deliver, weighted_rate
from crosource.engine.costing.compiled import Layout, compile_plan
from crosource.engine.costing.model import price_compiled
from crosource.engine.costing.params import Params
from crosource.engine.costing.plans import Choice, ResolvedPlan
from crosource.engine.optimize.engine import optimize
from crosource.engine.optimize.solve import SolverStatus

FUNCTIONS = ["clinical_monitoring", "data_management", "biostatistics"]
FEES_ONLY = {
    "oversight_share": {"in_house": 0, "fso": 0, "fsp": 0, "boutique": 0},
    "vendor_management_usd_per_year": 0,
    "coordination_usd_per_party_month": 0,
    "transition_share": 0,
    "transition_delay_months": 0,
    "quality_event_probability": 0,
    "amendment_rate": {"1": 0, "2": 0, "3": 0, "4": 0},
    "learning_rate": 0,
    "cro_startup_acceleration_months": 0,
    "quality_event_delay_months": 0,
    "amendment_delay_months": 0,
}


def random_portfolio(seed: int, capacities: bool) -> Portfolio:
    rng = np.random.default_rng(seed)
    studies = []
    for k in range(int(rng.integers(2, 4))):
        needed = rng.choice(FUNCTIONS, size=int(rng.integers(1, 3)), replace=False)
        studies.append(
            {
                "id": f"S{k}",
                "program": "P",
                "phase": "2",
                "start": dt.date(2027, 1 + int(rng.integers(0, 12)), 1),
                "regions": {"north_america": int(rng.integers(5, 20))},
                "patients": 60,
                "enrollment_rate": 0.5,
                "demand": {str(f): float(rng.integers(20, 120)) for f in needed},
            }
        )
    providers = []
    for p in range(int(rng.integers(2, 4))):
        rates = {f: {"default": float(rng.integers(8, 25) * 1000)} for f in FUNCTIONS}
        capacity = (
            {f: float(rng.integers(2, 8)) for f in FUNCTIONS if rng.random() < 0.6}
            if capacities
            else {}
        )
        providers.append(
            {
                "id": f"V{p}",
                "kind": "midsize_cro",
                "models": ["fsp"],
                "functions": FUNCTIONS,
                "regions": ["north_america"],
                "rates_usd_per_fte_month": rates,
                "capacity_fte": capacity,
            }
        )
    internal = {"biostatistics": {"fte": float(rng.integers(1, 4)), "maturity": 3}}
    return Portfolio.model_validate(
        {
            "sponsor": {
                "name": "R",
                "internal": internal,
                "internal_cost_per_fte_month": 15000,
                "oversight_fte": 0,
            },
            "programs": [{"id": "P", "therapeutic_area": "oncology"}],
            "studies": studies,
            "providers": providers,
            "assumptions": FEES_ONLY,
        }
    )


def _options(portfolio: Portfolio) -> dict[tuple[str, str], list[tuple[str, str | None]]]:
    found: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for s in portfolio.studies:
        for f in s.demand:
            opts: list[tuple[str, str | None]] = []
            if f in portfolio.sponsor.internal:
                opts.append(("in_house", None))
            opts += [
                ("fsp", p.id)
                for p in portfolio.providers
                if can_deliver(p, s, f, "fsp") and weighted_rate(p, s, f) is not None
            ]
            found[(s.id, str(f))] = opts
    return found


def _feasible(
    portfolio: Portfolio,
    plan: dict[tuple[str, str], tuple[str, str | None]],
    months: dict[str, float],
) -> bool:
    """Capacity by holder, function and calendar month, the effort spread over the duration."""
    load: dict[tuple[str, str, int], float] = {}
    origin = min(s.start for s in portfolio.studies)
    for s in portfolio.studies:
        first = (s.start.year - origin.year) * 12 + s.start.month - origin.month
        for f, effort in s.demand.items():
            holder = plan[(s.id, str(f))][1] or "sponsor"
            for m in range(first, first + math.ceil(months[s.id])):
                key = (holder, str(f), m)
                load[key] = load.get(key, 0.0) + effort / months[s.id]
    for (holder, f, _), value in load.items():
        if holder == "sponsor":
            limit = portfolio.sponsor.internal[f].fte  # type: ignore[index]
        else:
            limit = portfolio.provider(holder).capacity_fte.get(f, math.inf)  # type: ignore[call-overload]
        if value > limit + 1e-9:
            return False
    return True


def _price(portfolio: Portfolio, plan: dict[tuple[str, str], tuple[str, str | None]]) -> Any:
    params = Params.of(portfolio)
    cells = {k: Choice(m, p, "test") for k, (m, p) in plan.items()}
    resolved = ResolvedPlan("enumerated", "", cells, {})
    return price_compiled(
        compile_plan(portfolio, resolved, params, Layout.of(portfolio, params)), portfolio
    )


def _enumerate(portfolio: Portfolio) -> float | None:
    options = _options(portfolio)
    keys = list(options)
    base = _price(portfolio, {k: v[0] for k, v in options.items()})
    months = {s.id: s.expected_duration_months for s in base.studies}
    best = None
    for combo in itertools.product(*(options[k] for k in keys)):
        plan = dict(zip(keys, combo, strict=True))
        if _feasible(portfolio, plan, months):
            cost = _price(portfolio, plan).cash_tco_usd
            best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_optimum_equals_exhaustive_enumeration(seed: int) -> None:
    portfolio = random_portfolio(seed, capacities=True)
    settings = OptimizeSettings(oversight_limit=False, gap=0.0)
    best = _enumerate(portfolio)
    result = optimize(portfolio, settings)
    if best is None:
        assert result.status is SolverStatus.infeasible
        assert result.infeasibility
    else:
        assert result.status is SolverStatus.optimal
        assert result.price is not None and result.solution is not None
        assert result.price.cash_tco_usd == pytest.approx(best, rel=1e-6)
        assert result.solution.objective == pytest.approx(best, rel=1e-6)


@pytest.mark.parametrize("seed", range(10))
def test_without_capacities_the_cheapest_option_everywhere(seed: int) -> None:
    portfolio = random_portfolio(100 + seed, capacities=False)
    portfolio.sponsor.internal["biostatistics"].fte = 1000  # type: ignore[index]
    result = optimize(portfolio, OptimizeSettings(oversight_limit=False, gap=0.0))
    assert result.plan is not None
    for s in portfolio.studies:
        for f in s.demand:
            rates = {
                (m, p): (
                    portfolio.sponsor.internal_cost_per_fte_month
                    if p is None
                    else weighted_rate(portfolio.provider(p), s, f)
                )
                for m, p in _options(portfolio)[(s.id, str(f))]
            }
            chosen = result.plan.cells[(s.id, str(f))]
            assert rates[(chosen.model, chosen.provider)] == min(rates.values())


def test_infeasible_capacity_is_explained_with_its_shortfall() -> None:
    portfolio = random_portfolio(7, capacities=False)
    portfolio.sponsor.internal = {}
    for provider in portfolio.providers:
        provider.capacity_fte = dict.fromkeys(FUNCTIONS, 0.5)  # type: ignore[misc]
    result = optimize(portfolio, OptimizeSettings(oversight_limit=False))
    assert result.status is SolverStatus.infeasible and result.plan is None
    assert result.infeasibility
    first = result.infeasibility[0]
    assert first.group == "provider_capacity" and "capacity of" in first.constraint
    assert first.shortfall > 0 and first.unit == "FTE"
    assert "is short by" in first.text


def test_no_option_at_all_is_named() -> None:
    portfolio = random_portfolio(3, capacities=False)
    study = portfolio.studies[0]
    function = next(iter(study.demand))
    lock = Assignment(study=study.id, function=function, model="fso", provider="V0")
    result = optimize(portfolio, OptimizeSettings(locks=[lock], oversight_limit=False))
    assert result.status is SolverStatus.infeasible
    assert any(function in s.constraint and study.id in s.constraint for s in result.infeasibility)


def test_locks_and_forbids_are_respected() -> None:
    portfolio = random_portfolio(5, capacities=False)
    study = portfolio.studies[0]
    function = next(iter(study.demand))
    free = optimize(portfolio, OptimizeSettings(oversight_limit=False))
    assert free.plan is not None
    chosen = free.plan.cells[(study.id, function)]
    forbid = Assignment(
        study=study.id,
        function=function,
        model=chosen.model,  # type: ignore[arg-type]
        provider=chosen.provider,
    )
    other = optimize(portfolio, OptimizeSettings(forbid=[forbid], oversight_limit=False))
    assert other.plan is not None
    assert other.plan.cells[(study.id, function)] != chosen
    provider = next(p.id for p in portfolio.providers if p.id != chosen.provider)
    lock = Assignment(study="*", function=function, model="fsp", provider=provider)
    locked = optimize(portfolio, OptimizeSettings(locks=[lock], oversight_limit=False))
    assert locked.plan is not None
    for s in portfolio.studies:
        if function in s.demand:
            assert locked.plan.cells[(s.id, function)].provider == provider


def test_max_providers_is_a_limit() -> None:
    portfolio = random_portfolio(11, capacities=False)
    result = optimize(portfolio, OptimizeSettings(max_providers=1, oversight_limit=False))
    assert result.plan is not None
    used = {c.provider for c in result.plan.cells.values() if c.provider}
    assert len(used) <= 1


def _providers_per_function(portfolio: Portfolio, consistency: bool) -> dict[str, set[str]]:
    from crosource.engine.optimize.build import Builder
    from crosource.engine.optimize.solve import solve

    settings = OptimizeSettings(oversight_limit=False, strategic_consistency=consistency)
    relationships = {("P", p.id): "strategic" for p in portfolio.providers}
    model = Builder(portfolio, settings, relationships).build()
    solution = solve(model.problem, gap=0.0)
    assert solution.has_plan
    used: dict[str, set[str]] = {}
    for (_, function), options in model.options.items():
        for o in options:
            if solution.values[o.variable] > 0.5 and o.provider is not None:
                used.setdefault(function, set()).add(o.provider)
    return used


def test_strategic_consistency_keeps_one_provider_per_function() -> None:
    mattered = 0
    for seed in range(12):
        portfolio = random_portfolio(200 + seed, capacities=True)
        try:
            free = _providers_per_function(portfolio, consistency=False)
            bound = _providers_per_function(portfolio, consistency=True)
        except AssertionError:
            continue  # the capacities leave no plan, or no consistent one
        assert all(len(providers) <= 1 for providers in bound.values())
        mattered += any(len(providers) > 1 for providers in free.values())
    assert mattered  # some instances switch providers when free to
