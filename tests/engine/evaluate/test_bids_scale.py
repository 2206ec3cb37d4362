"""Bids at scale: a bid holds at most MAX_BID_LINES lines, refused at the first line too many
(CLI and web read grids through the same reader), and comparing bids costs work linear in the
number of lines. Linearity is asserted by counting operations, never by timing (timings are in
benchmarks/bids.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crosource.engine.evaluate import bids as engine
from crosource.engine.evaluate.bids import Bid, BidLine, compare
from crosource.io.bids_io import MAX_BID_LINES, load_bids
from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio

ROOT = Path(__file__).parents[3]
SMALL = ROOT / "tests" / "engine" / "costing" / "small.yaml"
DRIVERS = ("per_site", "per_patient_enrolled", "per_month", "fixed")


def _bids(lines: int, providers: int = 3) -> list[Bid]:
    return [
        Bid(
            f"P{p}",
            [
                BidLine(f"P{p}", f"line {i}", None, DRIVERS[i % 4], 100.0 + i + p, 1.0)
                for i in range(lines)
            ],
        )
        for p in range(providers)
    ]


def _work(monkeypatch: pytest.MonkeyPatch, lines: int) -> int:
    """Prices looked at when the bids' medians are taken, comparing `lines` lines a bid."""
    seen = [0]
    real = engine.statistics.median

    def counting(values: Any) -> Any:
        values = list(values)
        seen[0] += len(values)
        return real(values)

    monkeypatch.setattr(engine.statistics, "median", counting)
    portfolio = load_portfolio(SMALL)
    compare(portfolio, portfolio.studies[0], _bids(lines))
    return seen[0]


def test_comparing_bids_is_linear_in_their_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = _work(monkeypatch, 200), _work(monkeypatch, 2000)
    # Ten times the lines, ten times the work: the medians are taken once per kind of line,
    # not once per line over every other bid's lines (which grows a hundredfold).
    assert large <= 10 * small + 100, (small, large)
    assert large <= 3 * 2000 * 2  # each price looked at a bounded number of times


def test_flags_unchanged_by_the_shared_medians() -> None:
    portfolio = load_portfolio(SMALL)
    bids = [
        Bid("A", [BidLine("A", "sites", None, "per_site", 1000.0, 10.0)]),
        Bid("B", [BidLine("B", "sites", None, "per_site", 1100.0, 10.0)]),
        Bid("C", [BidLine("C", "sites", None, "per_site", 5000.0, 10.0)]),
    ]
    result = compare(portfolio, portfolio.studies[0], bids)
    flags = {b["provider"]: b["lines"][0]["flags"] for b in result["bids"]}
    assert flags["A"] == [] and flags["B"] == []
    assert "far from the other bids' median 1,100" in flags["C"][0]


def _grid(tmp_path: Path, lines: int, provider: str = "A") -> Path:
    rows = ["provider,line,function,driver,unit_price_usd,quantity"]
    rows += [f"{provider},line {i},,per_site,100,1" for i in range(lines)]
    path = tmp_path / "grid.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_bid_holds_at_most_the_limit_of_lines(tmp_path: Path) -> None:
    assert MAX_BID_LINES == 5000
    assert len(load_bids(_grid(tmp_path, MAX_BID_LINES))[0].lines) == MAX_BID_LINES
    with pytest.raises(InvalidInput) as caught:
        load_bids(_grid(tmp_path, MAX_BID_LINES + 1))
    (problem,) = caught.value.problems
    assert problem.where == f"row {MAX_BID_LINES + 2}"
    assert "more than 5,000 lines" in problem.message and "A" in problem.message


def test_a_huge_grid_is_refused_at_the_first_line_too_many(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_bids(_grid(tmp_path, 200_000))
    assert len(caught.value.problems) == 1


def test_the_cli_refuses_a_bid_over_the_limit(tmp_path: Path) -> None:
    grid = _grid(tmp_path, MAX_BID_LINES + 1)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crosource",
            "bids",
            str(SMALL),
            "--study",
            "S1",
            "--grid",
            str(grid),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "more than 5,000 lines" in done.stdout + done.stderr
