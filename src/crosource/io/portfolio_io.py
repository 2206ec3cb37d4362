"""Load and save portfolios in any of their formats, with every problem reported at once."""

from __future__ import annotations

from pathlib import Path

from crosource.domain.portfolio import Portfolio
from crosource.domain.validation import validate_portfolio
from crosource.io import excel_io, yaml_io
from crosource.io.errors import FileProblem, InvalidInput, Locator, atomic_target

YAML_SUFFIXES = {".yaml", ".yml", ".json"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def load_portfolio(file: Path) -> Portfolio:
    return load_located(file)[0]


def load_located(file: Path) -> tuple[Portfolio, Locator]:
    """The portfolio and the locator of its file, to place problems found later (in a plan)."""
    name = str(file)
    suffix = file.suffix.lower()
    if suffix in YAML_SUFFIXES:
        data, locate = yaml_io.parse_yaml(yaml_io.read_text(file), name)
    elif suffix in EXCEL_SUFFIXES:
        data, locate = excel_io.read_workbook(file)
    else:
        raise InvalidInput.single(
            name, "has an unknown extension; expected .yaml, .yml, .json or .xlsx"
        )
    portfolio, problems = validate_portfolio(data)
    if portfolio is None:
        raise InvalidInput([FileProblem(name, locate(p.path), p.message) for p in problems])
    return portfolio, locate


def save_portfolio(portfolio: Portfolio, file: Path) -> None:
    """Write atomically: a file is either fully written or left as it was."""
    suffix = file.suffix.lower()
    if suffix not in YAML_SUFFIXES | EXCEL_SUFFIXES:
        raise InvalidInput.single(str(file), "has an unknown extension; expected .yaml or .xlsx")
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_target(file.parent, file.name, suffix)
    try:
        if suffix in EXCEL_SUFFIXES:
            excel_io.write_workbook(portfolio, tmp)
        else:
            tmp.write_text(yaml_io.dump_yaml(portfolio.to_data()), encoding="utf-8")
        tmp.replace(file)
    finally:
        tmp.unlink(missing_ok=True)
