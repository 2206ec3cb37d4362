"""The optimizer's HTML report: status, the plan, its cost against the recommended plan,
binding constraints or the reasons it is infeasible, and the Monte Carlo check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crosource.domain.portfolio import Portfolio
from crosource.report import charts, labels
from crosource.report.templating import environment as _env


def _plan_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for item in result["plan"]:
        key = (item["study"], item["model"], item["provider"] or "sponsor")
        groups.setdefault(key, []).append(labels.function(item["function"]).lower())
    return [(s, m, p, ", ".join(f)) for (s, m, p), f in groups.items()]


def optimize_html(portfolio: Portfolio, result: dict[str, Any]) -> str:
    sym = charts.symbol(portfolio.currency)
    check = result.get("check")
    figures = []
    if result["plan"] and check:
        rows = [(s["name"], s["expected"]["components_usd"]) for s in check["scenarios"]]
        figures.append(
            (
                "Expected cost by component",
                "The optimized plan against the recommended one, priced by the full cost model.",
                charts.svg(charts.components_chart(rows, sym)),
            )
        )
        figures.append(
            (
                "Distribution of cash TCO",
                "Both plans on the same random draws.",
                charts.svg(charts.distribution_chart(check["scenarios"], sym)),
            )
        )
    return _env.get_template("optimize.html.j2").render(
        title=f"Optimized sourcing plan: {portfolio.sponsor.name}",
        subtitle=f"{len(portfolio.studies)} studies · {len(portfolio.providers)} candidate "
        "providers · HiGHS",
        generated=dt.date.today().isoformat(),
        result=result,
        check=check,
        figures=figures,
        plan_rows=_plan_rows(result) if result["plan"] else [],
        money=lambda v: charts.money(v, sym),
    )
