"""Excel workbooks of analysis results: the numbers of a report, ready for a spreadsheet.

The input is the JSON result of a run (`crosource simulate` or `optimize`), as for the HTML
reports; money stays in full units of the portfolio's currency with a thousands format, so that
the cells can be summed and charted again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from crosource import __version__
from crosource.io.excel_cells import escape, guard_workbook
from crosource.report.labels import COMPONENT_LABELS, function

MONEY = "#,##0"
HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="0B4F8A")
STATISTICS = (
    ("mean", "mean"),
    ("p10", "P10"),
    ("p50", "P50"),
    ("p90", "P90"),
    ("cvar90", "CVaR90"),
)


def _sheet(
    book: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    currency: str = "",
) -> None:
    sheet: Worksheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    for row in rows:
        sheet.append([_text(v) for v in row])
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(len(name) + 4, 48))
        if currency and name.endswith(f"({currency})"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = MONEY
    sheet.freeze_panes = "B2"


def _about(book: Workbook, title: str, lines: Sequence[tuple[str, Any]]) -> None:
    sheet: Worksheet = book.active
    sheet.title = "About"
    sheet.append([_text(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in lines:
        sheet.append([_text(v) for v in line])
    sheet.append(["generated", dt.date.today().isoformat()])
    sheet.append(["crosource", __version__])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


def _components(scenarios: Sequence[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for s in scenarios:
        found += [c for c in s.get("components_mean_usd", {}) if c not in found]
    return found


def _simulation_sheets(book: Workbook, result: dict[str, Any], currency: str) -> None:
    scenarios: list[dict[str, Any]] = result["scenarios"]
    components = _components(scenarios)
    header = ["Scenario", "Description"]
    header += [f"Cash TCO {label} ({currency})" for _, label in STATISTICS]
    header += [f"Economic cost {label} ({currency})" for _, label in STATISTICS]
    header += [f"Mean {COMPONENT_LABELS.get(c, c).lower()} ({currency})" for c in components]
    rows = [
        [s["name"], s.get("description", "")]
        + [s["cash_tco_usd"][k] for k, _ in STATISTICS]
        + [s["economic_cost_usd"][k] for k, _ in STATISTICS]
        + [s["components_mean_usd"].get(c, 0.0) for c in components]
        for s in scenarios
    ]
    _sheet(book, "Summary", header, rows, currency)
    completion = [
        [
            s["name"],
            c["study"],
            c["start"],
            c["p10_date"],
            c["p50_date"],
            c["p90_date"],
            c["mean_months"],
            c["p50_months"],
        ]
        for s in scenarios
        for c in s.get("completion", [])
    ]
    _sheet(
        book,
        "Completion",
        [
            "Scenario",
            "Study",
            "Start",
            "P10 date",
            "P50 date",
            "P90 date",
            "Mean months",
            "P50 months",
        ],
        completion,
    )
    comparisons = result.get("comparisons") or []
    if comparisons:
        _sheet(
            book,
            "Comparisons",
            ["A", "B", "Share of draws where A is cheaper"]
            + [f"A minus B, {label} ({currency})" for label in ("mean", "P10", "P50", "P90")],
            [
                [c["a"], c["b"], c["probability_a_cheaper"]]
                + [c["difference_usd"][k] for k in ("mean", "p10", "p50", "p90")]
                for c in comparisons
            ],
            currency,
        )


def simulation_workbook(title: str, result: dict[str, Any], currency: str = "USD") -> bytes:
    """A Monte Carlo run: summary per scenario, completion dates, pairwise comparisons."""
    book = Workbook()
    _about(book, title, [("draws per scenario", result["draws"]), ("seed", result["seed"])])
    _simulation_sheets(book, result, currency)
    return _bytes(book)


def optimize_workbook(title: str, result: dict[str, Any], currency: str = "USD") -> bytes:
    """An optimizer run: its status and cost, the plan, and its Monte Carlo check if any."""
    book = Workbook()
    lines: list[tuple[str, Any]] = [
        ("status", result["status"]),
        ("objective", result.get("objective", "")),
        (f"cash TCO of the plan ({currency})", result.get("cash_tco_usd")),
        (f"economic cost of the plan ({currency})", result.get("economic_cost_usd")),
    ]
    _about(book, title, lines)
    _sheet(
        book,
        "Plan",
        ["Study", "Function", "Delivery model", "Provider"],
        [
            [p["study"], function(p["function"]), p["model"], p["provider"] or "sponsor"]
            for p in result.get("plan", [])
        ],
    )
    check = result.get("check")
    if check and check.get("scenarios"):
        _simulation_sheets(book, check, currency)
    return _bytes(book)


def _text(value: Any) -> Any:
    # Characters XML cannot hold (a carriage return would come back as a line feed) go in
    # OOXML's _xHHHH_ form, as Excel writes them.
    return escape(value) if isinstance(value, str) else value


def _bytes(book: Workbook) -> bytes:
    guard_workbook(book)  # a plan named =HYPERLINK(...) stays text, never a live formula
    out = BytesIO()
    book.save(out)
    return out.getvalue()
