"""Structured rule conditions over a profile, without `eval`.

A condition is a mapping: `{field: F, op: OP, value: V}`, or `{all: [...]}`, `{any: [...]}`,
`{not: {...}}`. Levels (low < medium < high) compare by their order, so `{op: ge, value: medium}`
means "medium or high".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from crosource.domain.taxonomy import LEVELS

Condition = Mapping[str, Any]
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
COMBINATORS = ("all", "any", "not")


def _ordinal(value: Any) -> Any:
    if isinstance(value, str) and value in LEVELS:
        return LEVELS.index(value)
    return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in ("in", "not_in"):
        found = left in right
        return found if op == "in" else not found
    if op in ("eq", "ne"):
        same = bool(left == right)
        return same if op == "eq" else not same
    a, b = _ordinal(left), _ordinal(right)
    if a is None or b is None or isinstance(a, bool) != isinstance(b, bool):
        return False
    try:
        return _ORDERED[op](a, b)
    except TypeError:
        return False


def holds(condition: Condition, profile: Mapping[str, Any]) -> bool:
    if "all" in condition:
        return all(holds(c, profile) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, profile) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], profile)
    return _compare(str(condition["op"]), profile.get(str(condition["field"])), condition["value"])


Test = Callable[[Mapping[str, Any]], bool]
_ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y,
    "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y,
}


def compile_condition(condition: Condition) -> Test:
    """The condition as a function of the profile: what `holds` computes, without walking the
    condition's structure at every call (rules are tested tens of thousands of times)."""
    if "all" in condition:
        parts = [compile_condition(c) for c in condition["all"]]
        return lambda profile: all(part(profile) for part in parts)
    if "any" in condition:
        parts = [compile_condition(c) for c in condition["any"]]
        return lambda profile: any(part(profile) for part in parts)
    if "not" in condition:
        inner = compile_condition(condition["not"])
        return lambda profile: not inner(profile)
    field, op, value = str(condition["field"]), str(condition["op"]), condition["value"]
    if op in ("eq", "ne", "in", "not_in"):
        return lambda profile: _compare(op, profile.get(field), value)
    target, ordered = _ordinal(value), _ORDERED[op]

    def test(profile: Mapping[str, Any]) -> bool:
        left = _ordinal(profile.get(field))
        if left is None or target is None or isinstance(left, bool) != isinstance(target, bool):
            return False
        try:
            return ordered(left, target)
        except TypeError:
            return False

    return test


def fields(condition: Condition) -> Iterator[str]:
    """Every profile field a condition reads."""
    for key in ("all", "any"):
        for child in condition.get(key, []):
            yield from fields(child)
    if "not" in condition:
        yield from fields(condition["not"])
    if "field" in condition:
        yield str(condition["field"])


def problems(condition: Any, known_fields: set[str], where: str) -> list[str]:
    """What is wrong with a condition as written in a rule file (empty when it is well formed)."""
    if not isinstance(condition, Mapping):
        return [f"{where}: expected a mapping, got {condition!r}"]
    keys = set(condition)
    if keys & set(COMBINATORS):
        if len(keys) != 1:
            return [f"{where}: a combinator ({', '.join(COMBINATORS)}) stands alone"]
        key = next(iter(keys))
        if key == "not":
            return problems(condition["not"], known_fields, f"{where}.not")
        children = condition[key]
        if not isinstance(children, list) or not children:
            return [f"{where}.{key}: expected a non-empty list of conditions"]
        found: list[str] = []
        for i, child in enumerate(children):
            found += problems(child, known_fields, f"{where}.{key}[{i}]")
        return found
    if keys != {"field", "op", "value"}:
        return [f"{where}: expected field, op and value, got {sorted(keys)}"]
    found = []
    if condition["field"] not in known_fields:
        found.append(f"{where}: unknown profile field {condition['field']!r}")
    if condition["op"] not in OPERATORS:
        found.append(f"{where}: unknown operator {condition['op']!r}; expected {OPERATORS}")
    if condition["op"] in ("in", "not_in") and not isinstance(condition["value"], list):
        found.append(f"{where}: {condition['op']} needs a list value")
    return found
