"""No workbook we write holds a formula made of a user's text (OWASP "formula injection"): a
plan, portfolio, study or provider named `=HYPERLINK(...)`, `+1`, `-2+3`, `@SUM(A1)` or starting
with a tab or carriage return is written as text (a string cell, shown with Excel's quote
prefix), and the portfolio workbook still reads back exactly the same."""

from __future__ import annotations

import copy
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from crosource.io.excel_cells import FORMULA_STARTS, guard_workbook, unescape
from crosource.io.excel_io import write_workbook
from crosource.io.portfolio_io import load_portfolio
from crosource.report.excel import optimize_workbook, simulation_workbook
from tests.io.test_excel_io import RICH, portfolio

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _cells(book: Any) -> list[Any]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(content: bytes, expected: list[str]) -> None:
    book = openpyxl.load_workbook(BytesIO(content))
    cells = _cells(book)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # openpyxl leaves OOXML's _x000D_ (a carriage return) as it is; Excel reads it back.
    found = {unescape(c.value) for c in cells if isinstance(c.value, str)}
    for text in expected:
        assert text in found, text  # kept exactly, as text
    for cell in (c for c in cells if isinstance(c.value, str) and c.value.startswith("=")):
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    # And in the file itself: no <f> element anywhere.
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def _simulation(name: str) -> dict[str, Any]:
    statistics = dict.fromkeys(("mean", "p10", "p50", "p90", "cvar90"), 1.0)
    scenario = {
        "name": name,
        "description": name,
        "cash_tco_usd": statistics,
        "economic_cost_usd": statistics,
        "components_mean_usd": {name: 1.0},
        "completion": [
            {
                "study": name,
                "start": name,
                "p10_date": "2027-01-01",
                "p50_date": "2027-01-01",
                "p90_date": "2027-01-01",
                "mean_months": 1.0,
                "p50_months": 1.0,
            }
        ],
    }
    return {
        "draws": 10,
        "seed": 1,
        "scenarios": [scenario],
        "comparisons": [
            {
                "a": name,
                "b": name,
                "probability_a_cheaper": 0.5,
                "difference_usd": {"mean": 1.0, "p10": 1.0, "p50": 1.0, "p90": 1.0},
            }
        ],
    }


@pytest.mark.parametrize("name", HOSTILE)
def test_run_reports_hold_no_formula(name: str) -> None:
    _assert_no_formula(simulation_workbook(name, _simulation(name)), [name])
    optimized = {
        "status": name,
        "objective": name,
        "plan": [{"study": name, "function": name, "model": name, "provider": name}],
        "check": _simulation(name),
    }
    _assert_no_formula(optimize_workbook(name, optimized), [name])


@pytest.mark.parametrize("name", HOSTILE)
def test_the_portfolio_workbook_holds_no_formula_and_round_trips(tmp_path: Path, name: str) -> None:
    data = copy.deepcopy(RICH)
    data["sponsor"]["name"] = name
    data["programs"][0]["name"] = name
    data["providers"][0]["name"] = name
    data["plans"][0]["name"] = name
    original = portfolio(data)
    file = tmp_path / "hostile.xlsx"
    write_workbook(original, file)
    _assert_no_formula(file.read_bytes(), [name])
    assert load_portfolio(file) == original


def test_every_formula_start_is_guarded() -> None:
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    book = openpyxl.Workbook()
    book.active.append(["=1+1", "plain", 3, "-x"])
    guard_workbook(book)
    a, b, c, d = book.active[1]
    assert (a.data_type, a.quotePrefix, a.value) == ("s", True, "=1+1")
    assert not b.quotePrefix and c.value == 3 and d.quotePrefix
