"""The optimizer's answer as terminal tables (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crosource.report import labels
from crosource.report.costing_table import money
from crosource.report.labels import COMPONENT_LABELS


def _plan_table(result: dict[str, Any]) -> Table:
    table = Table(title="The optimized plan: who does what, per study", title_justify="left")
    for column in ("study", "model", "provider", "functions"):
        table.add_column(column, no_wrap=column != "functions")
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    for item in result["plan"]:
        key = (item["model"], item["provider"] or "sponsor")
        groups.setdefault(item["study"], {}).setdefault(key, []).append(
            labels.function(item["function"]).lower()
        )
    for study, by_holder in groups.items():
        for i, ((model, provider), functions) in enumerate(sorted(by_holder.items())):
            table.add_row(
                study if i == 0 else "",
                labels.model(model),
                provider,
                ", ".join(functions),
                end_section=i == len(by_holder) - 1,
            )
    return table


def render_optimize(result: dict[str, Any], console: Console) -> None:
    status = result["status"]
    console.print(Text(f"Status: {status}", style="bold green" if result["plan"] else "bold red"))
    console.print(
        f"{result['binaries']:,} binary variables, {result['constraints']:,} "
        f"constraints, solved in {result['solve_seconds']:.2f} s"
    )
    if result["infeasibility"]:
        console.print(Text("No plan satisfies every constraint:", style="bold red"))
        for item in result["infeasibility"][:20]:
            console.print(f"  - {item['text']}")
        if len(result["infeasibility"]) > 20:
            console.print(f"  ... and {len(result['infeasibility']) - 20} more")
        return
    if not result["plan"]:
        return
    console.print(
        f"Objective ({result['objective']}): {money(result['objective_usd'])}, bound "
        f"{money(result['bound_usd'])}, gap {result['gap']:.2%}"
    )
    console.print(_plan_table(result))
    costs = Table(title="The plan priced by the cost model (expected values)", title_justify="left")
    costs.add_column("component")
    costs.add_column("optimized", justify="right")
    check = result.get("check")
    recommended = check["scenarios"][0]["expected"]["components_usd"] if check else None
    if recommended:
        costs.add_column("recommended", justify="right")
    for key, label in COMPONENT_LABELS.items():
        row = [label, money(result["components_usd"][key])]
        if recommended:
            row.append(money(recommended[key]))
        costs.add_row(*row)
    console.print(costs)
    if result["binding"]:
        console.print(Text("Binding constraints:", style="bold"))
        for line in result["binding"][:20]:
            console.print(f"  - {line}")
    if check:
        table = Table(
            title=f"Monte Carlo check ({check['draws']:,} draws, same random numbers)",
            title_justify="left",
        )
        for column in ("scenario", "mean", "P10", "P50", "P90"):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        for s in check["scenarios"]:
            d = s["cash_tco_usd"]
            table.add_row(s["name"], *[money(d[k]) for k in ("mean", "p10", "p50", "p90")])
        console.print(table)
        for c in check["comparisons"]:
            console.print(
                f"P({c['b']} cheaper than {c['a']}) = {1 - c['probability_a_cheaper']:.0%}"
            )
