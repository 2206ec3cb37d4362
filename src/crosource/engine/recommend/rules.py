"""Rule sets loaded from catalog/rules/*.yaml and checked when loaded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from crosource import catalog
from crosource.engine.recommend.conditions import Condition, Test, compile_condition, problems

SCORED = ("relationship", "program_model", "boutique_flag", "function_model")


@dataclass(frozen=True)
class Rule:
    id: str
    supports: str
    weight: float
    when: Condition
    reason: str
    basis: str
    test: Test = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", compile_condition(self.when))

    def holds(self, facts: Mapping[str, Any]) -> bool:
        return self.test(facts)


@dataclass(frozen=True)
class RuleSet:
    decision: str
    options: tuple[str, ...]
    tie_order: tuple[str, ...]
    rules: tuple[Rule, ...]
    threshold: float | None = None


class RuleFileError(ValueError):
    """A rule file that does not follow the rule format; raised when the catalog is loaded."""


def _rule_set(name: str, known_fields: set[str]) -> RuleSet:
    data: dict[str, Any] = catalog.load(f"rules/{name}")
    options = tuple(data["options"])
    found: list[str] = []
    rules = []
    for i, item in enumerate(data["rules"]):
        where = f"rules/{name}.yaml rules[{i}] ({item.get('id', '?')})"
        missing = {"id", "supports", "weight", "when", "reason", "basis"} - set(item)
        if missing:
            found.append(f"{where}: missing {sorted(missing)}")
            continue
        if item["supports"] not in options:
            found.append(f"{where}: supports {item['supports']!r}, not one of {options}")
        found += problems(item["when"], known_fields, f"{where}.when")
        rules.append(
            Rule(
                str(item["id"]),
                str(item["supports"]),
                float(item["weight"]),
                item["when"],
                str(item["reason"]),
                str(item["basis"]),
            )
        )
    if found:
        raise RuleFileError("\n".join(found))
    return RuleSet(
        name,
        options,
        tuple(data.get("tie_order", options)),
        tuple(rules),
        data.get("threshold"),
    )


@cache
def rule_sets() -> dict[str, RuleSet]:
    known = {str(f["id"]) for f in catalog.entries("features")}
    sets = {name: _rule_set(name, known) for name in SCORED}
    ids = [r.id for s in sets.values() for r in s.rules] + list(constraint_texts())
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleFileError(f"duplicate rule ids: {duplicates}")
    return sets


@cache
def constraint_texts() -> dict[str, str]:
    return {str(r["id"]): str(r["text"]) for r in catalog.load("rules/constraints")["rules"]}


def all_rule_ids() -> list[str]:
    """Every id a recommendation can cite: scored rules and engine constraints."""
    return [r.id for s in rule_sets().values() for r in s.rules] + list(constraint_texts())
