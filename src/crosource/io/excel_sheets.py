"""The layout of the portfolio workbook: its sheets, their columns, and the fields of the
field sheets (Sponsor, Optimize).

The reader, the writer, the template and the README sheet are all driven by `SHEETS`, so that
they cannot disagree about a sheet or a column.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast, get_args

from crosource.domain import taxonomy as tx
from crosource.domain.portfolio import SCHEMA, Preferences
from crosource.io.excel_cells import Kind


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
    "oversight_limit": ("bool", "TRUE keeps oversight staff within oversight_fte; empty = TRUE"),
    "strategic_consistency": (
        "bool",
        "TRUE: one provider per function across a strategic program's studies; empty = FALSE",
    ),
}
RULE_KINDS = {"lock": "locks", "forbid": "forbid"}
