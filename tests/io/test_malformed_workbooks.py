"""Property: a workbook with random cells broken (text in numbers, unknown ids, empty required
cells, junk in list cells, deleted rows) always ends in a clean result: the portfolio, or
InvalidInput naming the workbook; never another exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio

SOURCE = Path(__file__).parents[2] / "examples" / "midsize-hybrid.xlsx"
SHEETS = [
    "Sponsor",
    "Internal",
    "Programs",
    "Studies",
    "Demand",
    "Providers",
    "ProviderFunctions",
    "Rates",
    "Scores",
    "Assumptions",
    "Plans",
    "Relationships",
]

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(
        [
            "oncology",
            "fso; fsp",
            "north_america:x",
            "key: 1; other",
            "2",
            "default",
            "=1+1",
            "TRUE",
            "n/a",
            "-5",
        ]
    ),
    st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1)),
)


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, int, int, Any]]:
    count = draw(st.integers(1, 5))
    return [
        (
            draw(st.sampled_from(SHEETS)),
            draw(st.integers(1, 30)),
            draw(st.integers(1, 8)),
            draw(cell_values),
        )
        for _ in range(count)
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(edits())
def test_broken_workbooks_raise_only_invalid_input(tmp_path: Path, changes: Any) -> None:
    book = openpyxl.load_workbook(SOURCE)
    for sheet, row, column, value in changes:
        book[sheet].cell(row=row, column=column, value=value)
    target = tmp_path / "broken.xlsx"
    book.save(target)
    try:
        load_portfolio(target)
    except InvalidInput as exc:
        assert exc.problems
        assert all(str(target) in str(problem) for problem in exc.problems)
