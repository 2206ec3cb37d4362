"""PDF and Excel reports of analysis results: a real PDF holding the report's title, workbooks
holding every scenario and its numbers."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crosource.domain.portfolio import Portfolio
from crosource.io.portfolio_io import load_portfolio
from crosource.report.costing_html import costing_html
from crosource.report.excel import optimize_workbook, simulation_workbook
from crosource.report.pdf import html_to_pdf
from crosource.services import costing

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "midsize-hybrid.yaml"


@pytest.fixture(scope="module")
def simulation() -> tuple[Portfolio, dict[str, Any]]:
    portfolio = load_portfolio(EXAMPLE)
    plans = costing.compile_plans(portfolio, None)
    result = costing.run_simulation(
        portfolio, plans, draws=200, seed=2, sensitivity=False, sensitivity_draws=100
    )
    return portfolio, result


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return done.stdout.decode()


def test_the_pdf_is_a_pdf_with_the_reports_title(
    simulation: tuple[Portfolio, dict[str, Any]],
) -> None:
    portfolio, result = simulation
    pdf = html_to_pdf(costing_html("simulate", portfolio, result))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert f"Cost and completion risk: {portfolio.sponsor.name}" in " ".join(text.split())
    assert "Scenarios side by side" in text
    for scenario in result["scenarios"]:
        assert scenario["name"] in text


def test_the_pdf_fetches_nothing_from_outside() -> None:
    html = (
        '<html><head></head><body><h1>Title</h1><img src="http://example.com/x.png"></body></html>'
    )
    assert "Title" in pdf_text(html_to_pdf(html))


def test_the_simulation_workbook_holds_every_scenario(
    simulation: tuple[Portfolio, dict[str, Any]],
) -> None:
    portfolio, result = simulation
    book = load_workbook(BytesIO(simulation_workbook("Run", result, portfolio.currency)))
    assert book.sheetnames == ["About", "Summary", "Completion", "Comparisons"]
    rows = list(book["Summary"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Scenario", "Description", "Cash TCO mean (USD)")
    names = [r[0] for r in rows[1:]]
    assert names == [s["name"] for s in result["scenarios"]]
    for row, scenario in zip(rows[1:], result["scenarios"], strict=True):
        stats = scenario["cash_tco_usd"]
        assert row[2:7] == pytest.approx(
            (stats["mean"], stats["p10"], stats["p50"], stats["p90"], stats["cvar90"])
        )
        fees = header.index("Mean fees (USD)")
        assert row[fees] == pytest.approx(scenario["components_mean_usd"]["fees"])
    completion = list(book["Completion"].iter_rows(values_only=True))[1:]
    studies = len(portfolio.studies)
    assert len(completion) == studies * len(result["scenarios"])
    first = result["scenarios"][0]["completion"][0]
    assert completion[0][:6] == (
        result["scenarios"][0]["name"],
        first["study"],
        first["start"],
        first["p10_date"],
        first["p50_date"],
        first["p90_date"],
    )


def test_the_optimizer_workbook_holds_the_plan() -> None:
    portfolio = load_portfolio(EXAMPLE)
    result = costing.run_optimizer(portfolio, {}, check_draws=100, seed=1)
    book = load_workbook(BytesIO(optimize_workbook("Run", result, portfolio.currency)))
    assert book.sheetnames == ["About", "Plan", "Summary", "Completion", "Comparisons"]
    plan = list(book["Plan"].iter_rows(values_only=True))[1:]
    assert len(plan) == len(result["plan"])
    summary = [r[0] for r in book["Summary"].iter_rows(values_only=True)][1:]
    assert summary == ["recommended", "optimized"]
