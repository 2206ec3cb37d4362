"""Validate plain data (from YAML, JSON or Excel) into a Portfolio, collecting every problem.

A problem is a path into the data (as the YAML would spell it) and a message that says what is
expected. Renderers in `crosource.io` turn the path into a place a person can find: a YAML line
or an Excel sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from crosource.domain.portfolio import Portfolio
from crosource.domain.references import check_references

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str


def validate_portfolio(data: Any) -> tuple[Portfolio | None, list[Problem]]:
    """The portfolio, or None and every problem found in the data."""
    problems: list[Problem] = []
    portfolio: Portfolio | None = None
    if not isinstance(data, dict):
        return None, [Problem((), f"expected a mapping of portfolio fields, got {_kind(data)}")]
    try:
        portfolio = Portfolio.model_validate(data)
    except ValidationError as exc:
        problems.extend(_from_pydantic(error) for error in exc.errors())
    problems.extend(Problem(path, message) for path, message in check_references(data))
    unique = list(dict.fromkeys(problems))
    return (portfolio if not unique else None), unique


def validate_model(
    model: type[M], data: Any, checks: Callable[[Any], list[tuple[Path, str]]] | None = None
) -> tuple[M | None, list[Problem]]:
    """Any file model (evaluation, bid grid): the object, or None and every problem."""
    if not isinstance(data, dict):
        return None, [Problem((), f"expected a mapping of fields, got {_kind(data)}")]
    problems: list[Problem] = []
    result: M | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_from_pydantic(error) for error in exc.errors())
    if checks is not None:
        problems.extend(Problem(path, message) for path, message in checks(data))
    unique = list(dict.fromkeys(problems))
    return (result if not unique else None), unique


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {str: "text", bool: "true/false", int: "a number", float: "a number"}
    names.update({list: "a list", dict: "a mapping"})
    return names.get(type(value), type(value).__name__)


def _from_pydantic(error: ErrorDetails) -> Problem:
    loc: Sequence[str | int] = error["loc"]
    path: Path = tuple(loc)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if path and path[-1] == "[key]":
        path = path[:-1]
        if kind == "literal_error":
            return Problem(path, f"unknown id {path[-1]!r}; expected one of: {_expected(ctx)}")
    if path and path[0] == "schema":
        path = ("schema",)
    message = _message(kind, value, ctx, str(error.get("msg", "")))
    if kind in ("missing", "extra_forbidden") and path:
        field = path[-1]
        message = (
            f"required field {field!r} is missing"
            if kind == "missing"
            else f"unknown field {field!r}; check its spelling against the file format"
        )
    return Problem(path, message)


def _expected(ctx: dict[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "")


def _message(kind: str, value: Any, ctx: dict[str, Any], fallback: str) -> str:
    shown = repr(value) if not isinstance(value, dict | list) else _kind(value)
    messages = {
        "missing": "required field is missing",
        "extra_forbidden": "unknown field; check its spelling against the file format",
        "literal_error": f"unknown value {shown}; expected one of: {_expected(ctx)}",
        "float_parsing": f"expected a number, got {shown}",
        "float_type": f"expected a number, got {shown}",
        "int_parsing": f"expected a whole number, got {shown}",
        "int_type": f"expected a whole number, got {shown}",
        "int_from_float": f"expected a whole number, got {shown}",
        "bool_parsing": f"expected true or false, got {shown}",
        "bool_type": f"expected true or false, got {shown}",
        "string_type": f"expected text, got {shown}",
        "dict_type": f"expected a mapping (key: value), got {_kind(value)}",
        "list_type": f"expected a list, got {_kind(value)}",
        "model_type": f"expected a mapping of fields, got {_kind(value)}",
        "date_from_datetime_parsing": f"expected a date as YYYY-MM-DD, got {shown}",
        "date_parsing": f"expected a date as YYYY-MM-DD, got {shown}",
        "date_type": f"expected a date as YYYY-MM-DD, got {shown}",
        "date_from_datetime_inexact": f"expected a date without a time, got {shown}",
        "greater_than_equal": f"must be at least {ctx.get('ge')}, got {shown}",
        "greater_than": f"must be more than {ctx.get('gt')}, got {shown}",
        "less_than_equal": f"must be at most {ctx.get('le')}, got {shown}",
        "less_than": f"must be less than {ctx.get('lt')}, got {shown}",
        "finite_number": f"must be a finite number, got {shown}",
        "too_short": f"needs at least {ctx.get('min_length', 1)} entry; none given",
        "string_too_short": "must not be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": f"{shown} does not have the expected form",
    }
    return messages.get(kind, fallback)
