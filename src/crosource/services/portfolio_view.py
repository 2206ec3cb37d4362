"""A portfolio as people read it: labelled tables of its sponsor, programs, studies, demand,
plans and providers, built from the validated domain objects for the pages to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crosource import catalog
from crosource.domain.portfolio import Portfolio, Provider, Study
from crosource.domain.taxonomy import FUNCTIONS, REGIONS
from crosource.services.assessment import preference_questions

KIND_LABELS = {
    "large_cro": "Large CRO",
    "midsize_cro": "Mid-size CRO",
    "boutique": "Boutique specialist",
    "fsp_specialist": "FSP specialist",
}
MODEL_LABELS = {
    "in_house": "In-house",
    "fso": "Full-service (FSO)",
    "fsp": "Functional service (FSP)",
    "boutique": "Boutique",
}
MATURITY_LABELS = ("none", "basic", "developing", "strong", "best in class")
LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High", True: "Yes", False: "No"}


def label(vocabulary: str, item: str) -> str:
    return catalog.label(vocabulary, item)


def preference_rows(portfolio: Portfolio) -> list[tuple[str, str, str]]:
    """(preference, question, answer) in the questionnaire's order."""
    prefs = portfolio.sponsor.preferences
    return [
        (name, str(q["text"]), LEVEL_LABELS.get(getattr(prefs, name), str(getattr(prefs, name))))
        for name, q in preference_questions()
    ]


def internal_rows(portfolio: Portfolio) -> list[tuple[str, float, int, str]]:
    """(function label, FTE, maturity, maturity label) for each function staffed in-house."""
    return [
        (label("functions", f), cap.fte, cap.maturity, MATURITY_LABELS[cap.maturity])
        for f, cap in portfolio.sponsor.internal.items()
    ]


def regions_text(study: Study) -> str:
    return ", ".join(f"{label('regions', r)} {n}" for r, n in study.regions.items() if n)


@dataclass(frozen=True)
class DemandTable:
    programs: list[str]
    rows: list[tuple[str, list[float], float]]  # function label, by program, total
    totals: list[float]
    total: float


def demand_table(portfolio: Portfolio) -> DemandTable:
    """FTE-months by function (rows) and program (columns), over every study."""
    programs = [p.id for p in portfolio.programs]
    rows = []
    for function in FUNCTIONS:
        by_program = [
            sum(s.effort(function) for s in portfolio.studies if s.program == program)
            for program in programs
        ]
        if any(by_program):
            rows.append((label("functions", function), by_program, sum(by_program)))
    totals = [sum(row[1][i] for row in rows) for i in range(len(programs))]
    return DemandTable(programs, rows, totals, sum(totals))


def plan_rows(portfolio: Portfolio) -> list[dict[str, Any]]:
    rows = []
    for plan in portfolio.plans:
        models: dict[str, int] = {}
        for a in plan.assignments:
            models[a.model] = models.get(a.model, 0) + 1
        rows.append(
            {
                "name": plan.name,
                "base": plan.base or "",
                "assignments": len(plan.assignments),
                "relationships": len(plan.relationships),
                "models": ", ".join(f"{MODEL_LABELS.get(m, m)} {n}" for m, n in models.items()),
            }
        )
    return rows


@dataclass(frozen=True)
class ProviderCard:
    provider: Provider
    kind: str
    models: list[str]
    functions: list[str]
    regions: list[str]
    areas: list[tuple[str, float]]
    capacity: list[tuple[str, float]]
    rate_regions: list[str]  # the rate card's columns: regions used, then "default"
    rates: list[tuple[str, list[float | None]]]  # function label, rate per column
    scores: list[tuple[str, float]]


def provider_cards(portfolio: Portfolio) -> list[ProviderCard]:
    return [_card(p) for p in portfolio.providers]


def _card(provider: Provider) -> ProviderCard:
    used = {r for by_region in provider.rates_usd_per_fte_month.values() for r in by_region}
    columns = [r for r in REGIONS if r in used] + (["default"] if "default" in used else [])
    rates = [
        (label("functions", f), [by_region.get(c) for c in columns])
        for f, by_region in provider.rates_usd_per_fte_month.items()
    ]
    criteria = catalog.by_id("criteria")
    return ProviderCard(
        provider=provider,
        kind=KIND_LABELS.get(provider.kind, provider.kind),
        models=[MODEL_LABELS.get(m, m) for m in provider.models],
        functions=[label("functions", f) for f in provider.functions],
        regions=[label("regions", r) for r in provider.regions],
        areas=[(label("therapeutic_areas", a), s) for a, s in provider.therapeutic_areas.items()],
        capacity=[(label("functions", f), v) for f, v in provider.capacity_fte.items()],
        rate_regions=[label("regions", c) if c != "default" else "Elsewhere" for c in columns],
        rates=rates,
        scores=[(str(criteria.get(k, {}).get("label", k)), v) for k, v in provider.scores.items()],
    )


def coverage_rows(portfolio: Portfolio) -> list[tuple[str, list[bool]]]:
    """Which provider offers which function: (function label, offered per provider)."""
    return [
        (label("functions", f), [f in p.functions for p in portfolio.providers])
        for f in FUNCTIONS
        if any(f in p.functions for p in portfolio.providers)
    ]
