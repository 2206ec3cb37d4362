"""`crosource price` and `crosource simulate`: thin commands over the costing engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.compiled import Compiled
from crosource.engine.costing.model import compile_scenarios, price_compiled
from crosource.engine.costing.plans import PlanError
from crosource.engine.costing.sensitivity import tornado, variance_shares
from crosource.engine.costing.simulate import Progress as ProgressFn
from crosource.engine.costing.simulate import simulate
from crosource.engine.costing.summary import simulation_json
from crosource.io.errors import FileProblem, InvalidInput
from crosource.io.portfolio_io import load_located


def load_plans(file: Path, scenarios: list[str] | None) -> tuple[Portfolio, list[Compiled]]:
    portfolio, locate = load_located(file)
    try:
        return portfolio, compile_scenarios(portfolio, scenarios or None)
    except PlanError as exc:
        where = locate(exc.path) if exc.path else "--scenario"
        raise InvalidInput([FileProblem(str(file), where, exc.message)]) from None


def price_result(file: Path, scenarios: list[str] | None) -> tuple[Portfolio, dict[str, Any]]:
    portfolio, plans = load_plans(file, scenarios)
    prices = [price_compiled(p, portfolio) for p in plans]
    return portfolio, {
        "scenarios": [p.to_json() for p in prices],
        "assumptions_overridden": dict(portfolio.assumptions),
    }


@contextmanager
def progress_bar(console: Console, label: str) -> Iterator[ProgressFn]:
    count = TextColumn("{task.completed:,.0f}/{task.total:,.0f}")
    columns = (TextColumn(label), BarColumn(), count, TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=1)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def simulate_result(
    file: Path,
    scenarios: list[str] | None,
    draws: int,
    seed: int,
    sensitivity: bool,
    sensitivity_draws: int,
    console: Console,
) -> tuple[Portfolio, dict[str, Any]]:
    portfolio, plans = load_plans(file, scenarios)
    prices = [price_compiled(p, portfolio) for p in plans]
    label = f"Simulating {len(plans)} scenarios"
    with progress_bar(console, label) as update:
        simulation = simulate(plans, draws, seed, progress=update)
    result = simulation_json(plans, prices, simulation)
    if sensitivity:
        with console.status("Sensitivity: tornado and variance shares"):
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
    return portfolio, result


def optimize_result(
    file: Path, overrides: dict[str, Any], check_draws: int, seed: int, console: Console
) -> tuple[Portfolio, dict[str, Any]]:
    """The optimizer's answer, and its Monte Carlo check against the recommended plan."""
    from crosource.engine.costing.compiled import Layout, compile_plan
    from crosource.engine.costing.params import Params
    from crosource.engine.costing.plans import Planner
    from crosource.engine.optimize.engine import optimize, settings_of

    portfolio, locate = load_located(file)
    planner = Planner(portfolio)
    try:
        with console.status("Optimizing"):
            result = optimize(portfolio, settings_of(portfolio, **overrides), planner)
        body = result.to_json()
        if result.plan is not None and check_draws > 0:
            params = Params.of(portfolio)
            layout = Layout.of(portfolio, params)
            plans = [
                compile_plan(portfolio, plan, params, layout)
                for plan in (planner.recommended(), result.plan)
            ]
            prices = [price_compiled(p, portfolio) for p in plans]
            with progress_bar(console, "Checking by Monte Carlo") as update:
                simulation = simulate(plans, check_draws, seed, progress=update)
            body["check"] = simulation_json(plans, prices, simulation)
    except PlanError as exc:
        where = locate(exc.path) if exc.path else ""
        raise InvalidInput([FileProblem(str(file), where, exc.message)]) from None
    return portfolio, body
