"""Every rule, one by one: it fires when its condition holds, adds its weight to the option it
supports with its own id and rendered reason, and stays silent when its condition fails."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from crosource import catalog
from crosource.domain.taxonomy import LEVELS
from crosource.engine.recommend.conditions import fields, holds, problems
from crosource.engine.recommend.engine import score
from crosource.engine.recommend.rules import Rule, RuleSet, rule_sets

RULES = [(s, r) for s in rule_sets().values() for r in s.rules]


def _leaves(condition: Any) -> Iterator[tuple[str, str, Any]]:
    for key in ("all", "any"):
        for child in condition.get(key, []):
            yield from _leaves(child)
    if "not" in condition:
        yield from _leaves(condition["not"])
    if "field" in condition:
        yield condition["field"], condition["op"], condition["value"]


def _values(op: str, value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [True, False]
    if isinstance(value, str) and value in LEVELS:
        return list(LEVELS)
    if isinstance(value, int | float):
        return [value - 1, value - 0.01, value, value + 0.01, value + 1]
    if isinstance(value, list):
        return [*value, "__other__"]
    return [value, "__other__"]


def _assignments(rule: Rule) -> Iterator[dict[str, Any]]:
    candidates: dict[str, list[Any]] = {}
    for field, op, value in _leaves(rule.when):
        candidates.setdefault(field, [])
        candidates[field] += [v for v in _values(op, value) if v not in candidates[field]]
    names = list(candidates)
    for combo in itertools.product(*(candidates[n] for n in names)):
        yield dict(zip(names, combo, strict=True))


def _facts(assignment: dict[str, Any]) -> dict[str, Any]:
    # Placeholders used in reason templates that the condition does not read.
    base = {str(f["id"]): 1 for f in catalog.entries("features")}
    base["program.therapeutic_area"] = "oncology"
    base["function.id"] = "clinical_monitoring"
    return base | assignment


@pytest.mark.parametrize(("rule_set", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_rule_fires_exactly_when_its_condition_holds(rule_set: RuleSet, rule: Rule) -> None:
    satisfied = [a for a in _assignments(rule) if holds(rule.when, _facts(a))]
    violated = [a for a in _assignments(rule) if not holds(rule.when, _facts(a))]
    assert satisfied, f"{rule.id}: no profile satisfies the condition"
    assert violated, f"{rule.id}: the condition cannot fail"
    on = score(rule_set, _facts(satisfied[0]))
    off = score(rule_set, _facts(violated[0]))
    fired = [r for r in on.reasons if r.rule == rule.id]
    assert fired and fired[0].option == rule.supports and fired[0].weight == rule.weight
    assert "{" not in fired[0].text, f"{rule.id}: unfilled placeholder in {fired[0].text!r}"
    assert not off.cites(rule.id)


@pytest.mark.parametrize(("rule_set", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_compiled_condition_agrees_with_the_interpreter(rule_set: RuleSet, rule: Rule) -> None:
    for assignment in _assignments(rule):
        facts = _facts(assignment)
        assert rule.holds(facts) == holds(rule.when, facts), assignment
    assert rule.holds({}) == holds(rule.when, {})


@pytest.mark.parametrize(("rule_set", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_rule_is_well_formed(rule_set: RuleSet, rule: Rule) -> None:
    known = {str(f["id"]) for f in catalog.entries("features")}
    assert problems(rule.when, known, rule.id) == []
    assert rule.weight > 0
    assert rule.supports in rule_set.options
    assert len(rule.basis) > 20
    prefix = {
        "relationship": "rel.",
        "program_model": "prog.",
        "boutique_flag": "flag.",
        "function_model": "fn.",
    }[rule_set.decision]
    assert rule.id.startswith(prefix + rule.supports + ".")
    assert set(fields(rule.when)) <= known


def test_reason_placeholders_name_known_facts() -> None:
    import re

    known = {str(f["id"]) for f in catalog.entries("features")}
    for _, rule in RULES:
        for placeholder in re.findall(r"\{([a-z_.]+)\}", rule.reason):
            assert placeholder in known, (rule.id, placeholder)


def test_provider_questions_read_known_facts() -> None:
    known = {str(f["id"]) for f in catalog.entries("features")}
    for question in catalog.load("provider_questions")["questions"]:
        assert problems(question["when"], known, question["id"]) == []


def test_ties_follow_the_documented_order() -> None:
    rules = rule_sets()["function_model"]
    decision = score(rules, {})  # no fact known: no rule fires
    assert decision.choice == rules.tie_order[0]
    assert decision.cites("choice.no_rule")
    tied = {
        "program.model": "fso",
        "function.internal_maturity": 3,
        "function.internal_fte": 2,
        "function.internal_coverage": 0.7,
        "preferences.control": "high",
    }
    decision = score(rules, tied)  # fso 3 (program model) against in_house 2 + 1
    assert decision.scores["fso"] == decision.scores["in_house"] == 3
    assert decision.choice == "in_house"
    assert decision.cites("choice.tie")


def test_an_unavailable_option_is_never_chosen() -> None:
    from crosource.engine.recommend.result import Reason

    rules = rule_sets()["function_model"]
    facts = _facts(
        {
            "function.internal_maturity": 4,
            "function.internal_coverage": 5.0,
            "function.internal_fte": 3.0,
        }
    )
    assert score(rules, facts).choice == "in_house"
    blocked = {"in_house": Reason("avail.in_house.no_staff", "no staff")}
    decision = score(rules, facts, blocked)
    assert decision.choice != "in_house"
    assert decision.cites("avail.in_house.no_staff")
