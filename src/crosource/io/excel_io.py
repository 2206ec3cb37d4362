"""Excel portfolio workbooks (portfolio.md, "Excel workbook"), read as hostile input.

Reading happens in three steps. The zip is inspected before openpyxl sees it (size, members,
compression ratio: a zip bomb is small on disk and huge unpacked). openpyxl then streams the
sheets (read-only, cached values, defusedxml against entity expansion); any failure inside it
means the file is damaged, never a partial success. Last, the rows become the data a YAML file
would give, and every value's sheet, row and column is recorded so that the validator's
problems can be shown where a person finds them. The layout itself is in `excel_sheets`.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from crosource import catalog
from crosource.domain.portfolio import Portfolio
from crosource.domain.references import SCORE_CRITERIA
from crosource.domain.taxonomy import FUNCTIONS, REGIONS
from crosource.io import excel_sheets as xs
from crosource.io.errors import FileProblem, InvalidInput, Locator, render_path
from crosource.io.excel_sheets import MISSING, is_empty

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# Sheet XML compresses 5 to 30 times; zeros or one repeated cell compress about 1000 times.
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 64  # columns read per row; the widest sheet has 12
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_ASSIGNMENT = ("study", "function", "model", "provider")
_PARENTS = {"study": "Studies", "provider": "Providers", "plan": "Plans"}
_NOT_XLSX = "is not an Excel workbook (.xlsx) or is damaged"


def read_workbook(file: Path) -> tuple[Any, Locator]:
    """The data of a workbook, shaped as the YAML of the same portfolio, and where each value
    came from; raises InvalidInput with every problem particular to Excel."""
    name = str(file)
    formulas = _inspect(file, name)
    assembler = _Assembler(*_read_tables(file, name, formulas))
    data = _build(assembler)
    if assembler.problems:
        raise InvalidInput(assembler.problems)
    return data, _locator(assembler.places)


def write_workbook(portfolio: Portfolio, file: Path) -> None:
    xs.save(xs.portfolio_rows(portfolio), file)


def write_template(file: Path) -> None:
    """The empty workbook: every sheet with its header, and the README."""
    xs.save(xs.template_rows(), file)


# --- the file and the zip ----------------------------------------------------------------------


def _inspect(file: Path, name: str) -> bool:
    """Refuse what is too big or not a workbook; True if any sheet holds a formula."""
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InvalidInput.single(name, f"cannot be read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise InvalidInput.single(
            name, f"is {size:,} bytes; the limit for a workbook is {MAX_FILE_BYTES:,} bytes"
        )
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_members(name, members)
            return any(
                _has_formula(archive, m)
                for m in members
                if "worksheets/" in m.filename and m.filename.endswith(".xml")
            )
    except InvalidInput:
        raise
    except Exception as exc:  # zipfile raises many kinds for a damaged file; all mean the same
        raise InvalidInput.single(
            name,
            f"{_NOT_XLSX} ({_reason(exc)}); if it is protected "
            "by a password, save a copy without one",
        ) from None


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise InvalidInput.single(
            name,
            f"refused: it holds {len(members):,} files; a workbook "
            f"has a few dozen (limit {MAX_MEMBERS:,})",
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput.single(
            name,
            f"refused: it unpacks to {unpacked:,} bytes; the limit "
            f"is {MAX_UNPACKED_BYTES:,} bytes (a zip bomb?)",
        )
    for m in members:
        if m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise InvalidInput.single(
                name, f"refused: its part {m.filename} is compressed {ratio:,} to 1 (a zip bomb?)"
            )


def _has_formula(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    # zipfile stops at the declared size and checks the CRC, so the limits above hold here.
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _reason(exc: BaseException) -> str:
    # openpyxl wraps the parser's error in a generic one; the innermost says what is wrong.
    for _ in range(10):
        if (inner := exc.__cause__ or exc.__context__) is None:
            break
        exc = inner
    if isinstance(exc, DefusedXmlException):
        return f"it declares XML entities, which a workbook never needs: {exc!r}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --- sheets to tables --------------------------------------------------------------------------


class _Problems(list[FileProblem]):
    """Every problem of one file, collected so that they are reported together."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def add(self, where: str, message: str) -> None:
        self.append(FileProblem(self.file, where, message))


@dataclass
class _Row:
    number: int
    values: dict[str, Any]


@dataclass
class _Table:
    spec: xs.Sheet
    title: str
    rows: list[_Row] = field(default_factory=list)


@contextmanager
def _opened(file: Path, name: str, data_only: bool) -> Iterator[Any]:
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl and its XML parser raise many kinds; all mean damaged
        raise InvalidInput.single(name, f"{_NOT_XLSX} ({_reason(exc)})") from None
    try:
        yield book
    finally:
        book.close()


def _cells(name: str, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows from row 1, read lazily; a failure inside openpyxl is a refusal."""
    declared = sheet.max_row
    if isinstance(declared, int) and declared > MAX_ROWS:
        raise _too_long(name, sheet.title, f"{declared:,}")
    try:
        yield from sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
    except Exception as exc:
        raise InvalidInput.single(
            name, f"{_NOT_XLSX} ({_reason(exc)})", f"sheet {sheet.title}"
        ) from None


def _too_long(name: str, title: str, rows: str) -> InvalidInput:
    return InvalidInput.single(
        name,
        f"refused: it has {rows} rows; the limit is {MAX_ROWS:,} "
        "(delete empty formatted rows below the data)",
        f"sheet {title}",
    )


def _read_tables(file: Path, name: str, formulas: bool) -> tuple[dict[str, _Table], _Problems]:
    tables: dict[str, _Table] = {}
    problems = _Problems(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of features it drops; they do not matter
        # With cached values only, a formula never calculated reads as empty; a second reading
        # with the formulas, only when there are any, tells such a cell from an empty one.
        with (
            _opened(file, name, True) as book,
            _opened(file, name, False) if formulas else nullcontext() as formula_book,
        ):
            for sheet in book.worksheets:
                key = sheet.title.strip().lower()
                spec = xs.SHEET_BY_KEY.get(key)
                if key == xs.README.lower():
                    continue
                if spec is None:
                    expected = ", ".join(s.name for s in xs.SHEETS)
                    problems.add(f"sheet {sheet.title}", f"unknown sheet; expected: {expected}")
                    continue
                with_formulas = formula_book[sheet.title] if formula_book is not None else None
                tables[spec.name] = _table(spec, sheet, with_formulas, problems)
    return tables, problems


def _table(spec: xs.Sheet, sheet: Any, formula_sheet: Any | None, problems: _Problems) -> _Table:
    name, here = problems.file, f"sheet {sheet.title}"
    table = _Table(spec, sheet.title)
    formula_rows = _cells(name, formula_sheet) if formula_sheet is not None else repeat(None)
    columns: dict[str, int] = {}
    labels = [get_column_letter(i + 1) for i in range(MAX_COLUMNS)]  # then the header's names
    reported: set[int] = set()  # columns without a name: one problem each is enough
    width, gaps = 0, list[int]()  # the header's width and its unnamed columns within it
    for number, (values, formulas) in enumerate(
        zip(_cells(name, sheet), formula_rows, strict=False), start=1
    ):
        if number > MAX_ROWS:
            raise _too_long(name, sheet.title, f"more than {MAX_ROWS:,}")
        if number == 1:
            columns = _header(spec, here, values, problems, labels)
            reported = {i for i, v in enumerate(values) if not is_empty(v)}
            width = max(reported, default=-1) + 1
            gaps = [i for i in range(width) if i not in reported]
            labels = [
                next((c for c, j in columns.items() if j == i), x) for i, x in enumerate(labels)
            ]
        if formulas is not None:
            for i in (i for i, v in enumerate(values) if v is None and formulas[i] is not None):
                where = f"{here}, row {number}, column {labels[i]}"
                problems.add(where, "cell holds a formula without a value; enter the value")
        # Most rows past the data are wholly empty; count(None) skips them at C speed.
        if number == 1 or values.count(None) == len(values) or all(map(is_empty, values)):
            continue
        # Cells right of the header are nearly always empty; count(None) checks them at C speed.
        outside = values[width:].count(None) < len(values) - width
        if outside or any(values[i] is not None for i in gaps):
            _unnamed(here, number, values, reported, labels, problems)
        row = {
            c: xs.unescape(v) if isinstance(v := values[i], str) else v for c, i in columns.items()
        }
        table.rows.append(_Row(number, row))
    return table


def _unnamed(
    here: str,
    number: int,
    values: tuple[Any, ...],
    reported: set[int],
    labels: list[str],
    problems: _Problems,
) -> None:
    for i in (i for i, v in enumerate(values) if i not in reported and not is_empty(v)):
        reported.add(i)
        where = f"{here}, row {number}, column {labels[i]}"
        problems.add(where, "value in a column without a name in row 1; name it or clear it")


def _header(
    spec: xs.Sheet, here: str, values: tuple[Any, ...], problems: _Problems, letters: list[str]
) -> dict[str, int]:
    columns: dict[str, int] = {}
    expected = ", ".join(spec.column_names)
    for i, value in ((i, v) for i, v in enumerate(values) if not is_empty(v)):
        column, where = (
            xs.unescape(str(value)).strip().lower(),
            f"{here}, row 1, column {letters[i]}",
        )
        if column not in spec.column_names:
            problems.add(where, f"unknown column {value!r}; expected: {expected}")
        elif column in columns:
            problems.add(where, f"column {column} appears twice")
        else:
            columns[column] = i
    for column in (c.name for c in spec.columns if c.required and c.name not in columns):
        problems.add(here, f"missing column {column} in row 1 (expected columns: {expected})")
    return columns


# --- tables to data ----------------------------------------------------------------------------


class _Assembler:
    """Builds the portfolio data from the tables, recording where each value came from."""

    def __init__(self, tables: dict[str, _Table], problems: _Problems):
        self.tables, self.problems = tables, problems
        self.places: dict[tuple[str, ...], str] = {}

    def table(self, name: str) -> _Table:
        spec = xs.SHEET_BY_KEY[name.lower()]
        if name not in self.tables and spec.required:
            self.problems.add("", f"has no sheet {name}")
        return self.tables.get(name) or _Table(spec, name)

    def at(self, table: _Table, row: _Row | None = None, column: str | None = None) -> str:
        place = f"sheet {table.title}" + (f", row {row.number}" if row else "")
        return place + (f", column {column}" if column else "")

    def problem(self, table: _Table, row: _Row, column: str, message: str) -> None:
        self.problems.add(self.at(table, row, column), message)

    def mark(self, path: Iterable[str | int], where: str) -> None:
        self.places.setdefault(tuple(str(p) for p in path), where)  # the first place wins

    def cell(self, table: _Table, row: _Row, column: str, kind: xs.Kind | None = None) -> Any:
        try:
            return xs.decode(
                kind or table.spec.kind(column),
                row.values.get(column),
                xs.EXAMPLES.get(column, "key:1; key:2"),
            )
        except xs.CellError as exc:
            self.problem(table, row, column, str(exc))
            return MISSING

    def key(self, table: _Table, row: _Row, column: str) -> str | None:
        value = self.cell(table, row, column, "text")
        if value is MISSING:
            self.problem(table, row, column, f"{column} is empty; every row needs one")
            return None
        return str(value)

    def needed(self, table: _Table, row: _Row, column: str) -> Any:
        value = self.cell(table, row, column)
        if value is MISSING and is_empty(row.values.get(column)):  # else `cell` reported it
            self.problem(table, row, column, f"{column} is empty; fill it in or delete the row")
        return value

    def once(self, seen: dict[Any, int], key: Any, table: _Table, row: _Row, column: str) -> bool:
        if key in seen:
            self.problem(table, row, column, f"repeats row {seen[key]}; give it once")
            return False
        seen[key] = row.number
        return True

    def lookup(self, index: dict[str, int], table: _Table, row: _Row, column: str) -> int | None:
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
        self, table: _Table, row: _Row, path: tuple[str | int, ...], columns: Iterable[str]
    ) -> dict[str, Any]:
        self.mark(path, self.at(table, row))
        out: dict[str, Any] = {}
        for column in columns:
            self.mark((*path, column), self.at(table, row, column))
            if (value := self.cell(table, row, column)) is not MISSING:
                out[column] = value
        return out

    def entries(
        self, table: _Table, index: dict[str, int] | None, parent: str, key: str, value: str | None
    ) -> Iterator[tuple[int, str, Any, _Row]]:
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
        table: _Table,
        fields: dict[str, tuple[xs.Kind, str]],
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
            index.setdefault(xs.trim(item[key]), i)
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
