"""`crosource price`, `simulate` and `optimize`: files in, the costing service, a progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.compiled import Compiled
from crosource.io.portfolio_io import load_located
from crosource.services import costing
from crosource.services.costing import Progress as ProgressFn


def load_plans(file: Path, scenarios: list[str] | None) -> tuple[Portfolio, list[Compiled]]:
    portfolio, locate = load_located(file)
    plans = costing.compile_plans(portfolio, scenarios, str(file), locate)
    return portfolio, plans


def price_result(file: Path, scenarios: list[str] | None) -> tuple[Portfolio, dict[str, Any]]:
    portfolio, plans = load_plans(file, scenarios)
    return portfolio, costing.price(plans, portfolio)


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
    with progress_bar(console, f"Simulating {len(plans)} scenarios") as update:
        result = costing.run_simulation(
            portfolio,
            plans,
            draws=draws,
            seed=seed,
            sensitivity=sensitivity,
            sensitivity_draws=sensitivity_draws,
            progress=update,
            stage=lambda text: console.print(text),
        )
    return portfolio, result


def optimize_result(
    file: Path, overrides: dict[str, Any], check_draws: int, seed: int, console: Console
) -> tuple[Portfolio, dict[str, Any]]:
    """The optimizer's answer, and its Monte Carlo check against the recommended plan."""
    portfolio, locate = load_located(file)
    with progress_bar(console, "Optimizing, then checking by Monte Carlo") as update:
        body = costing.run_optimizer(
            portfolio,
            overrides,
            check_draws=check_draws,
            seed=seed,
            source=str(file),
            locate=locate,
            progress=update,
        )
    return portfolio, body
