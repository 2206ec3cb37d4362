"""The layout of the portfolio workbook (sheets, columns, README), its cells, and its writing.

The reader, the writer, the template and the README sheet are all driven by `SHEETS`, so that
they cannot disagree about a sheet or a column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from crosource import catalog
from crosource.domain import taxonomy as tx
from crosource.domain.portfolio import SCHEMA, Portfolio, Preferences
from crosource.domain.references import SCORE_CRITERIA

# text: an id or a vocabulary value (trimmed); label: free text, kept exactly; number, bool,
# date: one value; list: `a; b`; map: `key:number; ...`; value: a number or a map (assumptions).
Kind = Literal["text", "label", "number", "bool", "date", "list", "map", "value"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    help: str
    required: bool = False  # the sheet must have this column (not: every cell must be filled)


@dataclass(frozen=True)
class Sheet:
    name: str
    purpose: str
    columns: tuple[Column, ...]
    required: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def kind(self, column: str) -> Kind:
        return next(c.kind for c in self.columns if c.name == column)


def _ids(values: tuple[str, ...]) -> str:
    return " | ".join(values)


# One block per sheet: its name and what it holds, then one line per column: name, kind, help.
# A star marks a required sheet, or a column the sheet must have (its cells may still be empty).
_LAYOUT = """
Sponsor* | The sponsor, one field per row; also the file's schema and currency.
  field* text | the field name (listed below)
  value* value | its value; empty = the default
Internal | Internal staff by function; a function not listed cannot be in-house.
  function* text | function id
  fte* number | internal FTE available
  maturity* number | 0 (none) to 4 (best in class)
Programs* | One row per program.
  id* text | program id (permanent)
  name label | label
  therapeutic_area* text | therapeutic area id
  rare_disease bool | TRUE/FALSE; default FALSE
  modality label | e.g. small_molecule
  commercial_intent bool | TRUE/FALSE; default TRUE
  value_of_a_day_usd number | empty = default from phase
Studies* | One row per study; its demand is on the Demand sheet.
  id* text | study id (permanent)
  program* text | program id from Programs
  phase* text | {phases}, as text ("2")
  start* date | an Excel date or YYYY-MM-DD
  regions* map | sites per region: north_america:25; western_europe:15
  patients* number | whole number, more than 0
  enrollment_rate* number | mean patients per site per month
  treatment_followup_months number | default 0
  complexity text | {levels}; default medium
  adaptive_design bool | TRUE/FALSE; default FALSE
  pivotal bool | TRUE/FALSE; default FALSE
  feasibility_only bool | TRUE/FALSE; default FALSE
Demand | FTE-months a study needs, one row per study and function.
  study* text | study id from Studies
  function* text | function id
  fte_months* number | FTE-months, at least 0
Providers | One row per candidate provider; its functions are on ProviderFunctions.
  id* text | provider id (permanent)
  name label | label
  kind* text | {kinds}
  models* list | models offered, e.g. fso; fsp ({provider_models})
  regions list | regions covered, e.g. north_america; western_europe
  therapeutic_areas map | expertise 0-4, e.g. oncology:4; rare_disease:2
ProviderFunctions | The functions a provider offers, one row each.
  provider* text | provider id from Providers
  function* text | function id
  capacity_fte number | FTE at any time; empty = no limit
Rates | Price per FTE-month by provider, function and region.
  provider* text | provider id from Providers
  function* text | a function the provider offers
  region* text | region id, or default for every other region
  usd* number | USD per FTE-month, more than 0
Scores | Provider scores by criterion, 0 to 4.
  provider* text | provider id from Providers
  criterion* text | criterion id (listed below)
  score* number | 0 to 4
Assumptions | Overrides of the cost model's assumptions, by id.
  id* text | assumption id (listed below)
  value* value | a number, or key: value; key: value for a map
Plans | Sourcing plans: one row per assignment; the rows with the same plan form a plan.
  plan* text | plan name
  base text | recommended: fill what the plan leaves out from the recommendation
  study* text | study id, or "*" for every study
  function* text | function id
  model* text | {models}
  provider text | provider id; empty for in_house
Relationships | Relationship choices of a plan; the plan must be on Plans.
  plan* text | plan name from Plans
  program* text | program id
  provider* text | provider id
  type* text | {relationships}
Optimize | Optimizer settings, one field per row; all empty = no settings.
  field* text | the field name (listed below)
  value* value | its value; empty = the default
OptimizeRules | Optimizer locks (must be kept) and forbids (must not be used).
  kind* text | lock | forbid
  study* text | study id, or "*" for every study
  function* text | function id
  model* text | {models}
  provider text | provider id; empty for in_house
"""


def _parse_layout(text: str) -> tuple[Sheet, ...]:
    sheets: list[Sheet] = []
    for line in text.strip().splitlines():
        head, _, help = line.partition(" | ")
        name, *kind = head.split()
        required, name = name.endswith("*"), name.rstrip("*")
        if not line.startswith(" "):
            sheets.append(Sheet(name, help, (), required))
            continue
        if kind[0] not in get_args(Kind):
            raise ValueError(f"unknown kind {kind[0]!r} in the workbook layout")
        column = Column(name, cast(Kind, kind[0]), help, required)
        sheets[-1] = replace(sheets[-1], columns=(*sheets[-1].columns, column))
    return tuple(sheets)


SHEETS = _parse_layout(
    _LAYOUT.format(
        phases=_ids(tx.PHASES),
        levels=_ids(tx.LEVELS),
        kinds=_ids(tx.PROVIDER_KINDS),
        provider_models=_ids(tx.PROVIDER_MODELS),
        models=_ids(tx.DELIVERY_MODELS),
        relationships=_ids(tx.RELATIONSHIPS),
    )
)
SHEET_BY_KEY = {sheet.name.lower(): sheet for sheet in SHEETS}
README = "README"
EXAMPLES = {
    "regions": "north_america:25; western_europe:15",
    "therapeutic_areas": "oncology:4; rare_disease:2",
    "value": "low: 0.1; high: 0.3",
}

# Field sheets (field, value): the kind of each field's value and what the README says of it.
# Preferences come from the model, so that a new one cannot be forgotten here.
_PREFERENCES: dict[str, tuple[Kind, str]] = {
    f"preferences.{name}": ("bool", f"TRUE/FALSE; empty = {info.default}")
    if info.annotation is bool
    else ("text", f"{_ids(tx.LEVELS)}; empty = {info.default}")
    for name, info in Preferences.model_fields.items()
}
SPONSOR_FIELDS: dict[str, tuple[Kind, str]] = {
    "schema": ("text", f"{SCHEMA} (empty = this)"),
    "currency": ("text", "three capital letters; empty = USD"),
    "name": ("text", "the sponsor's name (required)"),
    "stage": ("text", f"{_ids(tx.STAGES)}; empty = clinical"),
    "internal_cost_per_fte_month": ("number", "USD; empty = 18000"),
    "oversight_fte": ("number", "staff available to oversee providers; empty = 0"),
    **_PREFERENCES,
}
OPTIMIZE_FIELDS: dict[str, tuple[Kind, str]] = {
    "objective": ("text", "cash | economic; empty = cash"),
    "time_limit_s": ("number", "seconds; empty = 60"),
    "gap": ("number", "relative optimality gap, 0 to 1; empty = 0.005"),
    "max_providers": ("number", "largest number of providers; empty = no limit"),
    "max_share": ("number", "largest share of spend with one provider; empty = no limit"),
}
RULE_KINDS = {"lock": "locks", "forbid": "forbid"}

# --- cells -------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be turned into a value; the message says what is expected."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # an empty cell: the field is left out, so its default applies

# OOXML escapes characters XML cannot hold as _xHHHH_ (Excel writes and reads them so); a
# literal `_xHHHH_` is itself escaped by escaping its underscore. openpyxl leaves this to us.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_TO_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_INTEGER = re.compile(r"[+-]?\d+")
# Excel's calendar starts in 1900 and counts a day that never was; earlier dates go as text.
_FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
_EXACT_INT = 2**53  # larger integers lose digits as Excel numbers


def unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def escape(text: str) -> str:
    return _TO_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


# What the validator trims from ids (Unicode White_Space); str.strip() would also trim
# \x1c-\x1f, and an id the validator keeps must read back the same.
_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f")


def trim(text: str) -> str:
    return text.strip(_SPACE)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not trim(value))


def as_text(value: Any) -> Any:
    """Text of a cell; numbers typed into an id column (101, 2) become their text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return str(int(value)) if float(value).is_integer() else repr(value)


def parse_number(text: str) -> int | float:
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number") from None


def parse_map(value: Any, example: str) -> dict[str, Any]:
    if not isinstance(value, str):
        raise CellError(f"expected text like {example!r}, got {as_text(value)!r}")
    out: dict[str, Any] = {}
    for item in (part.strip() for part in value.split(";")):
        key, colon, number = (part.strip() for part in item.partition(":"))
        if not item:
            continue
        if not colon or not key:
            raise CellError(f"{item!r} is not key:value; write it like {example!r}")
        if key in out:
            raise CellError(f"{key!r} is given twice")
        try:
            out[key] = parse_number(number)
        except CellError as exc:
            raise CellError(f"{exc} (in {item!r}); write it like {example!r}") from None
    return out


def decode(kind: Kind, value: Any, example: str = "key:1; key:2") -> Any:
    """The data value of a cell, MISSING if empty; raises CellError if it cannot be read.

    Values are passed on as they are where the validator gives a good message for a wrong one.
    """
    if kind == "label":
        return MISSING if value is None else as_text(value)
    if is_empty(value):
        return MISSING
    if kind in ("text", "date") and isinstance(value, str):
        return trim(value)
    if kind in ("text", "date"):  # a date as a number is a serial, not a date; validator says so
        return as_text(value)
    if kind == "bool" and isinstance(value, str):
        word = value.strip().lower()
        return {"true": True, "yes": True, "false": False, "no": False}.get(word, value)
    if kind == "number" and isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # not silently 1 or 0
    if kind == "list":
        return [part.strip() for part in str(as_text(value)).split(";") if part.strip()]
    if kind == "map":
        return parse_map(value, example)
    if kind == "value" and isinstance(value, str):
        if ":" in value or value.strip() == "{}":
            return parse_map(value.strip().strip("{}"), example)
        try:
            return parse_number(value)
        except CellError:
            return value
    return value


def format_number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INT:
        return str(int(value))
    return repr(value)


def encode(kind: Kind, value: Any) -> Any:
    """The cell value that `decode` reads back as `value`."""
    if value is None:
        return None
    if kind == "list":
        return "; ".join(str(v) for v in value)
    if kind == "map":  # an empty map is the default, so an empty cell
        return "; ".join(f"{k}:{format_number(v)}" for k, v in value.items()) or None
    if isinstance(value, dict):  # an assumption's map; "{}" keeps an empty one apart from none
        return "; ".join(f"{k}: {format_number(v)}" for k, v in value.items()) or "{}"
    if kind == "date" and isinstance(value, dt.date) and value < _FIRST_EXCEL_DATE:
        return value.isoformat()
    return value


def _exact(value: Any) -> Any:
    """Numbers that an Excel number cell would change (openpyxl writes 16 digits, a float may
    need 17) go as their exact text, which the validator reads as the number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= _EXACT_INT else value
    return value if float(f"{value:.16g}") == value else repr(value)


# --- writing -----------------------------------------------------------------------------------

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
    book.save(file)


def _write_rows(sheet: Any, rows: list[list[Any]]) -> None:
    widths: dict[int, int] = {}
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            text = escape(value) if isinstance(value, str) else _exact(value)
            cell = sheet.cell(row=r, column=c, value=text)
            if isinstance(text, str) and text.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
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


# --- README ------------------------------------------------------------------------------------

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
