"""Checks that relate one part of a portfolio to another, run on the raw data.

They run even when field validation fails, so that a file's every problem is reported at once;
they are written defensively because the data may be of any shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crosource import catalog
from crosource.domain.taxonomy import FUNCTIONS, REGIONS

Found = tuple[tuple[str | int, ...], str]
SCORE_CRITERIA = [c for c in catalog.ids("criteria") if c != "cost"]


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _ids(data: Any, key: str, field: str = "id") -> set[str]:
    return {str(item[field]).strip() for _, item in _items(data, key) if item.get(field)}


def check_references(data: Any) -> list[Found]:
    found: list[Found] = []
    for check in (_duplicates, _study_programs, _providers, _assumptions, _plans, _optimize):
        found.extend(check(data))
    return found


def _duplicates(data: Any) -> Iterator[Found]:
    for key, field in (
        ("programs", "id"),
        ("studies", "id"),
        ("providers", "id"),
        ("plans", "name"),
    ):
        seen: dict[str, int] = {}
        for i, item in _items(data, key):
            value = str(item.get(field, "")).strip()
            if value and value in seen:
                yield (
                    (key, i, field),
                    f"duplicate {field} {value!r} (first at {key}[{seen[value]}])",
                )
            seen.setdefault(value, i)


def _study_programs(data: Any) -> Iterator[Found]:
    programs = _ids(data, "programs")
    for i, study in _items(data, "studies"):
        program = study.get("program")
        if isinstance(program, str) and program.strip() and program.strip() not in programs:
            yield (
                ("studies", i, "program"),
                (
                    f"unknown program {program!r}; expected one of the programs' ids: "
                    f"{', '.join(sorted(programs)) or 'none defined'}"
                ),
            )


def _providers(data: Any) -> Iterator[Found]:
    for i, provider in _items(data, "providers"):
        offered = provider.get("functions")
        offered_set = (
            {f for f in offered if isinstance(f, str)} if isinstance(offered, list) else set()
        )
        for key in ("rates_usd_per_fte_month", "capacity_fte"):
            by_function = provider.get(key)
            if not isinstance(by_function, dict):
                continue
            for function, value in by_function.items():
                if function in FUNCTIONS and function not in offered_set:
                    yield (
                        ("providers", i, key, str(function)),
                        (
                            f"{function!r} is not among the provider's functions; add it to "
                            "`functions` or remove this entry"
                        ),
                    )
                if key == "rates_usd_per_fte_month" and isinstance(value, dict):
                    for region in value:
                        if region not in REGIONS and region != "default":
                            yield (
                                ("providers", i, key, str(function), str(region)),
                                (
                                    f"unknown region {region!r}; expected `default` or one of: "
                                    f"{', '.join(REGIONS)}"
                                ),
                            )
        scores = provider.get("scores")
        if isinstance(scores, dict):
            for criterion in scores:
                if criterion not in SCORE_CRITERIA:
                    yield (
                        ("providers", i, "scores", str(criterion)),
                        (
                            f"unknown criterion {criterion!r}; expected one of: "
                            f"{', '.join(SCORE_CRITERIA)}"
                        ),
                    )


def _assumptions(data: Any) -> Iterator[Found]:
    given = data.get("assumptions") if isinstance(data, dict) else None
    if not isinstance(given, dict):
        return
    known = catalog.by_id("assumptions")
    for key, value in given.items():
        entry = known.get(str(key))
        path: tuple[str | int, ...] = ("assumptions", str(key))
        if entry is None:
            yield path, f"unknown assumption id {key!r}; see the assumptions catalog for the ids"
            continue
        yield from _assumption_value(path, entry, value)


def _number_ok(value: Any, top: float = 1e15) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= top


def _assumption_value(
    path: tuple[str | int, ...], entry: dict[str, Any], value: Any
) -> Iterator[Found]:
    keys = [str(k) for k in entry.get("keys", [])]
    top = float(entry.get("max", 1e15))
    expected = f"a number from 0 to {top:g}" if "max" in entry else "a number of at least 0"
    if not keys:
        if not _number_ok(value, top):
            yield path, f"expected {expected} ({entry['unit']}), got {value!r}"
        return
    if not isinstance(value, dict):
        yield path, f"expected a mapping keyed by {', '.join(keys)}, got {value!r}"
        return
    for key, item in value.items():
        if str(key) not in keys:
            yield (*path, str(key)), f"unknown key {key!r}; expected one of: {', '.join(keys)}"
        elif not _number_ok(item, top):
            yield (*path, str(key)), f"expected {expected}, got {item!r}"


def _provider_offers(data: Any) -> dict[str, tuple[set[str], set[str]]]:
    offers: dict[str, tuple[set[str], set[str]]] = {}
    for _, provider in _items(data, "providers"):
        functions, models = provider.get("functions"), provider.get("models")
        if provider.get("id"):
            offers[str(provider["id"]).strip()] = (
                {str(f) for f in functions} if isinstance(functions, list) else set(),
                {str(m) for m in models} if isinstance(models, list) else set(),
            )
    return offers


def _assignment(data: Any, path: tuple[str | int, ...], item: dict[str, Any]) -> Iterator[Found]:
    studies = _ids(data, "studies")
    offers = _provider_offers(data)
    study, model, provider = item.get("study"), item.get("model"), item.get("provider")
    function = item.get("function")
    if isinstance(study, str) and study != "*" and study.strip() not in studies:
        yield (*path, "study"), f'unknown study {study!r}; expected a study id or "*"'
    if model == "in_house":
        if provider:
            yield (*path, "provider"), "an in_house assignment takes no provider; leave it empty"
        internal = (
            data.get("sponsor", {}).get("internal")
            if isinstance(data.get("sponsor"), dict)
            else None
        )
        if (
            isinstance(function, str)
            and function in FUNCTIONS
            and (not isinstance(internal, dict) or function not in internal)
        ):
            yield (
                (*path, "model"),
                (
                    f"the sponsor has no internal staff for {function}; "
                    "add it under sponsor.internal or choose a provider"
                ),
            )
        return
    if model in ("fso", "fsp", "boutique"):
        if not provider:
            yield (*path, "provider"), f"a {model} assignment needs a provider id"
        elif str(provider) not in offers:
            yield (*path, "provider"), f"unknown provider {provider!r}"
        else:
            functions, models = offers[str(provider)]
            if isinstance(function, str) and function in FUNCTIONS and function not in functions:
                yield (*path, "function"), f"provider {provider!r} does not offer {function}"
            if model not in models:
                yield (
                    (*path, "model"),
                    (
                        f"provider {provider!r} does not offer the {model} model "
                        f"(it offers: {', '.join(sorted(models)) or 'none'})"
                    ),
                )


def _plans(data: Any) -> Iterator[Found]:
    programs, providers = _ids(data, "programs"), _ids(data, "providers")
    for i, plan in _items(data, "plans"):
        assignments = plan.get("assignments")
        covered: set[tuple[str, str]] = set()
        if isinstance(assignments, list):
            for j, item in enumerate(assignments):
                if isinstance(item, dict):
                    yield from _assignment(data, ("plans", i, "assignments", j), item)
                    covered.add((str(item.get("study")), str(item.get("function"))))
        relationships = plan.get("relationships")
        if isinstance(relationships, list):
            for j, item in enumerate(relationships):
                if not isinstance(item, dict):
                    continue
                if item.get("program") and str(item["program"]) not in programs:
                    yield (
                        ("plans", i, "relationships", j, "program"),
                        (f"unknown program {item['program']!r}"),
                    )
                if item.get("provider") and str(item["provider"]) not in providers:
                    yield (
                        ("plans", i, "relationships", j, "provider"),
                        (f"unknown provider {item['provider']!r}"),
                    )
        if plan.get("base") is None:
            yield from _unassigned(data, i, covered)


def _unassigned(data: Any, plan: int, covered: set[tuple[str, str]]) -> Iterator[Found]:
    for _, study in _items(data, "studies"):
        demand = study.get("demand")
        if not isinstance(demand, dict):
            continue
        for function, effort in demand.items():
            if not (isinstance(effort, int | float) and effort > 0):
                continue
            key = (str(study.get("id")), str(function))
            if key not in covered and ("*", str(function)) not in covered:
                yield (
                    ("plans", plan, "assignments"),
                    (
                        f"study {key[0]} needs {function} ({effort} FTE-months) but the plan does "
                        "not assign it; assign it or set `base: recommended`"
                    ),
                )


def _optimize(data: Any) -> Iterator[Found]:
    settings = data.get("optimize") if isinstance(data, dict) else None
    if not isinstance(settings, dict):
        return
    for key in ("locks", "forbid"):
        items = settings.get(key)
        if isinstance(items, list):
            for j, item in enumerate(items):
                if isinstance(item, dict):
                    yield from _assignment(data, ("optimize", key, j), item)
