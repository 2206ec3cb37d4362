"""Bids re-priced at the sponsor's quantities: hand computations on a small study, the
explanation line by line, and the flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource.engine.evaluate.bids import Bid, BidLine, baseline, compare
from crosource.io.bids_io import load_bids
from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio

ROOT = Path(__file__).parents[3]
SMALL = ROOT / "tests" / "engine" / "costing" / "small.yaml"


def test_baseline_quantities_by_hand() -> None:
    portfolio = load_portfolio(SMALL)
    study = portfolio.studies[0]  # S1: 10 sites, 40 patients, 6 months of follow-up
    base = baseline(portfolio, study)
    enrollment = 3 + (40 - 8.9 * 0.5 * 1.5) / (8.9 * 0.5)
    assert base["patients_screened"] == pytest.approx(40 / 0.7)  # screen failure 30%
    assert base["patients_completed"] == pytest.approx(40 * 0.9)  # dropout 10%
    assert base["months"] == pytest.approx(5.5 + enrollment + 6 + 3)
    assert base["monitoring_visits"] == pytest.approx(10 * (enrollment + 6) / 1.5)


def test_normalized_totals_and_the_cheapest_bid() -> None:
    portfolio = load_portfolio(SMALL)
    study = portfolio.studies[0]
    low = Bid(
        "A",
        [
            BidLine("A", "screening", None, "per_patient_screened", 1000.0, 44.0),
            BidLine("A", "PM", "project_management", "fte_month", 20000.0, 5.0),
        ],
        {"screen_failure_rate": 0.09},
    )
    high = Bid(
        "B",
        [
            BidLine("B", "screening", None, "per_patient_screened", 900.0, 60.0),
            BidLine("B", "PM", "project_management", "fte_month", 19000.0, 10.0),
        ],
    )
    result = compare(portfolio, study, [low, high])
    a, b = result["bids"]
    assert a["quoted_total_usd"] == pytest.approx(1000 * 44 + 20000 * 5)
    # Re-priced: 40 / 0.7 screened patients and the study's 10 FTE-months of PM.
    assert a["normalized_total_usd"] == pytest.approx(1000 * 40 / 0.7 + 20000 * 10)
    assert b["normalized_total_usd"] == pytest.approx(900 * 40 / 0.7 + 19000 * 10)
    assert result["cheapest_quote"] == "A" and result["cheapest_normalized"] == "B"
    assert a["deviating_assumptions"][0]["assumption"] == "screen_failure_rate"
    screening = a["lines"][0]
    assert screening["difference_usd"] == pytest.approx(1000 * (40 / 0.7 - 44))
    pm = a["lines"][1]
    assert any("rate card" not in f for f in pm["flags"]) or pm["flags"] == []


def test_outlying_unit_prices_are_flagged() -> None:
    portfolio = load_portfolio(SMALL)
    study = portfolio.studies[0]
    bids = [
        Bid(name, [BidLine(name, "visits", None, "per_visit", price, 100.0)])
        for name, price in (("A", 1000.0), ("B", 1100.0), ("C", 3000.0))
    ]
    result = compare(portfolio, study, bids)
    flags = {b["provider"]: b["lines"][0]["flags"] for b in result["bids"]}
    assert flags["C"] and not flags["A"] and not flags["B"]


def test_rate_card_deviation_is_flagged() -> None:
    portfolio = load_portfolio(SMALL)
    study = portfolio.studies[0]  # A's PM rate card: 20,000
    bid = Bid("A", [BidLine("A", "PM", "project_management", "fte_month", 30000.0, 10.0)])
    flags = compare(portfolio, study, [bid])["bids"][0]["lines"][0]["flags"]
    assert any("rate card of 20,000" in f for f in flags)


def test_the_example_grid_loads() -> None:
    bids = load_bids(ROOT / "examples" / "bids" / "CRV-310-201.csv")
    assert {b.provider for b in bids} == {"meridian", "tessera", "kestrel"}
    assert all(b.assumptions for b in bids)


def test_bad_grids_report_every_row(tmp_path: Path) -> None:
    grid = tmp_path / "bad.csv"
    grid.write_text(
        "provider,line,function,driver,unit_price_usd,quantity\n"
        "A,visits,,per_vist,100,10\n"
        "A,PM,project_mgmt,fte_month,abc,10\n"
        ",x,,fixed,1,-1\n"
        "A,moon_phase,,assumption,,3\n"
    )
    with pytest.raises(InvalidInput) as caught:
        load_bids(grid)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "row 2, column driver" in text and "per_vist" in text
    assert "row 3, column function" in text and "row 3, column unit_price_usd" in text
    assert "row 4, column provider" in text and "row 4, column quantity" in text
    assert "row 5, column line" in text and "moon_phase" in text


def test_missing_columns(tmp_path: Path) -> None:
    grid = tmp_path / "cols.csv"
    grid.write_text("provider,line\nA,x\n")
    with pytest.raises(InvalidInput, match="misses the columns"):
        load_bids(grid)


def test_excel_grids_read_like_csv(tmp_path: Path) -> None:
    import csv

    import openpyxl

    source = ROOT / "examples" / "bids" / "CRV-310-201.csv"
    book = openpyxl.Workbook()
    sheet = book.active
    with source.open() as handle:
        for row in csv.reader(handle):
            sheet.append([_cell(v) for v in row])
    target = tmp_path / "bids.xlsx"
    book.save(target)
    from_csv = {b.provider: b for b in load_bids(source)}
    from_xlsx = {b.provider: b for b in load_bids(target)}
    assert from_csv.keys() == from_xlsx.keys()
    for name, bid in from_csv.items():
        assert bid.lines == from_xlsx[name].lines
        assert bid.assumptions == from_xlsx[name].assumptions


def _cell(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value or None
