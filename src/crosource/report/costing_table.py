"""Pricing and simulation results as terminal tables (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crosource.report.labels import COMPONENT_LABELS


def money(value: float) -> str:
    if abs(value) >= 1e9:
        return f"${value / 1e9:,.2f}B"
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def _price_tables(result: dict[str, Any], console: Console) -> None:
    scenarios = result["scenarios"]
    table = Table(title="Expected total cost of ownership", title_justify="left")
    table.add_column("component")
    for s in scenarios:
        table.add_column(s["name"], justify="right")
    for key, label in COMPONENT_LABELS.items():
        if key == "value_of_time":
            table.add_row(
                Text("Cash TCO", style="bold"),
                *[Text(money(s["cash_tco_usd"]), style="bold") for s in scenarios],
                end_section=True,
            )
        table.add_row(label, *[money(s["components_usd"][key]) for s in scenarios])
    table.add_row(
        Text("Economic cost", style="bold"),
        *[Text(money(s["economic_cost_usd"]), style="bold") for s in scenarios],
    )
    console.print(table)
    studies = Table(title="Studies: expected duration (months) and cash TCO", title_justify="left")
    studies.add_column("study")
    for s in scenarios:
        studies.add_column(s["name"], justify="right")
    for i, study in enumerate(scenarios[0]["studies"]):
        cells = []
        for s in scenarios:
            row = s["studies"][i]
            cells.append(f"{row['expected_duration_months']:.1f} · {money(row['cash_tco_usd'])}")
        studies.add_row(study["id"], *cells)
    console.print(studies)
    for s in scenarios:
        o = s["oversight"]
        style = "red" if o["shortfall_fte"] > 0 else "green"
        console.print(
            Text(
                f"{s['name']}: oversight needs {o['fte_needed_peak']:.1f} FTE at peak "
                f"({o['peak_month']}); {o['fte_available']:g} available",
                style=style,
            )
        )


def _simulate_tables(result: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"Monte Carlo: {result['draws']:,} draws, seed {result['seed']}", title_justify="left"
    )
    for column in ("scenario", "", "mean (± s.e.)", "P10", "P50", "P90", "CVaR90"):
        left = column in ("scenario", "")
        table.add_column(column, justify="left" if left else "right", no_wrap=True)
    for s in result["scenarios"]:
        for metric, label in (("cash_tco_usd", "cash"), ("economic_cost_usd", "econ.")):
            d = s[metric]
            table.add_row(
                s["name"] if metric == "cash_tco_usd" else "",
                label,
                f"{money(d['mean'])} ± {money(d['stderr'])}",
                *[money(d[k]) for k in ("p10", "p50", "p90", "cvar90")],
                end_section=metric == "economic_cost_usd",
            )
    console.print(table)
    if result["comparisons"]:
        pairs = Table(title="Which is cheaper (cash TCO, same draws)", title_justify="left")
        for column in ("A", "B", "P(A cheaper)", "A − B: P10", "P50", "P90"):
            pairs.add_column(column, justify="right" if column not in ("A", "B") else "left")
        for c in result["comparisons"]:
            d = c["difference_usd"]
            pairs.add_row(
                c["a"],
                c["b"],
                f"{c['probability_a_cheaper']:.0%}",
                money(d["p10"]),
                money(d["p50"]),
                money(d["p90"]),
            )
        console.print(pairs)
    sensitivity = result.get("sensitivity")
    if sensitivity:
        tornado = Table(
            title=f"What moves the median cash TCO of {sensitivity['scenario']} "
            f"({money(sensitivity['p50_usd'])})",
            title_justify="left",
        )
        for column in ("input", "at x0.75", "at x1.25", "swing"):
            tornado.add_column(column, justify="left" if column == "input" else "right")
        for bar in sensitivity["tornado"][:10]:
            tornado.add_row(
                bar["input"], money(bar["p50_low"]), money(bar["p50_high"]), money(bar["swing"])
            )
        console.print(tornado)
        shares = ", ".join(f"{k} {v:.0%}" for k, v in sensitivity["variance_shares"].items())
        console.print(f"Share of variance by source: {shares}")


def render_costing(command: str, result: dict[str, Any], console: Console) -> None:
    if command == "price":
        _price_tables(result, console)
    else:
        _simulate_tables(result, console)
    console.print(
        Text("Charts and every detail: --format html; all numbers: --format json.", style="dim")
    )
