"""The layout of the portfolio workbook: its sheets and columns, how cells hold values, README.

The reader, the writer, the template and the README sheet are all driven by `SHEETS`, so that
they cannot disagree about a sheet or a column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from crosource import catalog
from crosource.domain.portfolio import SCHEMA, Portfolio, Preferences
from crosource.domain.references import SCORE_CRITERIA
from crosource.domain.taxonomy import (
    DELIVERY_MODELS,
    FUNCTIONS,
    LEVELS,
    PHASES,
    PROVIDER_KINDS,
    PROVIDER_MODELS,
    REGIONS,
    RELATIONSHIPS,
    STAGES,
    THERAPEUTIC_AREAS,
)

# text: free text or an id; number, bool, date: one value; list: `a; b`; map: `key:number; ...`;
# value: a number or a map (assumptions).
Kind = Literal["text", "number", "bool", "date", "list", "map", "value"]


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


def _ids(values: tuple[str, ...] | list[str]) -> str:
    return " | ".join(values)


def _col(name: str, kind: Kind, help: str, required: bool = False) -> Column:
    return Column(name, kind, help, required)


_FIELD = _col("field", "text", "the field name (listed below)", True)
_VALUE = _col("value", "value", "its value; empty = the default", True)
_ASSIGNMENT = (
    _col("study", "text", 'study id, or "*" for every study', True),
    _col("function", "text", "function id", True),
    _col("model", "text", _ids(DELIVERY_MODELS), True),
    _col("provider", "text", "provider id; empty for in_house"),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet("Sponsor", "The sponsor, one field per row; also the file's schema and currency.",
          (_FIELD, _VALUE), required=True),
    Sheet("Internal", "Internal staff by function; a function not listed cannot be in-house.", (
        _col("function", "text", "function id", True),
        _col("fte", "number", "internal FTE available", True),
        _col("maturity", "number", "0 (none) to 4 (best in class)", True),
    )),
    Sheet("Programs", "One row per program.", (
        _col("id", "text", "program id (permanent)", True),
        _col("name", "text", "label"),
        _col("therapeutic_area", "text", "therapeutic area id", True),
        _col("rare_disease", "bool", "TRUE/FALSE; default FALSE"),
        _col("modality", "text", "e.g. small_molecule; may be empty"),
        _col("commercial_intent", "bool", "TRUE/FALSE; default TRUE"),
        _col("value_of_a_day_usd", "number", "empty = default from phase"),
    ), required=True),
    Sheet("Studies", "One row per study; its demand is on the Demand sheet.", (
        _col("id", "text", "study id (permanent)", True),
        _col("program", "text", "program id from Programs", True),
        _col("phase", "text", f'{_ids(PHASES)} (as text, e.g. "2")', True),
        _col("start", "date", "an Excel date or YYYY-MM-DD", True),
        _col("regions", "map", "sites per region: north_america:25; western_europe:15", True),
        _col("patients", "number", "whole number, more than 0", True),
        _col("enrollment_rate", "number", "mean patients per site per month", True),
        _col("treatment_followup_months", "number", "default 0"),
        _col("complexity", "text", f"{_ids(LEVELS)}; default medium"),
        _col("adaptive_design", "bool", "TRUE/FALSE; default FALSE"),
        _col("pivotal", "bool", "TRUE/FALSE; default FALSE"),
        _col("feasibility_only", "bool", "TRUE/FALSE; default FALSE"),
    ), required=True),
    Sheet("Demand", "FTE-months a study needs, one row per study and function.", (
        _col("study", "text", "study id from Studies", True),
        _col("function", "text", "function id", True),
        _col("fte_months", "number", "FTE-months, at least 0", True),
    )),
    Sheet("Providers", "One row per candidate provider; functions on ProviderFunctions.", (
        _col("id", "text", "provider id (permanent)", True),
        _col("name", "text", "label"),
        _col("kind", "text", _ids(PROVIDER_KINDS), True),
        _col("models", "list", f"models offered, e.g. fso; fsp ({_ids(PROVIDER_MODELS)})", True),
        _col("regions", "list", "regions covered, e.g. north_america; western_europe"),
        _col("therapeutic_areas", "map", "expertise 0-4, e.g. oncology:4; rare_disease:2"),
    )),
    Sheet("ProviderFunctions", "The functions a provider offers, one row each.", (
        _col("provider", "text", "provider id from Providers", True),
        _col("function", "text", "function id", True),
        _col("capacity_fte", "number", "FTE at any time; empty = no limit"),
    )),
    Sheet("Rates", "Price per FTE-month by provider, function and region.", (
        _col("provider", "text", "provider id from Providers", True),
        _col("function", "text", "a function the provider offers", True),
        _col("region", "text", "region id, or default for every other region", True),
        _col("usd", "number", "USD per FTE-month, more than 0", True),
    )),
    Sheet("Scores", "Provider scores by criterion, 0 to 4.", (
        _col("provider", "text", "provider id from Providers", True),
        _col("criterion", "text", "criterion id (listed below)", True),
        _col("score", "number", "0 to 4", True),
    )),
    Sheet("Assumptions", "Overrides of the cost model's assumptions, by id.", (
        _col("id", "text", "assumption id (listed below)", True),
        _col("value", "value", "a number, or key: value; key: value for a map", True),
    )),
    Sheet("Plans", "Sourcing plans: one row per assignment; rows with the same plan form a plan.", (
        _col("plan", "text", "plan name", True),
        _col("base", "text", "recommended = fill what the plan leaves out from the "
             "recommendation; write it on any row of the plan (the writer repeats it)"),
        *_ASSIGNMENT,
    )),
    Sheet("Relationships", "Relationship choices of a plan; the plan must be on Plans.", (
        _col("plan", "text", "plan name from Plans", True),
        _col("program", "text", "program id", True),
        _col("provider", "text", "provider id", True),
        _col("type", "text", _ids(RELATIONSHIPS), True),
    )),
    Sheet("Optimize", "Optimizer settings, one field per row; all empty = no settings.",
          (_FIELD, _VALUE)),
    Sheet("OptimizeRules", "Optimizer locks (must be kept) and forbids (must not be used).", (
        _col("kind", "text", "lock | forbid", True),
        *_ASSIGNMENT,
    )),
)
SHEET_BY_KEY = {sheet.name.lower(): sheet for sheet in SHEETS}
README = "README"

# Field sheets (field, value): the kind of each field's value and what the README says of it.
def _sponsor_fields() -> dict[str, tuple[Kind, str]]:
    fields: dict[str, tuple[Kind, str]] = {
        "schema": ("text", f"{SCHEMA} (empty = this)"),
        "currency": ("text", "three capital letters; empty = USD"),
        "name": ("text", "the sponsor's name (required)"),
        "stage": ("text", f"{_ids(STAGES)}; empty = clinical"),
        "internal_cost_per_fte_month": ("number", "USD; empty = 18000"),
        "oversight_fte": ("number", "staff available to oversee providers; empty = 0"),
    }
    # Derived from the model so that a new preference cannot be forgotten here.
    for name, info in Preferences.model_fields.items():
        if info.annotation is bool:
            fields[f"preferences.{name}"] = ("bool", f"TRUE/FALSE; empty = {info.default}")
        else:
            fields[f"preferences.{name}"] = ("text", f"{_ids(LEVELS)}; empty = {info.default}")
    return fields


SPONSOR_FIELDS = _sponsor_fields()
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
_EXACT_INT = 2**53  # larger integers lose digits as Excel numbers; they go as text


def unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def escape(text: str) -> str:
    return _TO_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
    for item in value.split(";"):
        if not item.strip():
            continue
        key, colon, number = item.partition(":")
        key = key.strip()
        if not colon or not key:
            raise CellError(f"{item.strip()!r} is not key:value; write it like {example!r}")
        if key in out:
            raise CellError(f"{key!r} is given twice")
        try:
            out[key] = parse_number(number)
        except CellError as exc:
            raise CellError(f"{exc} (in {item.strip()!r}); write it like {example!r}") from None
    return out


def decode(kind: Kind, value: Any, example: str = "key:1; key:2") -> Any:
    """The data value of a cell, MISSING if empty; raises CellError if it cannot be read.

    Values are passed on as they are where the validator gives a good message for a wrong one.
    """
    if kind == "text":
        return MISSING if value is None else as_text(value)
    if is_empty(value):
        return MISSING
    if kind == "bool" and isinstance(value, str):
        word = value.strip().lower()
        return {"true": True, "yes": True, "false": False, "no": False}.get(word, value)
    if kind == "number" and isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # not silently 1 or 0
    if kind == "date" and isinstance(value, str):
        return value.strip()
    if kind == "date" and isinstance(value, int | float) and not isinstance(value, bool):
        return as_text(value)  # a serial number, not a date; the validator says so
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
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT_INT:
        return str(value)
    return value


# --- writing -----------------------------------------------------------------------------------


def _field_rows(fields: dict[str, tuple[Kind, str]], values: dict[str, Any]) -> list[list[Any]]:
    return [[field, encode(kind, values.get(field))] for field, (kind, _) in fields.items()]


def _assignment_rows(prefix: list[Any], items: list[Any]) -> list[list[Any]]:
    return [[*prefix, a.study, a.function, a.model, a.provider] for a in items]


def portfolio_rows(p: Portfolio) -> dict[str, list[list[Any]]]:
    """Every sheet's rows (without the header), in the order of `Sheet.columns`."""
    s = p.sponsor
    sponsor = {"schema": p.schema_, "currency": p.currency, "name": s.name, "stage": s.stage,
               "internal_cost_per_fte_month": s.internal_cost_per_fte_month,
               "oversight_fte": s.oversight_fte}
    sponsor |= {f"preferences.{k}": v for k, v in s.preferences.model_dump().items()}
    rows: dict[str, list[list[Any]]] = {sheet.name: [] for sheet in SHEETS}
    rows["Sponsor"] = _field_rows(SPONSOR_FIELDS, sponsor)
    rows["Internal"] = [[f, c.fte, c.maturity] for f, c in s.internal.items()]
    for sheet, items in (("Programs", p.programs), ("Studies", p.studies),
                         ("Providers", p.providers)):
        spec = SHEET_BY_KEY[sheet.lower()]
        rows[sheet] = [[encode(c.kind, getattr(item, c.name)) for c in spec.columns]
                       for item in items]
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
        rows["Relationships"] += [[plan.name, r.program, r.provider, r.type]
                                  for r in plan.relationships]
    if p.optimize is not None:
        rows["Optimize"] = _field_rows(OPTIMIZE_FIELDS, p.optimize.model_dump())
        rows["OptimizeRules"] = _assignment_rows(["lock"], p.optimize.locks)
        rows["OptimizeRules"] += _assignment_rows(["forbid"], p.optimize.forbid)
    else:
        rows["Optimize"] = _field_rows(OPTIMIZE_FIELDS, {})
    return rows


def template_rows() -> dict[str, list[list[Any]]]:
    rows: dict[str, list[list[Any]]] = {sheet.name: [] for sheet in SHEETS}
    rows["Sponsor"] = _field_rows(SPONSOR_FIELDS, {})
    rows["Optimize"] = _field_rows(OPTIMIZE_FIELDS, {})
    return rows


def _fields_help(fields: dict[str, tuple[Kind, str]]) -> str:
    return "\n".join(f"  {name}: {help}" for name, (_, help) in fields.items())


def _columns_help(sheet: Sheet) -> str:
    lines = [f"{c.name}: {c.help}{' (column required)' if c.required else ''}"
             for c in sheet.columns]
    if sheet.name == "Sponsor":
        lines.append("Fields:\n" + _fields_help(SPONSOR_FIELDS))
    if sheet.name == "Optimize":
        lines.append("Fields:\n" + _fields_help(OPTIMIZE_FIELDS))
    return "\n".join(lines)


CONVENTIONS: tuple[tuple[str, str], ...] = (
    ("Headers", "Row 1 of each sheet names its columns, spelled as the YAML fields of the "
     "portfolio format. Unknown sheets and unknown columns are errors; this README is not read. "
     "Sheets other than Sponsor, Programs and Studies may be left out."),
    ("Cells", "Empty rows are skipped. An empty cell means the field's default, or an error for "
     "a required field. Enter values, not formulas: a formula without a saved value is an error."),
    ("true/false", "TRUE/FALSE cells, or the text true, false, yes or no."),
    ("Dates", "Excel dates, or text as YYYY-MM-DD."),
    ("Lists and maps", "A list as a; b; c. A map as key:value; key:value (spaces allowed)."),
    ("Plans", "One row per assignment. A plan's base goes in its base column: write "
     "recommended on any row of the plan (the writer repeats it on each); leave it empty on "
     "every row for no base. A plan without assignments is a row with only plan (and base)."),
    ("Optimize", "Optimizer settings are present when any Optimize value or any OptimizeRules "
     "row is filled in; leave both empty for none. Locks and forbids are OptimizeRules rows, "
     "kind lock or forbid, with the columns of a plan assignment."),
    ("Rates", "A rate for region default applies to every region without its own rate. A row "
     "with neither region nor usd lists the function without rates."),
)


def _vocabularies() -> list[tuple[str, str]]:
    assumptions = [
        f"{a['id']}" + (f" (map: {', '.join(str(k) for k in a['keys'])})" if a.get("keys") else "")
        for a in catalog.entries("assumptions")
    ]
    return [
        ("function ids", ", ".join(FUNCTIONS)),
        ("delivery models", ", ".join(DELIVERY_MODELS)),
        ("provider kinds", ", ".join(PROVIDER_KINDS)),
        ("region ids", ", ".join(REGIONS)),
        ("therapeutic areas", ", ".join(THERAPEUTIC_AREAS)),
        ("phases", ", ".join(PHASES)),
        ("levels", ", ".join(LEVELS)),
        ("stages", ", ".join(STAGES)),
        ("relationships", ", ".join(RELATIONSHIPS)),
        ("score criteria", ", ".join(SCORE_CRITERIA)),
        ("assumption ids", ", ".join(assumptions)),
    ]


def readme_rows() -> list[list[Any]]:
    """The README sheet: one row per sheet (what it holds, its columns), conventions, ids."""
    rows: list[list[Any]] = [[f"crosource portfolio workbook ({SCHEMA})", None, None], []]
    rows.append(["sheet", "what it holds", "columns"])
    rows += [[sheet.name, sheet.purpose, _columns_help(sheet)] for sheet in SHEETS]
    rows += [[], ["convention", "", ""]]
    rows += [[name, text, None] for name, text in CONVENTIONS]
    rows += [[], ["vocabulary", "ids", None]]
    rows += [[name, ids, None] for name, ids in _vocabularies()]
    return rows

