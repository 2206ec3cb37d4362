"""The bid grid template is a CSV a provider opens in a spreadsheet: no cell of it may start a
formula (OWASP "CSV injection"), and the grid, filled in and sent back, reads the same."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from crosource.io.bids_io import load_bids
from crosource.io.excel_cells import FORMULA_STARTS
from crosource.services.rfps import grid_template

STUDY = {"functions": ["-2+3"], "sites": 12}


@pytest.mark.parametrize("provider", ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "plain"])
def test_the_template_starts_no_formula_and_reads_back(tmp_path: Path, provider: str) -> None:
    text = grid_template(provider, STUDY)
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], cells
    assert f"'{provider}" in cells or provider == "plain"
    file = tmp_path / "grid.csv"
    file.write_text(
        text.replace(",-2+3,", ",project_management,").replace("'-2+3", "project_management")
    )
    (bid,) = load_bids(file)
    assert bid.provider == provider
