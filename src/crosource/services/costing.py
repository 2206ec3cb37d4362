"""Pricing, simulating and optimizing a portfolio's sourcing plans, as plain JSON-ready results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.compiled import Compiled
from crosource.engine.costing.model import compile_scenarios, price_compiled
from crosource.engine.costing.plans import PlanError
from crosource.engine.costing.sensitivity import tornado, variance_shares
from crosource.engine.costing.simulate import Simulation, simulate
from crosource.engine.costing.summary import simulation_json
from crosource.io.errors import FileProblem, InvalidInput, Locator, render_path

# done, total: how far a long computation is; called from the thread that computes.
Progress = Callable[[int, int], None]
# A short note on what a long computation is doing now ("Sensitivity: tornado").
Stage = Callable[[str], None]


def _quiet(done: int, total: int) -> None:
    del done, total


def _silent(text: str) -> None:
    del text


def plan_problem(exc: PlanError, source: str, locate: Locator | None) -> InvalidInput:
    """A plan that cannot be built, as an input problem placed where a person can find it."""
    where = "scenario"
    if exc.path:
        where = locate(exc.path) if locate else render_path(exc.path)
    return InvalidInput([FileProblem(source, where, exc.message)])


def compile_plans(
    portfolio: Portfolio,
    scenarios: list[str] | None,
    source: str = "portfolio",
    locate: Locator | None = None,
) -> list[Compiled]:
    try:
        return compile_scenarios(portfolio, scenarios or None)
    except PlanError as exc:
        raise plan_problem(exc, source, locate) from None


def price(plans: list[Compiled], portfolio: Portfolio) -> dict[str, Any]:
    prices = [price_compiled(p, portfolio) for p in plans]
    return {
        "scenarios": [p.to_json() for p in prices],
        "assumptions_overridden": dict(portfolio.assumptions),
    }


def run_simulation(
    portfolio: Portfolio,
    plans: list[Compiled],
    *,
    draws: int,
    seed: int,
    sensitivity: bool,
    sensitivity_draws: int,
    progress: Progress = _quiet,
    stage: Stage = _silent,
) -> dict[str, Any]:
    """Monte Carlo of the plans on common random numbers, with the tornado of the first."""
    simulation = simulate(plans, draws, seed, progress=progress)
    return simulation_result(
        portfolio,
        plans,
        simulation,
        sensitivity=sensitivity,
        sensitivity_draws=sensitivity_draws,
        stage=stage,
    )


def simulation_result(
    portfolio: Portfolio,
    plans: list[Compiled],
    simulation: Simulation,
    *,
    sensitivity: bool,
    sensitivity_draws: int,
    stage: Stage = _silent,
) -> dict[str, Any]:
    """A finished simulation (in one run, or merged from parts) as the result of a run."""
    seed = simulation.seed
    prices = [price_compiled(p, portfolio) for p in plans]
    result = simulation_json(plans, prices, simulation)
    if sensitivity:
        stage("Sensitivity: tornado and variance shares")
        center, bars = tornado(portfolio, plans[0], sensitivity_draws, seed)
        shares = variance_shares(plans[0], sensitivity_draws, seed)
        result["sensitivity"] = {
            "scenario": plans[0].name,
            "metric": "p50 of cash_tco_usd",
            "draws": sensitivity_draws,
            "p50_usd": center,
            "tornado": [b.to_json() for b in bars],
            "variance_shares": shares,
        }
    return result


def run_optimizer(
    portfolio: Portfolio,
    overrides: dict[str, Any],
    *,
    check_draws: int,
    seed: int,
    source: str = "portfolio",
    locate: Locator | None = None,
    progress: Progress = _quiet,
    stage: Stage = _silent,
) -> dict[str, Any]:
    """The optimizer's answer, and its Monte Carlo check against the recommended plan."""
    from crosource.engine.costing.compiled import Layout, compile_plan
    from crosource.engine.costing.params import Params
    from crosource.engine.costing.plans import Planner
    from crosource.engine.optimize.engine import optimize, settings_of

    planner = Planner(portfolio)
    try:
        stage("Optimizing")
        result = optimize(portfolio, settings_of(portfolio, **overrides), planner)
        body = result.to_json()
        if result.plan is not None and check_draws > 0:
            stage("Checking by Monte Carlo")
            params = Params.of(portfolio)
            layout = Layout.of(portfolio, params)
            plans = [
                compile_plan(portfolio, plan, params, layout)
                for plan in (planner.recommended(), result.plan)
            ]
            prices = [price_compiled(p, portfolio) for p in plans]
            simulation = simulate(plans, check_draws, seed, progress=progress)
            body["check"] = simulation_json(plans, prices, simulation)
    except PlanError as exc:
        raise plan_problem(exc, source, locate) from None
    return body
