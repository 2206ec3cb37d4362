"""Recommendation speed: decisions per second on the examples and on a scaled-up portfolio.

Run: .venv/bin/python benchmarks/recommend.py
Prints, per portfolio: studies, decisions (every (study, function) and two per program, each with
its counterfactual search), seconds (best of 3) and decisions per second.
"""

from __future__ import annotations

import time
from pathlib import Path

from crosource.domain.portfolio import Portfolio
from crosource.engine.recommend.engine import Recommender
from crosource.io.portfolio_io import load_portfolio

ROOT = Path(__file__).parents[1]


def scaled(portfolio: Portfolio, copies: int) -> Portfolio:
    """The portfolio's programs and studies repeated under new ids (same sponsor, providers)."""
    programs, studies = [], []
    for k in range(copies):
        for program in portfolio.programs:
            programs.append(program.model_copy(update={"id": f"{program.id}-x{k}"}))
        for study in portfolio.studies:
            studies.append(
                study.model_copy(
                    update={"id": f"{study.id}-x{k}", "program": f"{study.program}-x{k}"}
                )
            )
    return portfolio.model_copy(update={"programs": programs, "studies": studies, "plans": []})


def best_of(portfolio: Portfolio, runs: int = 3) -> tuple[float, int]:
    times, decisions = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = Recommender(portfolio).run()
        times.append(time.perf_counter() - started)
        decisions = len(result.assignments) + 2 * len(result.programs)
    return min(times), decisions


def main() -> None:
    cases = [(p.stem, load_portfolio(p)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    large = load_portfolio(ROOT / "examples" / "large-pharma.yaml")
    cases.append(("large-pharma x4", scaled(large, 4)))
    print(f"{'portfolio':<20} {'studies':>8} {'decisions':>10} {'seconds':>8} {'per second':>11}")
    for name, portfolio in cases:
        seconds, decisions = best_of(portfolio)
        print(
            f"{name:<20} {len(portfolio.studies):>8} {decisions:>10} {seconds:>8.2f} "
            f"{decisions / seconds:>11.0f}"
        )


if __name__ == "__main__":
    main()
