"""Writing the portfolio workbook: a portfolio (or nothing, for the template) as the rows of
every sheet, and the rows, with the README sheet, as a formatted .xlsx file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from crosource.domain.portfolio import Portfolio
from crosource.io.excel_cells import Kind, encode, escape, exact, guard_workbook
from crosource.io.excel_readme import readme_rows
from crosource.io.excel_sheets import (
    OPTIMIZE_FIELDS,
    README,
    SHEET_BY_KEY,
    SHEETS,
    SPONSOR_FIELDS,
)

Rows = dict[str, list[list[Any]]]


def _field_rows(fields: dict[str, tuple[Kind, str]], values: dict[str, Any]) -> list[list[Any]]:
    return [[field, encode(kind, values.get(field))] for field, (kind, _) in fields.items()]


def _assignment_rows(prefix: list[Any], items: list[Any]) -> list[list[Any]]:
    return [[*prefix, a.study, a.function, a.model, a.provider] for a in items]


def template_rows() -> Rows:
    rows: Rows = {sheet.name: [] for sheet in SHEETS}
    rows["Sponsor"] = _field_rows(SPONSOR_FIELDS, {})
    rows["Optimize"] = _field_rows(OPTIMIZE_FIELDS, {})
    return rows


def portfolio_rows(p: Portfolio) -> Rows:
    """Every sheet's rows (without the header), in the order of `Sheet.columns`."""
    s = p.sponsor
    rows = template_rows()
    rows["Sponsor"] = _field_rows(
        SPONSOR_FIELDS,
        {
            "schema": p.schema_,
            "currency": p.currency,
            **s.model_dump(exclude={"internal", "preferences"}),
            **{f"preferences.{k}": v for k, v in s.preferences.model_dump().items()},
        },
    )
    rows["Internal"] = [[f, c.fte, c.maturity] for f, c in s.internal.items()]
    for sheet, items in (
        ("Programs", p.programs),
        ("Studies", p.studies),
        ("Providers", p.providers),
    ):
        columns = SHEET_BY_KEY[sheet.lower()].columns
        rows[sheet] = [[encode(c.kind, getattr(item, c.name)) for c in columns] for item in items]
    rows["Demand"] = [[st.id, f, v] for st in p.studies for f, v in st.demand.items()]
    for pr in p.providers:
        capacity = dict(pr.capacity_fte)
        for f in pr.functions:  # capacity once, on the function's first row
            rows["ProviderFunctions"].append([pr.id, f, capacity.pop(f, None)])
        for f, by_region in pr.rates_usd_per_fte_month.items():
            # A function with an empty map of rates keeps its place as a row without a region.
            empty: list[list[Any]] = [[pr.id, f, None, None]]
            rows["Rates"] += [[pr.id, f, r, v] for r, v in by_region.items()] or empty
        rows["Scores"] += [[pr.id, c, v] for c, v in pr.scores.items()]
    rows["Assumptions"] = [[k, encode("value", v)] for k, v in p.assumptions.items()]
    for plan in p.plans:
        prefix = [plan.name, plan.base]
        # A plan without assignments still needs a row on Plans, with only its name (and base).
        rows["Plans"] += _assignment_rows(prefix, plan.assignments) or [prefix]
        rows["Relationships"] += [
            [plan.name, r.program, r.provider, r.type] for r in plan.relationships
        ]
    if p.optimize is not None:
        rows["Optimize"] = _field_rows(OPTIMIZE_FIELDS, p.optimize.model_dump())
        rows["OptimizeRules"] = _assignment_rows(["lock"], p.optimize.locks) + _assignment_rows(
            ["forbid"], p.optimize.forbid
        )
    return rows


def save(rows: Rows, file: Path) -> None:
    """Write the README and every sheet: bold header, frozen header row, fitting widths."""
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = README
    _write_readme(readme)
    for spec in SHEETS:
        sheet = book.create_sheet(spec.name)
        _write_rows(sheet, [list(spec.column_names), *rows[spec.name]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    guard_workbook(book)  # a name like =HYPERLINK(...) stays text
    book.save(file)


def _write_rows(sheet: Any, rows: list[list[Any]]) -> None:
    widths: dict[int, int] = {}
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            text = escape(value) if isinstance(value, str) else exact(value)
            sheet.cell(row=r, column=c, value=text)  # formulas guarded on saving
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            widths[c] = max(widths.get(c, 0), longest)
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)


def _write_readme(sheet: Any) -> None:
    rows = readme_rows()
    _write_rows(sheet, rows)
    for r, values in enumerate(rows, start=1):
        bold = r == 1 or (bool(values) and values[0] in ("sheet", "convention", "vocabulary"))
        for cell in sheet[r]:
            cell.font = Font(bold=bold)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in (("A", 22), ("B", 70), ("C", 90)):
        sheet.column_dimensions[letter].width = width
