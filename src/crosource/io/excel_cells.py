"""The cells of the portfolio workbook: the kinds of value a column holds, reading a cell as
data (`decode`) and writing data as a cell (`encode`) so that it reads back the same."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

# text: an id or a vocabulary value (trimmed); label: free text, kept exactly; number, bool,
# date: one value; list: `a; b`; map: `key:number; ...`; value: a number or a map (assumptions).
Kind = Literal["text", "label", "number", "bool", "date", "list", "map", "value"]


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


def exact(value: Any) -> Any:
    """Numbers that an Excel number cell would change (openpyxl writes 16 digits, a float may
    need 17) go as their exact text, which the validator reads as the number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= _EXACT_INT else value
    return value if float(f"{value:.16g}") == value else repr(value)


# Text a spreadsheet may take for a formula (OWASP, "CSV injection"): =, +, -, @, and a tab or
# carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(cell: Any) -> None:
    """Keep a user's text a text: openpyxl stores a str starting with `=` as a formula, and
    Excel re-reads `+1`, `-2+3` or `@SUM(A1)` as one once the cell is edited. The cell is made
    a string cell with Excel's quote prefix (the leading ' that shows it is text), so the
    value stays exactly as written and reads back the same."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def csv_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: text starting a formula gets OWASP's leading `'`,
    which `from_csv_text` takes off again when the grid comes back."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def from_csv_text(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def guard_workbook(book: Any) -> None:
    """Every cell of every sheet through `guard_cell`: every workbook we write goes through
    this just before it is saved (the portfolio workbook, run reports)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                guard_cell(cell)
