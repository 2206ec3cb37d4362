"""The bid comparison as terminal tables (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crosource.report.costing_table import money


def render_bids(result: dict[str, Any], console: Console) -> None:
    summary = Table(
        title=f"Bids for {result['study']}: as quoted and at the sponsor's quantities",
        title_justify="left",
    )
    for column in ("provider", "quoted", "normalized", "difference", "flags"):
        summary.add_column(column, justify="left" if column == "provider" else "right")
    for bid in sorted(result["bids"], key=lambda b: b["normalized_total_usd"]):
        flags = sum(len(r["flags"]) for r in bid["lines"]) + len(bid["deviating_assumptions"])
        summary.add_row(
            bid["provider"],
            money(bid["quoted_total_usd"]),
            money(bid["normalized_total_usd"]),
            money(bid["normalized_total_usd"] - bid["quoted_total_usd"]),
            str(flags),
        )
    console.print(summary)
    quote, normalized = result["cheapest_quote"], result["cheapest_normalized"]
    verdict = (
        f"The cheapest quote ({quote}) is also the cheapest bid at the sponsor's quantities."
        if quote == normalized
        else f"The cheapest quote is {quote}, but at the sponsor's quantities the cheapest bid "
        f"is {normalized}."
    )
    console.print(Text(verdict, style="bold"))
    for bid in result["bids"]:
        table = Table(title=f"{bid['provider']}: line by line", title_justify="left")
        for column in (
            "line",
            "driver",
            "unit price",
            "quoted qty",
            "baseline qty",
            "difference",
            "flags",
        ):
            table.add_column(
                column, justify="left" if column in ("line", "driver", "flags") else "right"
            )
        for row in bid["lines"]:
            table.add_row(
                row["line"],
                row["driver"],
                f"{row['unit_price_usd']:,.0f}",
                f"{row['quoted_quantity']:,.1f}",
                f"{row['baseline_quantity']:,.1f}",
                money(row["difference_usd"]),
                "; ".join(row["flags"]),
            )
        console.print(table)
        for d in bid["deviating_assumptions"]:
            console.print(
                Text(
                    f"  {d['assumption']}: the bid assumes {d['stated']:g}, the "
                    f"sponsor {d['baseline']:.3g}",
                    style="yellow",
                )
            )
