"""HTML reports, rendered with Jinja2 from result objects; self-contained (no external assets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crosource.domain.portfolio import Portfolio
from crosource.domain.taxonomy import FUNCTIONS
from crosource.engine.recommend.result import Recommendation
from crosource.engine.recommend.rules import rule_sets
from crosource.report import labels
from crosource.report.templating import environment as _env


def _basis() -> dict[str, str]:
    from crosource import catalog

    basis = {r.id: r.basis for s in rule_sets().values() for r in s.rules}
    basis |= {str(r["id"]): str(r["basis"]) for r in catalog.load("rules/constraints")["rules"]}
    return basis


def recommendation_html(portfolio: Portfolio, result: Recommendation) -> str:
    cells = {(a.study, a.function): a for a in result.assignments}
    functions = {
        p.id: [
            f
            for f in FUNCTIONS
            if any(a.program == p.id and a.function == f for a in result.assignments)
        ]
        for p in result.programs
    }
    cited_ids: list[str] = []
    decisions: list[Any] = [p.relationship for p in result.programs]
    decisions += [p.model for p in result.programs] + [a.decision for a in result.assignments]
    for decision in decisions:
        cited_ids += [r.rule for r in decision.reasons]
    for a in result.assignments:
        cited_ids += [r.rule for r in a.provider_reasons]
    for p in result.programs:
        cited_ids += [r.rule for r in p.boutique.reasons]
    basis = _basis()
    mix = {p.id: _effort_mix(portfolio, result, p.id) for p in result.programs}
    cited = [(i, basis.get(i, "")) for i in sorted(set(cited_ids))]
    return _env.get_template("recommend.html.j2").render(
        title=f"Sourcing recommendation: {portfolio.sponsor.name}",
        subtitle=(
            f"{len(portfolio.programs)} programs · {len(portfolio.studies)} studies · "
            f"{len(portfolio.providers)} candidate providers"
        ),
        generated=dt.date.today().isoformat(),
        result=result,
        facts=result.facts,
        studies={p.id: portfolio.studies_of(p.id) for p in portfolio.programs},
        functions=functions,
        cells=cells,
        cited=cited,
        mix=mix,
    )


def _effort_mix(
    portfolio: Portfolio, result: Recommendation, program: str
) -> list[tuple[str, float]]:
    """The share of the program's effort (FTE-months) recommended for each delivery model."""
    effort: dict[str, float] = {}
    studies = {s.id: s for s in portfolio.studies}
    for a in result.assignments:
        if a.program == program:
            effort[a.choice] = effort.get(a.choice, 0.0) + studies[a.study].effort(a.function)
    total = sum(effort.values()) or 1.0
    return [(o, effort[o] / total) for o in labels.MODEL_ORDER if o in effort]
