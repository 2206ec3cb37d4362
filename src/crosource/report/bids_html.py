"""The bid comparison's HTML report: quoted against normalized totals, then every bid line by
line with its flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt

from crosource.report import charts
from crosource.report.charts import Spec, _finish
from crosource.report.templating import environment


def totals_chart(bids: list[dict[str, Any]]) -> Spec:
    values = [
        {"provider": b["provider"], "kind": kind, "value": b[key] / 1e6}
        for b in bids
        for kind, key in (
            ("as quoted", "quoted_total_usd"),
            ("at the sponsor's quantities", "normalized_total_usd"),
        )
    ]
    chart = (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar(height=14)
        .encode(
            x=alt.X("value:Q", title="Total ($M)"),
            y=alt.Y("provider:N", title=None),
            yOffset="kind:N",
            color=alt.Color("kind:N", title=None, scale=alt.Scale(range=["#bbdefb", "#0b4f8a"])),
        )
    )
    return _finish(chart.properties(width=560, height=44 * len(bids)))


def bids_html(result: dict[str, Any]) -> str:
    bids = sorted(result["bids"], key=lambda b: b["normalized_total_usd"])
    for bid in bids:
        bid["flag_count"] = sum(len(r["flags"]) for r in bid["lines"]) + len(
            bid["deviating_assumptions"]
        )
    quote, normalized = result["cheapest_quote"], result["cheapest_normalized"]
    verdict = (
        f"The cheapest quote ({quote}) is also the cheapest bid at the sponsor's quantities."
        if quote == normalized
        else f"The cheapest quote is {quote}, but at the sponsor's quantities the cheapest "
        f"bid is {normalized}."
    )
    return environment.get_template("bids.html.j2").render(
        title=f"Bids for {result['study']}",
        subtitle=f"{len(bids)} bids, normalized",
        generated=dt.date.today().isoformat(),
        result=result,
        bids=bids,
        verdict=verdict,
        figure=charts.svg(totals_chart(bids)),
        money=charts.money,
    )
