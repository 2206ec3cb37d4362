"""The HTML report of `price` and `simulate`, rendered from results of the real engine."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from crosource.cli_costing import price_result, simulate_result
from crosource.domain.portfolio import Portfolio
from crosource.report import charts
from crosource.report.costing_html import costing_html

ROOT = Path(__file__).parents[2]
MIDSIZE = ROOT / "examples" / "midsize-hybrid.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PRICE_CHARTS = ["components", "timeline"]
SIMULATE_CHARTS = ["distribution", "components", "tornado", "variance", "completion"]

Run = tuple[Portfolio, dict[str, Any]]


@pytest.fixture(scope="module")
def priced() -> Run:
    return price_result(MIDSIZE, None)


@pytest.fixture(scope="module")
def simulated() -> Run:
    return simulate_result(MIDSIZE, None, 2000, 7, True, 300, Console(quiet=True))


def _self_contained(html: str) -> None:
    assert html.startswith("<!doctype html>")
    assert html.count("<html") == 1 and html.count("</html>") == 1
    assert "<script" not in html
    assert "<link " not in html
    assert "url(http" not in html
    assert "@import" not in html
    # The only URLs allowed are the SVG and XLink namespace names, which are never fetched.
    urls = set(re.findall(r"https?://[^\s\"')]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def _charts(html: str) -> list[str]:
    figures = re.findall(
        r'<figure class="card chart" id="chart-([a-z]+)">(.*?)</figure>', html, re.S
    )
    assert all(body.count("<svg") == 1 for _, body in figures)
    return [key for key, _ in figures]


def test_price_report(priced: Run) -> None:
    portfolio, result = priced
    html = costing_html("price", portfolio, result)
    _self_contained(html)
    assert _charts(html) == PRICE_CHARTS
    assert html.count("<svg") == len(PRICE_CHARTS)
    for scenario in result["scenarios"]:
        assert scenario["name"] in html
        for provider in scenario["providers"]:
            assert f"<b>{provider['id']}</b>" in html
    for study in portfolio.studies:
        assert study.id in html
    assert "How to read this" in html and "Value of time" in html
    assert "Oversight check" in html and "Vendor management per provider" in html
    first = result["scenarios"][0]
    assert charts.money(first["cash_tco_usd"]) in html
    assert ("FTE short" in html) == any(
        s["oversight"]["shortfall_fte"] > 0 for s in result["scenarios"]
    )


def test_simulate_report(simulated: Run) -> None:
    portfolio, result = simulated
    html = costing_html("simulate", portfolio, result)
    _self_contained(html)
    assert _charts(html) == SIMULATE_CHARTS
    assert html.count("<svg") == len(SIMULATE_CHARTS)
    for scenario in result["scenarios"]:
        assert scenario["name"] in html
        assert charts.money(scenario["cash_tco_usd"]["p50"]) in html
    for name in ("P10", "P50", "P90", "CVaR90", "common random numbers", "Comparisons"):
        assert name in html
    assert "2,000 draws per scenario" in html
    for bar in result["sensitivity"]["tornado"]:
        assert f"<code>{bar['input']}</code>" in html


def test_simulate_report_without_sensitivity(simulated: Run) -> None:
    portfolio, result = simulated
    bare = {k: v for k, v in result.items() if k != "sensitivity"}
    html = costing_html("simulate", portfolio, bare)
    _self_contained(html)
    assert _charts(html) == ["distribution", "components", "completion"]
    assert "Sensitivity" not in html


def test_single_scenario_has_no_comparisons() -> None:
    portfolio, result = simulate_result(
        MIDSIZE, ["recommended"], 500, 1, False, 300, Console(quiet=True)
    )
    html = costing_html("simulate", portfolio, result)
    _self_contained(html)
    assert "<h2>Comparisons</h2>" not in html
    assert "lowest cash TCO" in html


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_price_report_of_every_example(example: Path) -> None:
    portfolio, result = price_result(example, None)
    html = costing_html("price", portfolio, result)
    _self_contained(html)
    assert portfolio.sponsor.name in html


def test_svg_ids_are_unique_in_the_page(simulated: Run) -> None:
    html = costing_html("simulate", *simulated)
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for ref in re.findall(r"url\(#([^)]+)\)", html):
        assert ref in ids


def test_unknown_command(priced: Run) -> None:
    with pytest.raises(ValueError, match="price or simulate"):
        costing_html("optimize", *priced)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (150_924_075.48, "$150.92M"),
        (1_634_147_048.7, "$1,634.15M"),
        (123_456.0, "$123k"),
        (950.4, "$950"),
        (-89_102.8, "−$89k"),
        (0.0, "$0"),
    ],
)
def test_money(value: float, text: str) -> None:
    assert charts.money(value) == text


def test_money_signed_and_currency() -> None:
    assert charts.money(8_277_842.1, signed=True) == "+$8.28M"
    assert charts.money(1_500_000, charts.symbol("EUR")) == "€1.50M"
    assert charts.money(2_000, charts.symbol("SEK")) == "SEK 2k"
