"""Excel workbooks (placeholder; being written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crosource.domain.portfolio import Portfolio
from crosource.io.errors import InvalidInput, Locator


def read_workbook(file: Path) -> tuple[Any, Locator]:
    raise InvalidInput.single(str(file), "Excel is not supported yet")


def write_workbook(portfolio: Portfolio, file: Path) -> None:
    raise NotImplementedError
