"""The rows of a workbook's sheets turned into the data a YAML file would give, with the sheet,
row and column of every value, so that the validator's problems can be shown where a person
finds them. The tables come from `excel_io`, which reads them from the file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crosource import catalog
from crosource.domain.references import SCORE_CRITERIA
from crosource.domain.taxonomy import FUNCTIONS, REGIONS
from crosource.io import excel_sheets as xs
from crosource.io.errors import FileProblem, Locator, render_path
from crosource.io.excel_cells import MISSING, CellError, Kind, decode, is_empty, trim

_ASSIGNMENT = ("study", "function", "model", "provider")
_PARENTS = {"study": "Studies", "provider": "Providers", "plan": "Plans"}


class Problems(list[FileProblem]):
    """Every problem of one file, collected so that they are reported together."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def add(self, where: str, message: str) -> None:
        self.append(FileProblem(self.file, where, message))


@dataclass
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Table:
    spec: xs.Sheet
    title: str
    rows: list[Row] = field(default_factory=list)


def to_data(tables: dict[str, Table], problems: Problems) -> tuple[dict[str, Any], Locator]:
    """The portfolio data of the tables and where each value came from; every problem found
    is added to `problems`."""
    assembler = _Assembler(tables, problems)
    return _build(assembler), _locator(assembler.places)


class _Assembler:
    """Builds the portfolio data from the tables, recording where each value came from."""

    def __init__(self, tables: dict[str, Table], problems: Problems):
        self.tables, self.problems = tables, problems
        self.places: dict[tuple[str, ...], str] = {}

    def table(self, name: str) -> Table:
        spec = xs.SHEET_BY_KEY[name.lower()]
        if name not in self.tables and spec.required:
            self.problems.add("", f"has no sheet {name}")
        return self.tables.get(name) or Table(spec, name)

    def at(self, table: Table, row: Row | None = None, column: str | None = None) -> str:
        place = f"sheet {table.title}" + (f", row {row.number}" if row else "")
        return place + (f", column {column}" if column else "")

    def problem(self, table: Table, row: Row, column: str, message: str) -> None:
        self.problems.add(self.at(table, row, column), message)

    def mark(self, path: Iterable[str | int], where: str) -> None:
        self.places.setdefault(tuple(str(p) for p in path), where)  # the first place wins

    def cell(self, table: Table, row: Row, column: str, kind: Kind | None = None) -> Any:
        try:
            return decode(
                kind or table.spec.kind(column),
                row.values.get(column),
                xs.EXAMPLES.get(column, "key:1; key:2"),
            )
        except CellError as exc:
            self.problem(table, row, column, str(exc))
            return MISSING

    def key(self, table: Table, row: Row, column: str) -> str | None:
        value = self.cell(table, row, column, "text")
        if value is MISSING:
            self.problem(table, row, column, f"{column} is empty; every row needs one")
            return None
        return str(value)

    def needed(self, table: Table, row: Row, column: str) -> Any:
        value = self.cell(table, row, column)
        if value is MISSING and is_empty(row.values.get(column)):  # else `cell` reported it
            self.problem(table, row, column, f"{column} is empty; fill it in or delete the row")
        return value

    def once(self, seen: dict[Any, int], key: Any, table: Table, row: Row, column: str) -> bool:
        if key in seen:
            self.problem(table, row, column, f"repeats row {seen[key]}; give it once")
            return False
        seen[key] = row.number
        return True

    def lookup(self, index: dict[str, int], table: Table, row: Row, column: str) -> int | None:
        value = self.key(table, row, column)
        if value is not None and value not in index:
            known = ", ".join(list(index)[:10]) + (
                f" and {len(index) - 10} more" * (len(index) > 10)
            )
            sheet = _PARENTS[column]
            self.problem(
                table,
                row,
                column,
                f"{column} {value!r} is not on the {sheet} sheet; "
                f"expected one of: {known or 'none defined'}",
            )
        return None if value is None else index.get(value)

    def item(
        self, table: Table, row: Row, path: tuple[str | int, ...], columns: Iterable[str]
    ) -> dict[str, Any]:
        self.mark(path, self.at(table, row))
        out: dict[str, Any] = {}
        for column in columns:
            self.mark((*path, column), self.at(table, row, column))
            if (value := self.cell(table, row, column)) is not MISSING:
                out[column] = value
        return out

    def entries(
        self, table: Table, index: dict[str, int] | None, parent: str, key: str, value: str | None
    ) -> Iterator[tuple[int, str, Any, Row]]:
        """Rows giving one value per (parent, key), e.g. (study, function) to fte_months."""
        seen: dict[Any, int] = {}
        for row in table.rows:
            i = 0 if index is None else self.lookup(index, table, row, parent)
            name = self.key(table, row, key)
            if i is None or name is None or not self.once(seen, (i, name), table, row, key):
                continue
            found = MISSING if value is None else self.needed(table, row, value)
            if value is None or found is not MISSING:
                yield i, name, found, row

    def fields(
        self,
        table: Table,
        fields: dict[str, tuple[Kind, str]],
        path_of: Callable[[str], tuple[str, ...]],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for _, name, _, row in self.entries(table, None, "", "field", None):
            if name.lower() not in fields:
                self.problem(
                    table,
                    row,
                    "field",
                    f"unknown field {name!r}; expected one of: {', '.join(fields)}",
                )
                continue
            self.mark(path_of(name.lower()), self.at(table, row, "value"))
            value = self.cell(table, row, "value", fields[name.lower()][0])
            if value is not MISSING:
                out[name.lower()] = value
        return out


def _index(items: list[dict[str, Any]], key: str = "id") -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        if isinstance(item.get(key), str):
            index.setdefault(trim(item[key]), i)
    return index


def _build(a: _Assembler) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _sponsor(a, data)
    for sheet, key in (
        ("Programs", "programs"),
        ("Studies", "studies"),
        ("Providers", "providers"),
    ):
        table = a.table(sheet)
        a.mark((key,), a.at(table))
        data[key] = [
            a.item(table, row, (key, i), table.spec.column_names)
            for i, row in enumerate(table.rows)
        ]
    studies, providers = data["studies"], data["providers"]
    demand = a.table("Demand")
    for i, function, value, row in a.entries(
        demand, _index(studies), "study", "function", "fte_months"
    ):
        studies[i].setdefault("demand", {})[function] = value
        column = "fte_months" if function in FUNCTIONS else "function"
        a.mark(("studies", i, "demand", function), a.at(demand, row, column))
    _provider_functions(a, providers)
    _rates(a, providers)
    scores = a.table("Scores")
    for i, criterion, value, row in a.entries(
        scores, _index(providers), "provider", "criterion", "score"
    ):
        providers[i].setdefault("scores", {})[criterion] = value
        column = "score" if criterion in SCORE_CRITERIA else "criterion"
        a.mark(("providers", i, "scores", criterion), a.at(scores, row, column))
    assumptions, known = a.table("Assumptions"), catalog.by_id("assumptions")
    a.mark(("assumptions",), a.at(assumptions))
    data["assumptions"] = {}
    for _, key, value, row in a.entries(assumptions, None, "", "id", "value"):
        data["assumptions"][key] = value
        a.mark(("assumptions", key), a.at(assumptions, row, "value" if key in known else "id"))
    data["plans"] = _plans(a)
    if (optimize := _optimize(a)) is not None:
        data["optimize"] = optimize
    return data


def _sponsor(a: _Assembler, data: dict[str, Any]) -> None:
    table, top = a.table("Sponsor"), {"schema", "currency"}
    a.mark(("sponsor",), a.at(table))
    sponsor: dict[str, Any] = {}
    values = a.fields(
        table, xs.SPONSOR_FIELDS, lambda f: (f,) if f in top else ("sponsor", *f.split("."))
    )
    for name, value in values.items():
        if name in top:
            data[name] = value
        elif name.startswith("preferences."):
            sponsor.setdefault("preferences", {})[name.split(".", 1)[1]] = value
        else:
            sponsor[name] = value
    internal = a.table("Internal")
    a.mark(("sponsor", "internal"), a.at(internal))
    for _, function, _, row in a.entries(internal, None, "", "function", None):
        path = ("sponsor", "internal", function)
        a.mark(path, a.at(internal, row, None if function in FUNCTIONS else "function"))
        sponsor.setdefault("internal", {})[function] = a.item(
            internal, row, path, ("fte", "maturity")
        )
    data["sponsor"] = sponsor


def _provider_functions(a: _Assembler, providers: list[dict[str, Any]]) -> None:
    table, index = a.table("ProviderFunctions"), _index(providers)
    for i, provider in enumerate(providers):
        # Every provider gets a list, so that one without rows is reported as having none.
        provider["functions"] = []
        a.mark(
            ("providers", i, "functions"),
            f"{a.at(table)}, rows of provider {provider.get('id', i + 1)}",
        )
    seen: dict[Any, int] = {}
    for row in table.rows:
        p = a.lookup(index, table, row, "provider")
        function = a.key(table, row, "function")
        if p is None or function is None:
            continue
        functions = providers[p]["functions"]
        a.mark(("providers", p, "functions", len(functions)), a.at(table, row, "function"))
        functions.append(function)  # a function listed twice is kept twice, as in YAML
        capacity = a.cell(table, row, "capacity_fte")
        if capacity is not MISSING and a.once(seen, (p, function), table, row, "capacity_fte"):
            providers[p].setdefault("capacity_fte", {})[function] = capacity
            column = "capacity_fte" if function in FUNCTIONS else "function"
            a.mark(("providers", p, "capacity_fte", function), a.at(table, row, column))


def _rates(a: _Assembler, providers: list[dict[str, Any]]) -> None:
    table, index, seen = a.table("Rates"), _index(providers), dict[Any, int]()
    for row in table.rows:
        i = a.lookup(index, table, row, "provider")
        function = a.key(table, row, "function")
        if i is None or function is None:
            continue
        path = ("providers", i, "rates_usd_per_fte_month", function)
        by_region = providers[i].setdefault(path[2], {}).setdefault(function, {})
        a.mark(path[:3], a.at(table))
        a.mark(path, a.at(table, row, "function"))
        if is_empty(row.values.get("region")) and is_empty(row.values.get("usd")):
            continue  # the function listed without rates (README, Rates)
        region, usd = a.needed(table, row, "region"), a.needed(table, row, "usd")
        if MISSING not in (region, usd) and a.once(seen, (*path, region), table, row, "region"):
            by_region[region] = usd
            column = "usd" if region in REGIONS or region == "default" else "region"
            a.mark((*path, region), a.at(table, row, column))


def _plans(a: _Assembler) -> list[dict[str, Any]]:
    table = a.table("Plans")
    a.mark(("plans",), a.at(table))
    plans: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    base_row: dict[int, int] = {}
    for row in table.rows:
        if (name := a.key(table, row, "plan")) is None:
            continue
        if name not in index:
            index[name] = len(plans)
            plans.append({"name": name, "assignments": [], "relationships": []})
            a.mark(("plans", index[name]), a.at(table, row, "plan"))
            a.mark(("plans", index[name], "assignments"), f"{a.at(table)}, rows of plan {name}")
        i, plan = index[name], plans[index[name]]
        base = a.cell(table, row, "base")
        if base is not MISSING and "base" in plan and plan["base"] != base:
            a.problem(
                table,
                row,
                "base",
                f"plan {name} has base {plan['base']!r} on row "
                f"{base_row[i]}; give one base per plan",
            )
        elif base is not MISSING:
            plan["base"], base_row[i] = base, row.number
            a.mark(("plans", i, "base"), a.at(table, row, "base"))
        if any(not is_empty(row.values.get(c)) for c in _ASSIGNMENT):
            path = ("plans", i, "assignments", len(plan["assignments"]))
            plan["assignments"].append(a.item(table, row, path, _ASSIGNMENT))
    relationships = a.table("Relationships")
    for row in relationships.rows:
        if (found := a.lookup(index, relationships, row, "plan")) is not None:
            items = plans[found]["relationships"]
            path = ("plans", found, "relationships", len(items))
            items.append(a.item(relationships, row, path, ("program", "provider", "type")))
    return plans


def _optimize(a: _Assembler) -> dict[str, Any] | None:
    table, rules = a.table("Optimize"), a.table("OptimizeRules")
    a.mark(("optimize",), a.at(table))
    settings = a.fields(table, xs.OPTIMIZE_FIELDS, lambda f: ("optimize", f))
    lists: dict[str, list[Any]] = {"locks": [], "forbid": []}
    for row in rules.rows:
        kind = a.cell(rules, row, "kind")
        target = xs.RULE_KINDS.get(str(kind).lower()) if kind is not MISSING else None
        if target is None:
            shown = "nothing" if kind is MISSING else repr(kind)
            a.problem(rules, row, "kind", f"expected lock or forbid, got {shown}")
            continue
        a.mark(("optimize", target), a.at(rules))
        path = ("optimize", target, len(lists[target]))
        lists[target].append(a.item(rules, row, path, _ASSIGNMENT))
    if not settings and not rules.rows:
        return None  # no settings at all, as when `optimize` is left out of the YAML
    return {**settings, **lists}


def _locator(places: dict[tuple[str, ...], str]) -> Locator:
    def locate(path: tuple[str | int, ...]) -> str:
        parts = tuple(str(p) for p in path)
        for end in range(len(parts), 0, -1):
            if parts[:end] in places:
                return places[parts[:end]]
        return render_path(path)

    return locate
