"""Bid grids from CSV or Excel (a sheet `Bids`, or the first): one row per line with the
columns provider, line, function, driver, unit_price_usd, quantity. A row whose driver is
`assumption` states one of the bid's assumptions: `line` names it (sites, patients_screened,
patients_enrolled, patients_completed, months, monitoring_visits, screen_failure_rate,
dropout_rate) and `quantity` gives its value. Every problem is reported with its row."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from crosource.domain.taxonomy import FUNCTIONS
from crosource.engine.evaluate.bids import ASSUMPTIONS, DRIVERS, Bid, BidLine
from crosource.io import excel_io, yaml_io
from crosource.io.errors import FileProblem, InvalidInput
from crosource.io.excel_cells import from_csv_text

COLUMNS = ("provider", "line", "function", "driver", "unit_price_usd", "quantity")
# Rows of one bid (its lines and stated assumptions): a real grid has tens to hundreds; the
# limit keeps one provider's upload from tying up the sponsor's pages (docs/evaluation.md).
MAX_BID_LINES = 5000


def read_grid(file: Path) -> list[tuple[Any, ...]]:
    """The grid's rows, read once (its checks and its bids both work on them). A CSV cell with
    the leading `'` that keeps a spreadsheet from running it (our template writes one before
    text such as `=...`) reads without it."""
    suffix = file.suffix.lower()
    if suffix == ".csv":
        text = yaml_io.read_text(file)
        return [tuple(map(from_csv_text, r)) for r in csv.reader(io.StringIO(text))]
    if suffix in (".xlsx", ".xlsm"):
        return excel_io.read_rows(file)
    raise InvalidInput.single(str(file), "has an unknown extension; expected .csv or .xlsx")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def load_bids(file: Path) -> list[Bid]:
    return parse_bids(read_grid(file), str(file))


def parse_bids(rows: list[tuple[Any, ...]], name: str) -> list[Bid]:
    """The bids of a grid's rows (from `read_grid`); `name` places the problems."""
    if not rows:
        raise InvalidInput.single(name, "is empty; expected a header row and bid lines")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput.single(name, f"misses the columns {', '.join(missing)}", "row 1")
    at = {c: header.index(c) for c in COLUMNS}
    problems: list[FileProblem] = []
    bids: dict[str, Bid] = {}
    counts: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: (row[at[c]] if at[c] < len(row) else None) for c in COLUMNS}
        if all(v in (None, "") for v in cells.values()):
            continue
        who = str(cells["provider"] or "").strip()
        counts[who] = counts.get(who, 0) + 1
        if counts[who] > MAX_BID_LINES:  # refused at once: the rest is not worth reading
            raise InvalidInput.single(
                name,
                f"the bid of {who or 'a provider'!r} has more than {MAX_BID_LINES:,} lines; "
                f"the limit is {MAX_BID_LINES:,}: group lines or send fewer",
                f"row {number}",
            )

        def problem(column: str, message: str, row_number: int = number) -> None:
            problems.append(FileProblem(name, f"row {row_number}, column {column}", message))

        provider = str(cells["provider"] or "").strip()
        driver = str(cells["driver"] or "").strip()
        line = str(cells["line"] or "").strip()
        function = str(cells["function"] or "").strip() or None
        quantity = _number(cells["quantity"])
        if not provider:
            problem("provider", "required")
        if quantity is None or quantity < 0:
            problem("quantity", f"expected a number of at least 0, got {cells['quantity']!r}")
        if driver == "assumption":
            if line not in ASSUMPTIONS:
                problem(
                    "line",
                    f"unknown assumption {line!r}; expected one of: {', '.join(ASSUMPTIONS)}",
                )
            elif provider and quantity is not None:
                bids.setdefault(provider, Bid(provider, [])).assumptions[line] = quantity
            continue
        price = _number(cells["unit_price_usd"])
        if driver not in DRIVERS:
            problem(
                "driver",
                f"unknown driver {driver!r}; expected one of: {', '.join(DRIVERS)} or assumption",
            )
        if function is not None and function not in FUNCTIONS:
            problem("function", f"unknown function {function!r}")
        if driver == "fte_month" and function is None:
            problem("function", "an fte_month line needs its function")
        if price is None or price < 0:
            problem(
                "unit_price_usd",
                f"expected a number of at least 0, got {cells['unit_price_usd']!r}",
            )
        if not line:
            problem("line", "required: a name for the line")
        if provider and driver in DRIVERS and price is not None and quantity is not None:
            bids.setdefault(provider, Bid(provider, [])).lines.append(
                BidLine(provider, line, function, driver, price, quantity)
            )
    if problems:
        raise InvalidInput(problems)
    empty = [b.provider for b in bids.values() if not b.lines]
    if empty or len(bids) == 0:
        raise InvalidInput.single(
            name, "no bid lines" + (f" for {', '.join(empty)}" if empty else "")
        )
    return list(bids.values())
