"""Excel portfolio workbooks (portfolio.md, "Excel workbook"), read as hostile input.

Reading happens in three steps. The zip is inspected before openpyxl sees it (`xlsx_archive`:
members, each part's size within the limit of its kind, compression ratios, counted while
unpacking: a zip bomb is small on disk and huge unpacked). openpyxl then streams the
sheets (read-only, cached values, defusedxml against entity expansion); any failure inside it
means the file is damaged, never a partial success. Last, the rows become the data a YAML file
would give (`excel_rows`). The layout itself is in `excel_sheets`, the cells in `excel_cells`,
and the writing in `excel_write`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from itertools import repeat
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from crosource.domain.portfolio import Portfolio
from crosource.io import excel_rows, excel_write
from crosource.io import excel_sheets as xs
from crosource.io.errors import InvalidInput, Locator, check_size
from crosource.io.excel_cells import is_empty, unescape
from crosource.io.excel_rows import Problems, Row, Table
from crosource.io.xlsx_archive import check_archive

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 64  # columns read per row; the widest sheet has 12
_NOT_XLSX = "is not an Excel workbook (.xlsx) or is damaged"


def read_workbook(file: Path) -> tuple[Any, Locator]:
    """The data of a workbook, shaped as the YAML of the same portfolio, and where each value
    came from; raises InvalidInput with every problem particular to Excel."""
    name = str(file)
    formulas = _inspect(file, name)
    tables, problems = _read_tables(file, name, formulas)
    data, locate = excel_rows.to_data(tables, problems)
    if problems:
        raise InvalidInput(problems)
    return data, locate


def read_rows(file: Path, sheet: str | None = None) -> list[tuple[Any, ...]]:
    """The rows of one sheet (the first when none is named), with the same refusals of hostile
    files as portfolio workbooks."""
    name = str(file)
    _inspect(file, name)
    with _opened(file, name, data_only=True) as book:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput.single(
                name, f"has no sheet {sheet!r}; it has {', '.join(book.sheetnames)}"
            )
        chosen = book[sheet] if sheet is not None else book.worksheets[0]
        return list(_cells(name, chosen))


def write_workbook(portfolio: Portfolio, file: Path) -> None:
    excel_write.save(excel_write.portfolio_rows(portfolio), file)


def write_template(file: Path) -> None:
    """The empty workbook: every sheet with its header, and the README."""
    excel_write.save(excel_write.template_rows(), file)


# --- the file and the zip ----------------------------------------------------------------------


def _inspect(file: Path, name: str) -> bool:
    """Refuse what is too big or not a workbook; True if any sheet holds a formula."""
    check_size(file, MAX_FILE_BYTES, "a workbook")
    try:
        return check_archive(file, name)  # every part within its limit, before openpyxl
    except InvalidInput:
        raise
    except Exception as exc:  # zipfile raises many kinds for a damaged file; all mean the same
        raise InvalidInput.single(
            name,
            f"{_NOT_XLSX} ({_reason(exc)}); if it is protected "
            "by a password, save a copy without one",
        ) from None


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


def _read_tables(file: Path, name: str, formulas: bool) -> tuple[dict[str, Table], Problems]:
    tables: dict[str, Table] = {}
    problems = Problems(name)
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


def _table(spec: xs.Sheet, sheet: Any, formula_sheet: Any | None, problems: Problems) -> Table:
    name, here = problems.file, f"sheet {sheet.title}"
    table = Table(spec, sheet.title)
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
        row = {c: unescape(v) if isinstance(v := values[i], str) else v for c, i in columns.items()}
        table.rows.append(Row(number, row))
    return table


def _unnamed(
    here: str,
    number: int,
    values: tuple[Any, ...],
    reported: set[int],
    labels: list[str],
    problems: Problems,
) -> None:
    for i in (i for i, v in enumerate(values) if i not in reported and not is_empty(v)):
        reported.add(i)
        where = f"{here}, row {number}, column {labels[i]}"
        problems.add(where, "value in a column without a name in row 1; name it or clear it")


def _header(
    spec: xs.Sheet, here: str, values: tuple[Any, ...], problems: Problems, letters: list[str]
) -> dict[str, int]:
    columns: dict[str, int] = {}
    expected = ", ".join(spec.column_names)
    for i, value in ((i, v) for i, v in enumerate(values) if not is_empty(v)):
        column, where = (
            unescape(str(value)).strip().lower(),
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
