"""Reasons rendered from rule templates, and counterfactuals: the smallest single change of an
input that changes a decision.

Candidate inputs are the sponsor's answers to the questionnaire (oversight staff, preferences,
internal staff and maturity by function) and the program's flags. Levels and flags are tried at
every other value; numbers are scanned on a grid around their value and the boundary found by
bisection, then rounded to a figure a person would quote.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crosource import catalog
from crosource.domain.taxonomy import LEVELS
from crosource.engine.recommend.result import Counterfactual

Decide = Callable[[Mapping[str, Any]], str]
MAX_COUNTERFACTUALS = 5
GRID_FACTORS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)
GRID_ABSOLUTE = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0)
BISECTIONS = 12


@dataclass(frozen=True)
class InputSpec:
    path: str
    kind: str  # level | bool | maturity | number
    current: Any


def _format_value(value: Any, kind: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if kind == "share":
            return f"{value:.0%}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, str):
        for name in ("functions", "therapeutic_areas", "regions"):
            if value in catalog.by_id(name):
                return (
                    catalog.label(name, value).lower()
                    if name == "functions"
                    else (catalog.label(name, value))
                )
    return str(value)


def render(template: str, facts: Mapping[str, Any]) -> str:
    """Fill `{field}` placeholders with the facts, formatted for reading."""
    types = {str(f["id"]): str(f["type"]) for f in catalog.entries("features")}
    out = template
    for key, value in facts.items():
        placeholder = "{" + key + "}"
        if placeholder in out:
            out = out.replace(placeholder, _format_value(value, types.get(key, "")))
    return out


def _candidates(spec: InputSpec) -> list[Any]:
    if spec.kind == "level":
        return sorted(
            (v for v in LEVELS if v != spec.current),
            key=lambda v: abs(LEVELS.index(v) - LEVELS.index(spec.current)),
        )
    if spec.kind == "bool":
        return [not spec.current]
    if spec.kind == "maturity":
        return sorted(
            (v for v in range(5) if v != spec.current), key=lambda v: abs(v - spec.current)
        )
    x0 = float(spec.current)
    grid = {round(x0 * f, 6) for f in GRID_FACTORS} | set(GRID_ABSOLUTE) | {0.0}
    grid.discard(x0)
    return sorted(grid, key=lambda v: abs(v - x0))


def _distance(spec: InputSpec, value: Any) -> float:
    if spec.kind == "level":
        return float(abs(LEVELS.index(value) - LEVELS.index(spec.current)))
    if spec.kind in ("bool",):
        return 1.0
    if spec.kind == "maturity":
        return float(abs(value - spec.current))
    return abs(float(value) - float(spec.current)) / max(abs(float(spec.current)), 1.0)


def _nice(value: float, up: bool) -> float:
    if value == 0:
        return 0.0
    digits = 1 - math.floor(math.log10(abs(value)))
    scale = 10.0**digits
    rounded = (math.ceil if up else math.floor)(value * scale) / scale
    return max(rounded, 0.0)


def _boundary(spec: InputSpec, decide: Decide, choice: str, flip: float) -> float:
    """The value closest to the current one that still changes the choice, between them."""
    inside, outside = float(spec.current), flip
    for _ in range(BISECTIONS):
        middle = (inside + outside) / 2
        if decide({spec.path: middle}) != choice:
            outside = middle
        else:
            inside = middle
    nice = _nice(outside, up=outside > float(spec.current))
    return nice if decide({spec.path: nice}) != choice else round(outside, 3)


def _text(spec: InputSpec, value: Any, choice: str) -> str:
    if spec.kind == "number":
        direction = "or more" if float(value) > float(spec.current) else "or less"
        shown = _format_value(float(value), "")
        shown = f"at {shown}" if float(value) == 0 else f"of {shown} {direction}"
    else:
        shown = _format_value(value, spec.kind)
    return (
        f"With {spec.path} {shown} (now {_format_value(spec.current, spec.kind)}), "
        f"{choice} would be chosen."
    )


def counterfactuals(specs: list[InputSpec], decide: Decide, choice: str) -> list[Counterfactual]:
    found: list[tuple[float, Counterfactual]] = []
    for spec in specs:
        for value in _candidates(spec):
            new = decide({spec.path: value})
            if new == choice:
                continue
            if spec.kind == "number":
                value = _boundary(spec, decide, choice, float(value))
                new = decide({spec.path: value})
            found.append(
                (
                    _distance(spec, value),
                    Counterfactual(spec.path, spec.current, value, new, _text(spec, value, new)),
                )
            )
            break
    found.sort(key=lambda item: item[0])
    return [c for _, c in found[:MAX_COUNTERFACTUALS]]
