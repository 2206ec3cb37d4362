"""The evaluation's HTML report: weights, ranks by method, SMAA rank acceptability, and the
weights' stability intervals, as charts with the tables beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt

from crosource.report import charts
from crosource.report.charts import Spec, _finish
from crosource.report.templating import environment

RANK_COLOURS = ["#1565c0", "#64b5f6", "#bbdefb", "#e0e0e0", "#bdbdbd", "#9e9e9e", "#757575"]


def weights_chart(weights: dict[str, float]) -> Spec:
    values = [{"criterion": c, "weight": w, "label": f"{w:.1%}"} for c, w in weights.items()]
    base = alt.Chart(alt.InlineData(values=values))
    y = alt.Y("criterion:N", sort="-x", title=None)
    x = alt.X("weight:Q", title="Weight", axis=alt.Axis(format=".0%"))
    bars = base.mark_bar(height=18, color="#0b4f8a").encode(x=x, y=y)
    text = base.mark_text(align="left", dx=4).encode(x=x, y=y, text="label:N")
    return _finish(alt.layer(bars, text).properties(width=520, height=28 * len(values)))


def acceptability_chart(acceptability: dict[str, list[float]]) -> Spec:
    """Stacked bars per alternative: the share of weight samples giving it each rank."""
    values = [
        {"alternative": name, "rank": f"rank {k + 1}", "order": k, "share": share}
        for name, shares in acceptability.items()
        for k, share in enumerate(shares)
    ]
    ranks = [f"rank {k + 1}" for k in range(len(next(iter(acceptability.values()))))]
    colours = (RANK_COLOURS * 4)[: len(ranks)]
    first = {name: shares[0] for name, shares in acceptability.items()}
    chart = (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar(height=20)
        .encode(
            x=alt.X(
                "share:Q",
                stack="zero",
                title="Share of weight samples",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("alternative:N", sort=sorted(first, key=lambda n: -first[n]), title=None),
            color=alt.Color("rank:N", scale=alt.Scale(domain=ranks, range=colours), title=None),
            order=alt.Order("order:Q"),
            tooltip=["alternative:N", "rank:N", alt.Tooltip("share:Q", format=".1%")],
        )
    )
    return _finish(chart.properties(width=560, height=32 * len(acceptability)))


def sensitivity_chart(items: list[dict[str, Any]]) -> Spec:
    """Per criterion: the interval of its weight within which the leader stays first."""
    values = [
        {
            "criterion": i["criterion"],
            "lower": i["lower"],
            "upper": i["upper"],
            "weight": i["weight"],
        }
        for i in items
    ]
    base = alt.Chart(alt.InlineData(values=values))
    y = alt.Y("criterion:N", title=None, sort=None)
    scale = alt.Scale(domain=[0, 1])
    band = base.mark_bar(height=14, color="#bbdefb").encode(
        x=alt.X(
            "lower:Q", scale=scale, title="Weight of the criterion", axis=alt.Axis(format=".0%")
        ),
        x2="upper:Q",
        y=y,
    )
    now = base.mark_tick(color="#0b4f8a", thickness=3, size=20).encode(x="weight:Q", y=y)
    return _finish(alt.layer(band, now).properties(width=560, height=30 * len(values)))


def evaluation_html(title: str, result: dict[str, Any]) -> str:
    methods = result["methods"]
    figures = [
        (
            "Weights",
            "From the evaluators' judgments (AHP) or as given.",
            charts.svg(weights_chart(result["weights"])),
        )
    ]
    if "smaa" in methods:
        figures.append(
            (
                "Rank acceptability (SMAA-2)",
                "How often each provider takes each "
                "rank when the weights vary over all their possible values.",
                charts.svg(acceptability_chart(methods["smaa"]["acceptability"])),
            )
        )
    if result.get("sensitivity"):
        figures.append(
            (
                "Stability of the weights",
                "Light bars: the range of each weight "
                "(the others rescaled) within which the leader stays first; dark tick: "
                "the weight now.",
                charts.svg(sensitivity_chart(result["sensitivity"])),
            )
        )
    names = list(next(iter(methods.values()))["scores"]) if methods else []
    first = next(iter(methods.values())) if methods else None
    order = sorted(names, key=lambda n: first["ranks"][n]) if first else []
    return environment.get_template("evaluate.html.j2").render(
        title=title,
        subtitle=f"{len(names)} providers ranked · {len(result['excluded'])} excluded by gates",
        generated=dt.date.today().isoformat(),
        result=result,
        figures=figures,
        order=order,
        methods=methods,
    )
