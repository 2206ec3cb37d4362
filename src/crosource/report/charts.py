"""Vega-Lite charts of costing results, built with Altair: data in, spec out; `svg` renders one.

Money goes into the specs already scaled to millions, with its labels formatted here, so that a
chart reads the same as the tables beside it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import Any

import altair as alt
import vl_convert as vlc

from crosource.engine.costing.result import CASH
from crosource.report.labels import COMPONENT_LABELS

Spec = dict[str, Any]
Values = list[dict[str, Any]]

CASH_COMPONENTS = CASH  # the cash components, in the cost model's order
COMPONENT_COLOURS = {
    "fees": "#0b4f8a",
    "oversight": "#5b9bd5",
    "vendor_management": "#f9a825",
    "coordination": "#ef6c00",
    "transitions": "#8e24aa",
    "quality": "#c62828",
    "amendments": "#6d4c41",
    "value_of_time": "#9aa5b1",
}
SCENARIO_COLOURS = ("#0b4f8a", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#8d6e63")
WIDTH = 1000
INK, MUTED = "#1f2933", "#616e7c"
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF "}


def symbol(currency: str) -> str:
    """The prefix of money in a currency: `$` for USD, the code and a space when unknown."""
    return _CURRENCY_SYMBOLS.get(currency, f"{currency} ")


def money(value: float, sym: str = "$", *, signed: bool = False) -> str:
    """Compact money: $1,634.15M, $123k, $950; a minus sign (or a plus when signed) in front."""
    sign = "−" if value < 0 else ("+" if signed and value > 0 else "")
    size = abs(value)
    if size >= 1e6:
        text = f"{size / 1e6:,.2f}M"
    elif size >= 1e3:
        text = f"{size / 1e3:,.0f}k"
    else:
        text = f"{size:,.0f}"
    return f"{sign}{sym}{text}"


# Set while a report renders inside the web application: charts become Vega-Lite specs that the
# page's vega-embed draws (interactive, and no SVG rendering on the server per request).
EMBED: ContextVar[bool] = ContextVar("embed_charts", default=False)


def embedded(spec: Spec) -> str:
    """A placeholder that the web application's script turns into an interactive chart."""
    data = html.escape(json.dumps(spec, default=str, separators=(",", ":")), quote=True)
    return f'<div class="vega-chart" data-spec="{data}"></div>'


def svg(spec: Spec) -> str:
    """Static SVG of a Vega-Lite spec, ready to inline in HTML (or, inside the web
    application, the placeholder of an interactive chart).

    Ids (clip paths, gradients) get a prefix from the spec's hash: several inline SVGs in one
    document share one id space, and a clash would clip one chart with another's path.
    """
    if EMBED.get():
        return embedded(spec)
    text = vlc.vegalite_to_svg(spec)
    text = re.sub(r"^<\?xml[^>]*>\s*", "", text)
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    prefix = f"c{digest[:8]}-"
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', text)
    return text.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


# Checking every spec against the Vega-Lite schema took a third of a chart's time (and tens of
# milliseconds of a page with charts) for specs that only this module makes; the tests turn it on
# (tests/report/test_chart_specs.py) so that a malformed spec still fails there.
CHECK_SPECS = False


def _finish(chart: alt.TopLevelMixin) -> Spec:
    styled = (
        chart.configure(font="Helvetica, Arial, sans-serif")
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=12,
            titleFontSize=12,
            labelColor=INK,
            titleColor=MUTED,
            gridColor="#e4e7eb",
        )
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom", columns=4)
    )
    spec: Spec = styled.to_dict(validate=CHECK_SPECS)
    return spec


def _data(values: Values) -> alt.InlineData:
    return alt.InlineData(values=values)


def _text(
    base: alt.Chart, x: str, y: alt.Y, *, right: bool = False, size: int = 12, colour: str = INK
) -> alt.Chart:
    """Labels (the `label` field) beside the end of a bar: after it, or before it when right."""
    mark = base.mark_text(
        align="right" if right else "left", dx=-4 if right else 4, fontSize=size, color=colour
    )
    labels: alt.Chart = mark.encode(x=x, y=y, text="label:N")
    return labels


def _palette(
    field: str,
    domain: Sequence[str],
    colours: Sequence[str],
    title: str | None = None,
    legend: bool = True,
) -> alt.Color:
    scale = alt.Scale(domain=list(domain), range=list(colours))
    if not legend:
        return alt.Color(field, scale=scale, legend=None)
    return alt.Color(field, scale=scale, title=title)


def _years(field: str) -> alt.X:
    axis = alt.Axis(format="%Y", tickCount="year", grid=True)
    return alt.X(field, title=None, scale=alt.Scale(type="utc", nice="year"), axis=axis)


def _millions(sym: str) -> str:
    return f"{sym.strip()} M" if len(sym.strip()) > 1 else f"{sym}M"


def components_chart(
    rows: Sequence[tuple[str, Mapping[str, float]]], sym: str = "$", *, statistic: str = ""
) -> Spec:
    """Stacked bars of the cash components per scenario; value of time in its own panel."""
    names = [name for name, _ in rows]
    labels = [COMPONENT_LABELS[c] for c in CASH_COMPONENTS]
    parts: Values = [
        {"scenario": name, "component": labels[i], "order": i, "value": parts.get(c, 0.0) / 1e6}
        for name, parts in rows
        for i, c in enumerate(CASH_COMPONENTS)
    ]
    cash_usd = [sum(parts.get(c, 0.0) for c in CASH_COMPONENTS) for _, parts in rows]
    totals: Values = [
        {"scenario": name, "total": usd / 1e6, "label": money(usd, sym)}
        for name, usd in zip(names, cash_usd, strict=True)
    ]
    height = 34 * len(rows)
    y = alt.Y("scenario:N", sort=names, title=None, axis=alt.Axis(labelLimit=200))
    colour = _palette("component:N", labels, [COMPONENT_COLOURS[c] for c in CASH_COMPONENTS])
    # Room on the right for the total written after each bar.
    domain = [0.0, max(cash_usd, default=1.0) / 1e6 * 1.14]
    x = alt.X(
        "sum(value):Q",
        title=f"Cash TCO{statistic} ({_millions(sym)})",
        scale=alt.Scale(domain=domain, nice=False),
    )
    bars = alt.Chart(_data(parts)).mark_bar(height=22)
    bars = bars.encode(x=x, y=y, color=colour, order="order:Q")
    cash = alt.layer(bars, _text(alt.Chart(_data(totals)), "total:Q", y))
    cash = cash.properties(width=WIDTH - 360, height=height)
    time_usd = [parts.get("value_of_time", 0.0) for _, parts in rows]
    if not any(time_usd):
        return _finish(cash)
    time: Values = [
        {"scenario": name, "value": usd / 1e6, "label": money(usd, sym)}
        for name, usd in zip(names, time_usd, strict=True)
    ]
    y_bare = alt.Y("scenario:N", sort=names, axis=None)
    base = alt.Chart(_data(time))
    time_bars = base.mark_bar(height=22, color=COMPONENT_COLOURS["value_of_time"]).encode(
        x=alt.X("value:Q", title=f"Value of time, not cash{statistic} ({_millions(sym)})"),
        y=y_bare,
    )
    time_labels = _text(base, "value:Q", y_bare, right=True, colour="white")
    right = alt.layer(time_bars, time_labels).properties(width=240, height=height)
    return _finish(alt.hconcat(cash, right, spacing=24))


def timeline_chart(studies: Sequence[Mapping[str, Any]]) -> Spec:
    """Gantt bars from each study's start to its expected completion, coloured by program."""
    rows = sorted(studies, key=lambda s: (s["start"], s["id"]))
    values: Values = [
        {
            "study": s["id"],
            "program": s["program"],
            "start": s["start"],
            "end": s["completion_date"],
            "label": f"{s['expected_duration_months']:.1f} mo",
        }
        for s in rows
    ]
    programs = sorted({s["program"] for s in rows})
    base = alt.Chart(_data(values))
    y = alt.Y("study:N", sort=[s["id"] for s in rows], title=None)
    colour = _palette("program:N", programs, SCENARIO_COLOURS, title="Program")
    bars = base.mark_bar(height=16, cornerRadius=2).encode(
        x=_years("start:T"), x2="end:T", y=y, color=colour
    )
    labels = _text(base, "end:T", y, size=11, colour=MUTED)
    chart = alt.layer(bars, labels).properties(width=WIDTH - 120, height=24 * len(rows))
    return _finish(chart)


def _histogram_values(scenario: Mapping[str, Any], sym: str) -> Values:
    name = scenario["name"]
    hist = scenario["histogram"]["cash_tco_usd"]
    edges, counts = hist["edges"], hist["counts"]
    total = sum(counts) or 1.0
    values: Values = [
        {"scenario": name, "kind": "bin", "x0": lo / 1e6, "x1": hi / 1e6, "share": n / total}
        for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
    stats = scenario["cash_tco_usd"]
    values += [
        {
            "scenario": name,
            "kind": "mark",
            "value": stats[p] / 1e6,
            "label": f"{p.upper()} {money(stats[p], sym)}",
            "weight": 2 if p == "p50" else 1,
        }
        for p in ("p10", "p50", "p90")
    ]
    return values


def distribution_chart(scenarios: Sequence[Mapping[str, Any]], sym: str = "$") -> Spec:
    """Histograms of cash TCO, one row per scenario on a shared axis, P10/P50/P90 marked."""
    names = [s["name"] for s in scenarios]
    values = [v for s in scenarios for v in _histogram_values(s, sym)]
    x_title = f"Cash TCO ({_millions(sym)})"
    x = alt.X("value:Q", title=x_title)
    share = alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format=".0%", tickCount=3))
    bins = alt.Chart().transform_filter(alt.datum.kind == "bin")
    bins = bins.mark_rect(opacity=0.8, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", title=x_title, scale=alt.Scale(zero=False)),
        x2="x1:Q",
        y=share,
        y2=alt.datum(0),
        color=_palette("scenario:N", names, SCENARIO_COLOURS, legend=False),
    )
    marks = alt.Chart().transform_filter(alt.datum.kind == "mark")
    weight = alt.StrokeWidth("weight:Q", legend=None, scale=alt.Scale(range=[1, 2.5]))
    rules = marks.mark_rule(color=INK).encode(x=x, strokeWidth=weight)
    # A white outline under each label keeps it legible where it crosses the bars.
    halo = marks.mark_text(
        align="left",
        dx=4,
        baseline="top",
        y=2,
        fontSize=11,
        color="white",
        stroke="white",
        strokeWidth=4,
    ).encode(x=x, text="label:N")
    text = marks.mark_text(align="left", dx=4, baseline="top", y=2, fontSize=11, color=INK)
    header = alt.Header(
        labelAngle=0,
        labelAlign="left",
        labelFontSize=13,
        labelFontWeight="bold",
        labelOrient="top",
        labelPadding=4,
    )
    chart = (
        alt.layer(bins, rules, halo, text.encode(x=x, text="label:N"))
        .properties(width=WIDTH - 150, height=90)
        .facet(
            row=alt.Row("scenario:N", sort=names, title=None, header=header),
            data=_data(values),
            spacing=14,
        )
    )
    return _finish(chart)


def tornado_chart(bars: Sequence[Mapping[str, Any]], center: float, sym: str = "$") -> Spec:
    """The median cash TCO with each input set low and set high; largest swing on top."""
    ordered = sorted(bars, key=lambda b: -float(b["swing"]))
    settings = ["Input at its low value", "Input at its high value"]
    values: Values = [
        {
            "input": b["input"],
            "setting": settings[k],
            "from": center / 1e6,
            "to": b[f"p50_{side}"] / 1e6,
            "label": f"{b[f'{side}_value']}: {money(b[f'p50_{side}'] - center, sym, signed=True)}",
            "after": b[f"p50_{side}"] >= center,
        }
        for b in ordered
        for k, side in enumerate(("low", "high"))
    ]
    base = alt.Chart(_data(values))
    y = alt.Y(
        "input:N", sort=[b["input"] for b in ordered], title=None, axis=alt.Axis(labelLimit=260)
    )
    # Padding leaves room for the labels beyond the longest bars.
    x = alt.X(
        "from:Q", title=f"P50 cash TCO ({_millions(sym)})", scale=alt.Scale(zero=False, padding=90)
    )
    colour = _palette("setting:N", settings, ["#5b9bd5", "#ef6c00"])
    segments = base.mark_bar(height=16).encode(x=x, x2="to:Q", y=y, color=colour)
    after = _text(base.transform_filter(alt.datum.after), "to:Q", y, size=10, colour=MUTED)
    before = _text(
        base.transform_filter(~alt.datum.after), "to:Q", y, right=True, size=10, colour=MUTED
    )
    rule = alt.Chart(_data([{"center": center / 1e6}])).mark_rule(color=INK).encode(x="center:Q")
    chart = alt.layer(segments, before, after, rule)
    return _finish(chart.properties(width=WIDTH - 260, height=24 * len(ordered)))


VARIANCE_LABELS = {
    "effort": "Effort",
    "startup": "Start-up time",
    "enrollment": "Enrollment",
    "quality": "Quality events",
    "amendments": "Amendments",
}


def variance_chart(shares: Mapping[str, float]) -> Spec:
    """The share of the variance of cash TCO explained by each source of uncertainty."""
    values: Values = [
        {"source": VARIANCE_LABELS.get(k, k.replace("_", " ")), "share": v, "label": _percent(v)}
        for k, v in sorted(shares.items(), key=lambda kv: -kv[1])
    ]
    base = alt.Chart(_data(values))
    y = alt.Y("source:N", sort=[str(v["source"]) for v in values], title=None)
    x = alt.X(
        "share:Q",
        title="Share of variance of cash TCO",
        axis=alt.Axis(format=".0%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    bars = base.mark_bar(height=18, color=COMPONENT_COLOURS["fees"]).encode(x=x, y=y)
    chart = alt.layer(bars, _text(base, "share:Q", y))
    return _finish(chart.properties(width=WIDTH - 320, height=28 * len(values)))


def _percent(share: float) -> str:
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"


def completion_chart(completion: Sequence[Mapping[str, Any]]) -> Spec:
    """Per study: the run from start to P10 completion, the P10-P90 interval and the P50."""
    rows = sorted(completion, key=lambda c: (c["start"], c["study"]))
    values: Values = [
        {
            "study": c["study"],
            "start": c["start"],
            "p10": c["p10_date"],
            "p50": c["p50_date"],
            "p90": c["p90_date"],
            "label": f"P50 {c['p50_date'][:7]}",
        }
        for c in rows
    ]
    base = alt.Chart(_data(values))
    y = alt.Y("study:N", sort=[c["study"] for c in rows], title=None)
    run = base.mark_bar(height=6, color="#c5d3e2").encode(x=_years("start:T"), x2="p10:T", y=y)
    spread = base.mark_bar(height=16, color="#5b9bd5", cornerRadius=2)
    spread = spread.encode(x="p10:T", x2="p90:T", y=y)
    median = base.mark_tick(thickness=3, size=22, color=INK).encode(x="p50:T", y=y)
    text = _text(base, "p90:T", y, size=11, colour=MUTED)
    chart = alt.layer(run, spread, median, text)
    return _finish(chart.properties(width=WIDTH - 140, height=26 * len(rows)))
