"""An evaluation as terminal tables (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def render_evaluation(result: dict[str, Any], console: Console) -> None:
    weights = Table(title="Weights", title_justify="left")
    weights.add_column("criterion")
    weights.add_column("weight", justify="right")
    for criterion, weight in sorted(result["weights"].items(), key=lambda kv: -kv[1]):
        weights.add_row(criterion, f"{weight:.1%}")
    console.print(weights)
    for name, values in result["consistency"].items():
        if name == "distances":
            continue
        style = "green" if values["consistent"] else "red"
        line = f"{name}: CR {values['cr']:.3f} (λmax {values['lambda_max']:.3f})"
        console.print(
            Text(line + (f" — {values['warning']}" if "warning" in values else ""), style=style)
        )
    for alternative, gates in result["excluded"].items():
        console.print(Text(f"Excluded: {alternative} fails {', '.join(gates)}", style="red"))
    methods = result["methods"]
    if not methods:
        console.print(result.get("note", "No method to show."))
        return
    names = list(next(iter(methods.values()))["scores"])
    table = Table(title="Ranks and scores", title_justify="left")
    table.add_column("alternative")
    for method in methods:
        table.add_column(method.replace("_", " "), justify="right")
    for name in sorted(names, key=lambda n: next(iter(methods.values()))["ranks"][n]):
        cells = [f"{m['ranks'][name]} · {m['scores'][name]:.3f}" for m in methods.values()]
        table.add_row(name, *cells)
    console.print(table)
    if "smaa" in methods:
        acceptability = methods["smaa"]["acceptability"]
        smaa = Table(
            title="SMAA rank acceptability (share of weight samples)", title_justify="left"
        )
        smaa.add_column("alternative")
        for rank in range(1, len(names) + 1):
            smaa.add_column(f"rank {rank}", justify="right")
        for name in names:
            smaa.add_row(name, *[f"{share:.0%}" for share in acceptability[name]])
        console.print(smaa)
    if result.get("sensitivity"):
        sens = Table(
            title="Weight sensitivity (weighted sum): the leader stays first while "
            "the weight is in",
            title_justify="left",
        )
        for column in ("criterion", "weight", "interval", "smallest change", "then first"):
            sens.add_column(column)
        for item in result["sensitivity"]:
            change = item.get("change")
            sens.add_row(
                item["criterion"],
                f"{item['weight']:.1%}",
                f"{item['lower']:.1%} – {item['upper']:.1%}",
                "none" if change is None else f"{change:+.1%}",
                item.get("rival") or "",
            )
        console.print(sens)
