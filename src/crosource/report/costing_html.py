"""HTML report of `crosource price` and `crosource simulate`: charts as inline SVG, then tables.

The input is the JSON `result` of the command, so that the CLI, the web and a stored run render
the same page; nothing here computes a cost, it only picks, orders and formats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from crosource import __version__, catalog
from crosource.domain.portfolio import Portfolio
from crosource.report import charts
from crosource.report.charts import CASH_COMPONENTS
from crosource.report.labels import COMPONENT_LABELS
from crosource.report.templating import environment as _env

STATISTICS = (
    ("mean", "Mean"),
    ("p10", "P10"),
    ("p50", "P50"),
    ("p90", "P90"),
    ("cvar90", "CVaR90"),
)
Row = dict[str, Any]
# The one tornado input that is a sponsor field rather than a catalog assumption.
_INTERNAL_COST = "The sponsor's own cost of one FTE-month (in-house work and its oversight staff)."


def costing_html(command: str, portfolio: Portfolio, result: dict[str, Any]) -> str:
    """The self-contained HTML page of a price (`command="price"`) or simulate result."""
    if command not in ("price", "simulate"):
        raise ValueError(f"costing_html renders price or simulate, not {command!r}")
    sym = charts.symbol(portfolio.currency)
    scenarios: list[dict[str, Any]] = result["scenarios"]

    def money(value: float, signed: bool = False) -> str:
        return charts.money(value, sym, signed=signed)

    def exact(value: float) -> str:
        return f"{sym}{value:,.0f}"

    simulate = command == "simulate"
    sensitivity = result.get("sensitivity") if simulate else None
    figures = _simulate_figures(result, sym) if simulate else _price_figures(result, sym)
    return _env.get_template("costing.html.j2").render(
        title=(
            f"Cost and completion risk: {portfolio.sponsor.name}"
            if simulate
            else f"Total cost of ownership: {portfolio.sponsor.name}"
        ),
        subtitle=_subtitle(command, portfolio, result),
        generated=dt.date.today().isoformat(),
        version=__version__,
        command=command,
        draws=result.get("draws", 0),
        scenarios=scenarios,
        tiles=_tiles(scenarios, simulate, money),
        figures=figures,
        scenario_rows=_scenario_rows(scenarios, simulate, money),
        comparisons=result.get("comparisons", []),
        studies=_study_rows(portfolio, scenarios, simulate),
        providers=_provider_rows(portfolio, scenarios, exact),
        oversight=[(s["name"], s["oversight"]) for s in scenarios if s.get("oversight")],
        sensitivity=sensitivity,
        tornado=_tornado_rows(sensitivity, money) if sensitivity else [],
        overridden=result.get("assumptions_overridden") or {},
        money=money,
        pct=lambda v: f"{100 * v:.1f}%",
    )


def _subtitle(command: str, portfolio: Portfolio, result: Mapping[str, Any]) -> str:
    counts = [
        (len(result["scenarios"]), "scenario"),
        (len(portfolio.studies), "study"),
        (len(portfolio.programs), "program"),
    ]
    scope = " · ".join(f"{n} {_plural(n, word)}" for n, word in counts)
    scope += f" · {portfolio.currency}"
    if command == "price":
        return f"Expected values of every cost component · {scope}"
    return (
        f"Monte Carlo, {result['draws']:,} draws per scenario on common random numbers "
        f"(seed {result['seed']}) · {scope}"
    )


def _plural(n: int, word: str) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _figure(key: str, title: str, caption: str, spec: charts.Spec) -> Row:
    return {"id": key, "title": title, "caption": caption, "svg": Markup(charts.svg(spec))}


def _price_figures(result: Mapping[str, Any], sym: str) -> list[Row]:
    scenarios = result["scenarios"]
    first = scenarios[0]
    return [
        _figure(
            "components",
            "Cash total cost of ownership by component",
            "Expected cash cost of each scenario, split into its components; the value of time "
            "(the days the studies take, valued at lost sales) is drawn apart because it is not "
            "cash.",
            charts.components_chart([(s["name"], s["components_usd"]) for s in scenarios], sym),
        ),
        _figure(
            "timeline",
            f"Study timeline: {first['name']}",
            "Each study from its start to its expected completion, with its expected duration.",
            charts.timeline_chart(first["studies"]),
        ),
    ]


def _simulate_figures(result: Mapping[str, Any], sym: str) -> list[Row]:
    scenarios = result["scenarios"]
    first = scenarios[0]
    figures = [
        _figure(
            "distribution",
            "Distribution of cash total cost of ownership",
            "How often each cash cost came up across the draws, one row per scenario on the same "
            "axis; the lines mark P10, P50 (thicker) and P90.",
            charts.distribution_chart(scenarios, sym),
        ),
        _figure(
            "components",
            "Mean cash cost by component",
            "The mean of each component over the draws; the value of time is drawn apart "
            "because it is not cash.",
            charts.components_chart(
                [(s["name"], s["components_mean_usd"]) for s in scenarios], sym, statistic=", mean"
            ),
        ),
    ]
    sensitivity = result.get("sensitivity")
    if sensitivity:
        figures += [
            _figure(
                "tornado",
                f"What moves the median cash cost most: {sensitivity['scenario']}",
                f"The P50 cash TCO ({charts.money(sensitivity['p50_usd'], sym)}, the vertical "
                "line) with one input at a time set low or high; largest swing on top.",
                charts.tornado_chart(sensitivity["tornado"], sensitivity["p50_usd"], sym),
            ),
            _figure(
                "variance",
                f"Where the uncertainty comes from: {sensitivity['scenario']}",
                "The share of the variance of cash TCO explained by each source of uncertainty.",
                charts.variance_chart(sensitivity["variance_shares"]),
            ),
        ]
    figures.append(
        _figure(
            "completion",
            f"Completion dates: {first['name']}",
            "Each study from its start; the blue bar runs from the P10 to the P90 completion "
            "date, the black tick is the P50.",
            charts.completion_chart(first["completion"]),
        )
    )
    return figures


def _tiles(
    scenarios: Sequence[Mapping[str, Any]], simulate: bool, money: Callable[..., str]
) -> list[Row]:
    def cash(s: Mapping[str, Any]) -> float:
        return float(s["cash_tco_usd"]["p50"] if simulate else s["cash_tco_usd"])

    cheapest = min(cash(s) for s in scenarios)
    tiles = []
    for s in scenarios:
        economic = s["economic_cost_usd"]["p50"] if simulate else s["economic_cost_usd"]
        spread = (
            f"P10 {money(s['cash_tco_usd']['p10'])} – P90 {money(s['cash_tco_usd']['p90'])}"
            if simulate
            else ""
        )
        tiles.append(
            {
                "name": s["name"],
                "description": s.get("description", ""),
                "cash": money(cash(s)),
                "spread": spread,
                "economic": money(economic),
                "versus": money(cash(s) - cheapest, signed=True) if cash(s) > cheapest else "",
                "cheapest": cash(s) == cheapest,
            }
        )
    return tiles


def _scenario_rows(
    scenarios: Sequence[Mapping[str, Any]], simulate: bool, money: Callable[..., str]
) -> list[Row]:
    def row(label: str, values: Sequence[float], kind: str = "") -> Row:
        return {"label": label, "cells": [money(v) for v in values], "kind": kind}

    if not simulate:
        parts = [s["components_usd"] for s in scenarios]
        base = scenarios[0]["cash_tco_usd"]
        return [
            row("Cash TCO", [s["cash_tco_usd"] for s in scenarios], "total"),
            *[row(COMPONENT_LABELS[c], [p.get(c, 0.0) for p in parts]) for c in CASH_COMPONENTS],
            row("Value of time (not cash)", [p.get("value_of_time", 0.0) for p in parts]),
            row("Economic cost", [s["economic_cost_usd"] for s in scenarios], "total"),
            {
                "label": f"Cash TCO vs {scenarios[0]['name']}",
                "cells": ["—"]
                + [money(s["cash_tco_usd"] - base, signed=True) for s in scenarios[1:]],
                "kind": "delta",
            },
        ]
    rows: list[Row] = []
    for key, name in (("cash_tco_usd", "Cash TCO"), ("economic_cost_usd", "Economic cost")):
        rows.append({"label": name, "cells": [], "kind": "group"})
        for stat, label in STATISTICS:
            kind = "total" if stat == "p50" else ""
            rows.append(row(f"{name}, {label}", [s[key][stat] for s in scenarios], kind))
    rows.append({"label": "Mean of each component", "cells": [], "kind": "group"})
    means = [s["components_mean_usd"] for s in scenarios]
    rows += [row(COMPONENT_LABELS[c], [m.get(c, 0.0) for m in means]) for c in CASH_COMPONENTS]
    rows.append(row("Value of time (not cash)", [m.get("value_of_time", 0.0) for m in means]))
    return rows


def _study_rows(
    portfolio: Portfolio, scenarios: Sequence[Mapping[str, Any]], simulate: bool
) -> list[Row]:
    studies = {s.id: s for s in portfolio.studies}
    key = "completion" if simulate else "studies"
    by_scenario = [{c.get("study", c.get("id")): c for c in s[key]} for s in scenarios]
    rows = []
    for study_id in sorted(by_scenario[0], key=lambda i: (by_scenario[0][i]["start"], i)):
        study = studies.get(study_id)
        cells = []
        for found in by_scenario:
            c = found.get(study_id)
            if c is None:
                cells.append(("—", ""))
            elif simulate:
                cells.append(
                    (
                        f"{c['p50_months']:.1f} mo · {c['p50_date']}",
                        f"P10 {c['p10_date'][:7]} · P90 {c['p90_date'][:7]}",
                    )
                )
            else:
                cells.append(
                    (f"{c['expected_duration_months']:.1f} mo · {c['completion_date']}", "")
                )
        rows.append(
            {
                "id": study_id,
                "program": study.program if study else "",
                "phase": study.phase if study else "",
                "start": by_scenario[0][study_id]["start"],
                "cells": cells,
            }
        )
    return rows


def _provider_rows(
    portfolio: Portfolio, scenarios: Sequence[Mapping[str, Any]], exact: Callable[[float], str]
) -> list[Row]:
    if not any(s.get("providers") for s in scenarios):
        return []
    names = {p.id: p.name for p in portfolio.providers}
    per_scenario = [{p["id"]: p for p in s.get("providers", [])} for s in scenarios]
    ids = sorted({i for found in per_scenario for i in found})
    rows = []
    for provider in ids:
        cells = []
        for found in per_scenario:
            p = found.get(provider)
            cells.append(
                (
                    f"{p['active_years']} yr · {exact(p['vendor_management_usd'])}",
                    f"{len(p['studies'])} {_plural(len(p['studies']), 'study')}",
                )
                if p
                else ("—", "")
            )
        rows.append({"id": provider, "name": names.get(provider, ""), "cells": cells})
    return rows


def _tornado_rows(sensitivity: Mapping[str, Any], money: Callable[..., str]) -> list[Row]:
    meanings = {k: str(v.get("meaning", "")) for k, v in catalog.by_id("assumptions").items()}
    meanings.setdefault("internal_cost_per_fte_month", _INTERNAL_COST)
    center = float(sensitivity["p50_usd"])
    bars = sorted(sensitivity["tornado"], key=lambda b: -float(b["swing"]))
    return [
        {
            "input": b["input"],
            "meaning": meanings.get(b["input"])
            or (
                "Every rate on the provider's rate card."
                if b["input"].startswith("rates of")
                else ""
            ),
            "low": b["low_value"],
            "p50_low": f"{money(b['p50_low'])} ({money(b['p50_low'] - center, signed=True)})",
            "high": b["high_value"],
            "p50_high": f"{money(b['p50_high'])} ({money(b['p50_high'] - center, signed=True)})",
            "swing": money(b["swing"]),
        }
        for b in bars
    ]
