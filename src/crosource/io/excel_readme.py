"""The README sheet of the portfolio workbook: what each sheet holds, the conventions of its
cells, and the ids that may be used."""

from __future__ import annotations

import re
from typing import Any

from crosource import catalog
from crosource.domain import taxonomy as tx
from crosource.domain.portfolio import SCHEMA
from crosource.domain.references import SCORE_CRITERIA
from crosource.io.excel_sheets import OPTIMIZE_FIELDS, SHEETS, SPONSOR_FIELDS, Sheet

# The README's conventions: a name, then its text (continued on indented lines).
_CONVENTIONS = """
Headers | Row 1 of each sheet names its columns, spelled as the YAML fields of the portfolio
  format. Unknown sheets and unknown columns are errors; this README sheet is not read. Sheets
  other than Sponsor, Programs and Studies may be left out.
Cells | Empty rows are skipped. An empty cell means the field's default, or an error for a
  required field. Enter values, not formulas: a formula without a saved value is an error.
true/false | TRUE/FALSE cells, or the text true, false, yes or no.
Dates | Excel dates, or text as YYYY-MM-DD.
Lists and maps | A list as a; b; c. A map as key:value; key:value (spaces allowed).
Plans | One row per assignment; the rows with the same plan name form the plan. The plan's base
  goes in the base column: write recommended on any row of the plan (the writer repeats it on
  each); leave it empty on every row for no base. A plan without assignments is one row with
  only plan (and base). Its relationships are on the Relationships sheet.
Optimize | Optimizer settings are present when any Optimize value or any OptimizeRules row is
  filled in; leave both empty for none. Locks and forbids are OptimizeRules rows: kind lock or
  forbid, then the columns of a plan assignment (study, function, model, provider).
Rates | A rate for region default applies to every region without its own rate. A row with
  neither region nor usd lists the function without any rate.
"""
CONVENTIONS = tuple(
    tuple(entry.split(" | ", 1))
    for entry in re.sub(r"\n\s+", " ", _CONVENTIONS.strip()).splitlines()
)


def _columns_help(sheet: Sheet) -> str:
    lines = [
        f"{c.name}: {c.help}{' (column required)' if c.required else ''}" for c in sheet.columns
    ]
    fields = {"Sponsor": SPONSOR_FIELDS, "Optimize": OPTIMIZE_FIELDS}.get(sheet.name, {})
    lines += ["fields:"] * bool(fields) + [f"  {f}: {text}" for f, (_, text) in fields.items()]
    return "\n".join(lines)


def _vocabularies() -> list[tuple[str, tuple[str, ...]]]:
    assumptions = tuple(
        a["id"] + (f" (map: {', '.join(map(str, a['keys']))})" if a.get("keys") else "")
        for a in catalog.entries("assumptions")
    )
    return [
        ("function ids", tx.FUNCTIONS),
        ("delivery models", tx.DELIVERY_MODELS),
        ("provider kinds", tx.PROVIDER_KINDS),
        ("region ids", tx.REGIONS),
        ("therapeutic areas", tx.THERAPEUTIC_AREAS),
        ("phases", tx.PHASES),
        ("levels", tx.LEVELS),
        ("stages", tx.STAGES),
        ("relationships", tx.RELATIONSHIPS),
        ("score criteria", tuple(SCORE_CRITERIA)),
        ("assumption ids", assumptions),
    ]


def readme_rows() -> list[list[Any]]:
    """The README sheet: one row per sheet (what it holds, its columns), conventions, ids."""
    rows: list[list[Any]] = [
        [f"crosource portfolio workbook ({SCHEMA})"],
        [],
        ["sheet", "what it holds", "columns"],
    ]
    rows += [[sheet.name, sheet.purpose, _columns_help(sheet)] for sheet in SHEETS]
    rows += [[], ["convention", "meaning"], *([name, text] for name, text in CONVENTIONS)]
    rows += [[], ["vocabulary", "ids"]]
    rows += [[name, ", ".join(ids)] for name, ids in _vocabularies()]
    return rows
