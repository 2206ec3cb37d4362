"""Sourcing plans resolved to a choice for every (study, function) with demand, and the
built-in scenario generators of cost-model.md ("Scenarios").

A plan from the portfolio may leave (study, function) pairs out when it has `base: recommended`;
the recommendation fills them. Relationships default to the recommendation's choice for the
program; a plan's `relationships` override them per (program, provider).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from crosource.domain.portfolio import Plan, Portfolio, Study
from crosource.domain.taxonomy import FUNCTIONS
from crosource.engine.capability import can_deliver, capable
from crosource.engine.recommend.engine import recommend
from crosource.engine.recommend.result import Recommendation
from crosource.engine.timeline import expected_duration_months

FSP_CORE = ("data_management", "biostatistics", "statistical_programming", "clinical_monitoring")
BUILT_IN = ("recommended", "all_fso:<provider>", "fsp_core", "in_house_max", "optimized")
Key = tuple[str, str]


class PlanError(ValueError):
    """A plan that cannot be priced, with the path of the offending part in the portfolio."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Choice:
    model: str
    provider: str | None  # None for in_house
    source: str  # where the choice comes from: the plan, the recommendation, a generator


@dataclass
class ResolvedPlan:
    name: str
    description: str
    cells: dict[Key, Choice]
    relationships: dict[Key, str] = field(default_factory=dict)  # (program, provider) -> type

    def relationship(self, program: str, provider: str | None) -> str:
        if provider is None:
            return "none"
        return self.relationships.get((program, provider), "tactical")


def _needs(portfolio: Portfolio) -> list[tuple[Study, str]]:
    return [(s, f) for s in portfolio.studies for f in FUNCTIONS if s.effort(f) > 0]


class Planner:
    """Builds the plans of one portfolio; the recommendation is computed once and shared."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self._recommendation: Recommendation | None = None

    @property
    def recommendation(self) -> Recommendation:
        if self._recommendation is None:
            self._recommendation = recommend(self.portfolio)
        return self._recommendation

    def _default_relationships(self, cells: dict[Key, Choice]) -> dict[Key, str]:
        chosen = {p.id: p.relationship.choice for p in self.recommendation.programs}
        study_program = {s.id: s.program for s in self.portfolio.studies}
        return {
            (study_program[study], choice.provider): chosen[study_program[study]]
            for (study, _), choice in cells.items()
            if choice.provider is not None
        }

    def recommended_cells(self) -> dict[Key, Choice]:
        cells: dict[Key, Choice] = {}
        internal = self.portfolio.sponsor.internal
        for assignment in self.recommendation.assignments:
            key = (assignment.study, assignment.function)
            if assignment.choice == "in_house" or assignment.provider is not None:
                cells[key] = Choice(assignment.choice, assignment.provider, "recommended")
                continue
            # The recommended model has no capable provider: take the next best option that
            # can be delivered (by score), so that the plan can be priced.
            study = next(s for s in self.portfolio.studies if s.id == assignment.study)
            ranked = sorted(
                assignment.decision.scores, key=lambda o: -assignment.decision.scores[o]
            )
            for option in ranked:
                if option == "in_house" and assignment.function in internal:
                    cells[key] = Choice("in_house", None, "recommended (fallback)")
                    break
                found = capable(self.portfolio, study, assignment.function, option)
                if option != "in_house" and found:
                    cells[key] = Choice(option, found[0].id, "recommended (fallback)")
                    break
            else:
                index = next(i for i, s in enumerate(self.portfolio.studies) if s.id == study.id)
                raise PlanError(
                    ("studies", index, "demand", assignment.function),
                    f"no candidate provider can deliver {assignment.function} for study "
                    f"{study.id} and the sponsor has no internal staff for it: add a provider "
                    "or internal staff before pricing",
                )
        return cells

    def recommended(self) -> ResolvedPlan:
        cells = self.recommended_cells()
        return ResolvedPlan(
            "recommended",
            "The recommendation's choice for every (study, function), cheapest capable provider.",
            cells,
            self._default_relationships(cells),
        )

    def from_plan(self, plan: Plan, index: int) -> ResolvedPlan:
        cells = self.recommended_cells() if plan.base == "recommended" else {}
        for j, item in enumerate(plan.assignments):
            studies = (
                [s for s in self.portfolio.studies if s.effort(item.function) > 0]
                if item.study == "*"
                else [s for s in self.portfolio.studies if s.id == item.study]
            )
            for study in studies:
                if study.effort(item.function) <= 0:
                    continue
                if item.model != "in_house":
                    provider = self.portfolio.provider(str(item.provider))
                    if not can_deliver(provider, study, item.function, item.model):
                        raise PlanError(
                            ("plans", index, "assignments", j),
                            f"{provider.id} cannot deliver {item.function} as {item.model} for "
                            f"study {study.id}: it does not cover all of the study's regions",
                        )
                cells[(study.id, item.function)] = Choice(item.model, item.provider, "plan")
        missing = [k for s, f in _needs(self.portfolio) if (k := (s.id, f)) not in cells]
        if missing:
            raise PlanError(
                ("plans", index, "assignments"),
                f"plan {plan.name} leaves {missing[0][0]}/{missing[0][1]} unassigned",
            )
        relationships = self._default_relationships(cells)
        for link in plan.relationships:
            relationships[(link.program, link.provider)] = link.type
        return ResolvedPlan(plan.name, f"Plan {plan.name} of the portfolio.", cells, relationships)

    def _fill(
        self, name: str, description: str, pick: Callable[[Study, str], Choice | None]
    ) -> ResolvedPlan:
        cells = self.recommended_cells()
        for study, function in _needs(self.portfolio):
            choice = pick(study, function)
            if choice is not None:
                cells[(study.id, function)] = choice
        return ResolvedPlan(name, description, cells, self._default_relationships(cells))

    def all_fso(self, provider_id: str) -> ResolvedPlan:
        ids = [p.id for p in self.portfolio.providers]
        if provider_id not in ids:
            raise PlanError(
                (),
                f"all_fso: unknown provider {provider_id!r}; expected one of "
                f"{', '.join(ids) or 'none'}",
            )
        provider = self.portfolio.provider(provider_id)
        if "fso" not in provider.models:
            raise PlanError((), f"all_fso: {provider_id} does not offer the fso model")

        def pick(study: Study, function: str) -> Choice | None:
            if can_deliver(provider, study, function, "fso"):
                return Choice("fso", provider_id, f"all_fso:{provider_id}")
            return None

        return self._fill(
            f"all_fso:{provider_id}",
            f"{provider_id} as full-service CRO for all it can deliver; the rest as recommended.",
            pick,
        )

    def fsp_core(self) -> ResolvedPlan:
        def pick(study: Study, function: str) -> Choice | None:
            model = "fsp" if function in FSP_CORE else "fso"
            found = capable(self.portfolio, study, function, model)
            return Choice(model, found[0].id, "fsp_core") if found else None

        return self._fill(
            "fsp_core",
            "FSP for data management, biostatistics, programming and monitoring "
            "(cheapest capable), the rest full-service; gaps as recommended.",
            pick,
        )

    def in_house_max(self) -> ResolvedPlan:
        """In-house wherever internal staff can carry the study's monthly load, earliest studies
        first; the rest as recommended."""
        origin = min(s.start for s in self.portfolio.studies)
        months = 12 * 30
        load = {f: np.zeros(months) for f in FUNCTIONS}
        chosen: set[Key] = set()
        for study, function in sorted(_needs(self.portfolio), key=lambda x: (x[0].start, x[0].id)):
            own = self.portfolio.sponsor.internal.get(function)  # type: ignore[call-overload]
            if own is None or own.fte <= 0:
                continue
            duration = max(expected_duration_months(self.portfolio, study), 1.0)
            first = (study.start.year - origin.year) * 12 + study.start.month - origin.month
            span = slice(first, min(first + int(np.ceil(duration)), months))
            fte = study.effort(function) / duration
            if np.all(load[function][span] + fte <= own.fte + 1e-9):
                load[function][span] += fte
                chosen.add((study.id, function))

        cells = self.recommended_cells()

        def pick(study: Study, function: str) -> Choice | None:
            if (study.id, function) in chosen:
                return Choice("in_house", None, "in_house_max")
            if cells[(study.id, function)].model == "in_house":
                # The recommendation keeps it in-house, but the staff are taken: go outside.
                return self._external(study, function, "in_house_max (no capacity left)")
            return None

        return self._fill(
            "in_house_max",
            "In-house wherever internal staff can carry the load, earliest studies "
            "first; the rest as recommended.",
            pick,
        )

    def _external(self, study: Study, function: str, source: str) -> Choice | None:
        """The best-scoring external option that a provider can deliver, if any."""
        decision = self.recommendation.assignment(study.id, function).decision
        for option in sorted(decision.scores, key=lambda o: -decision.scores[o]):
            if option == "in_house":
                continue
            found = capable(self.portfolio, study, function, option)
            if found:
                return Choice(option, found[0].id, source)
        return None

    def scenario(self, name: str) -> ResolvedPlan:
        for index, plan in enumerate(self.portfolio.plans):
            if plan.name == name:
                return self.from_plan(plan, index)
        if name == "recommended":
            return self.recommended()
        if name == "fsp_core":
            return self.fsp_core()
        if name == "in_house_max":
            return self.in_house_max()
        if name.startswith("all_fso:"):
            return self.all_fso(name.split(":", 1)[1])
        if name == "optimized":
            return self.optimized()
        known = [p.name for p in self.portfolio.plans] + list(BUILT_IN)
        raise PlanError((), f"unknown scenario {name!r}; expected one of: {', '.join(known)}")

    def optimized(self) -> ResolvedPlan:
        """The optimizer's plan under the portfolio's `optimize:` settings (optimize.md)."""
        from crosource.engine.optimize.engine import optimize  # the optimizer prices plans too

        result = optimize(self.portfolio, planner=self)
        if result.plan is None:
            why = "; ".join(s.text for s in result.infeasibility[:3]) or result.status.value
            raise PlanError(
                ("optimize",), f"the optimizer found no plan ({result.status.value}): {why}"
            )
        return result.plan

    def default_names(self) -> list[str]:
        names = ["recommended", *(p.name for p in self.portfolio.plans), "fsp_core"]
        if self.portfolio.sponsor.internal:
            names.append("in_house_max")
        return names
