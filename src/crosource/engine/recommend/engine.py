"""The recommendation: additive rule scores per option, with reasons and counterfactuals.

Three decisions (recommend.md, Engine): relationship per program, delivery model per program
(with a boutique flag), and delivery model per (study, function). Program decisions feed the
per-function decisions through the facts `program.model`, `program.relationship` and
`program.boutique`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crosource import catalog
from crosource.domain.portfolio import Portfolio, Program, Study
from crosource.domain.taxonomy import FUNCTIONS, PROVIDER_MODELS, SITE_FACING_FUNCTIONS
from crosource.engine.capability import capable, weighted_rate
from crosource.engine.recommend.conditions import holds
from crosource.engine.recommend.explain import InputSpec, counterfactuals, render
from crosource.engine.recommend.profile import (
    Context,
    Facts,
    Inputs,
    function_facts,
    program_facts,
    sponsor_facts,
)
from crosource.engine.recommend.result import (
    AssignmentResult,
    BoutiqueFlag,
    Decision,
    ProgramResult,
    Reason,
    Recommendation,
)
from crosource.engine.recommend.rules import Rule, RuleSet, constraint_texts, rule_sets

Overrides = Mapping[str, Any]


def constraint(rule: str, **values: Any) -> Reason:
    text = constraint_texts()[rule]
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return Reason(rule, text)


def _tally(
    rules: RuleSet, facts: Facts, unavailable: Mapping[str, Reason]
) -> tuple[str, dict[str, float], list[Rule], list[str]]:
    """The choice, the score of every option, the rules that fired, the options tied at best."""
    scores = dict.fromkeys(rules.options, 0.0)
    fired = [rule for rule in rules.rules if rule.holds(facts)]
    for rule in fired:
        scores[rule.supports] += rule.weight
    open_options = [o for o in rules.tie_order if o not in unavailable] or list(rules.tie_order)
    best = max(scores[o] for o in open_options)
    tied = [o for o in open_options if scores[o] == best]
    return tied[0], scores, fired, tied


def choose(rules: RuleSet, facts: Facts, unavailable: Mapping[str, Reason] | None = None) -> str:
    """Only the choice: what counterfactual search needs, without rendering reasons."""
    return _tally(rules, facts, unavailable or {})[0]


def score(
    rules: RuleSet, facts: Facts, unavailable: Mapping[str, Reason] | None = None
) -> Decision:
    """Score every option, choose the best available one, and say why."""
    unavailable = unavailable or {}
    choice, scores, fired_rules, tied = _tally(rules, facts, unavailable)
    fired = [Reason(r.id, render(r.reason, facts), r.supports, r.weight) for r in fired_rules]
    blocked = list(unavailable.values())
    if all(o in unavailable for o in rules.options):
        blocked.append(constraint("avail.none"))
    order = " > ".join(rules.tie_order)
    notes: list[Reason] = []
    if not any(r.option not in unavailable for r in fired):
        notes.append(constraint("choice.no_rule", choice=choice, order=order))
    elif len(tied) > 1:
        notes.append(
            constraint(
                "choice.tie",
                options=", ".join(tied),
                score=f"{scores[choice]:g}",
                choice=choice,
                order=order,
            )
        )
    fired.sort(key=lambda r: (r.option != choice, -r.weight))
    return Decision(
        choice, scores, fired + notes + blocked, {o: r.text for o, r in unavailable.items()}
    )


@dataclass(frozen=True)
class ProgramState:
    """A program's facts, including its decisions, under some overrides of the inputs."""

    facts: Facts

    @property
    def relationship(self) -> str:
        return str(self.facts["program.relationship"])

    @property
    def model(self) -> str:
        return str(self.facts["program.model"])


class Recommender:
    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.ctx = Context(portfolio)
        self.rules = rule_sets()
        self._programs: dict[tuple[str, tuple[tuple[str, Any], ...]], ProgramState] = {}
        self._providers_blocked: dict[tuple[str, str], dict[str, Reason]] = {}

    # -- program decisions -------------------------------------------------------------------
    def program_state(self, program: Program, overrides: Overrides) -> ProgramState:
        key = (program.id, tuple(sorted(overrides.items())))
        if key not in self._programs:
            inputs = Inputs(self.portfolio, overrides)
            facts = {**sponsor_facts(self.ctx, inputs), **program_facts(self.ctx, inputs, program)}
            facts |= {
                "program.model": choose(self.rules["program_model"], facts),
                "program.relationship": choose(self.rules["relationship"], facts),
                "program.boutique": self._boutique_flag(facts).flag,
            }
            self._programs[key] = ProgramState(facts)
        return self._programs[key]

    def _boutique_flag(self, facts: Facts) -> BoutiqueFlag:
        rules = self.rules["boutique_flag"]
        fired = [
            Reason(r.id, render(r.reason, facts), r.supports, r.weight)
            for r in rules.rules
            if r.holds(facts)
        ]
        total = sum(r.weight for r in fired)
        threshold = float(rules.threshold or 0)
        expert = bool(facts["program.boutique_expert_available"])
        return BoutiqueFlag(expert and total >= threshold, total, threshold, fired)

    # -- per (study, function) ---------------------------------------------------------------
    def _unavailable(self, study: Study, function: str, facts: Facts) -> dict[str, Reason]:
        blocked = dict(self._blocked_providers(study, function))
        if float(facts["function.internal_fte"]) <= 0:
            label = catalog.label("functions", function)
            blocked["in_house"] = constraint("avail.in_house.no_staff", function=label)
        return blocked

    def _blocked_providers(self, study: Study, function: str) -> dict[str, Reason]:
        """Provider models nobody can deliver; they do not depend on the sponsor's inputs."""
        key = (study.id, function)
        if key in self._providers_blocked:
            return self._providers_blocked[key]
        label = catalog.label("functions", function)
        blocked: dict[str, Reason] = {}
        for model in PROVIDER_MODELS:
            if not capable(self.portfolio, study, function, model):
                regions = ""
                if function in SITE_FACING_FUNCTIONS:
                    names = ", ".join(catalog.label("regions", r) for r in study.regions)
                    regions = f" in all of the study's regions ({names})"
                blocked[model] = constraint(
                    "avail.provider.none", function=label, model=model, regions=regions
                )
        self._providers_blocked[key] = blocked
        return blocked

    def _function_facts(self, study: Study, function: str, overrides: Overrides) -> Facts:
        program = self.program_state(self.portfolio.program(study.program), overrides)
        return function_facts(
            self.ctx, Inputs(self.portfolio, overrides), study, function, program.facts
        )

    def function_decision(self, study: Study, function: str, overrides: Overrides) -> Decision:
        facts = self._function_facts(study, function, overrides)
        return score(self.rules["function_model"], facts, self._unavailable(study, function, facts))

    def function_choice(self, study: Study, function: str, overrides: Overrides) -> str:
        facts = self._function_facts(study, function, overrides)
        return choose(
            self.rules["function_model"], facts, self._unavailable(study, function, facts)
        )

    def _provider(self, study: Study, function: str, model: str) -> tuple[str | None, list[Reason]]:
        if model == "in_house":
            return None, []
        ranked = capable(self.portfolio, study, function, model)
        if not ranked:
            return None, []
        best = ranked[0]
        rate = weighted_rate(best, study, function)
        label = catalog.label("functions", function)
        if rate is None:
            return best.id, [
                constraint("provider.unpriced", provider=best.id, function=label, model=model)
            ]
        others = [
            f"{p.id} {r:,.0f}"
            for p in ranked[1:4]
            if (r := weighted_rate(p, study, function)) is not None
        ]
        tail = f" (next: {'; '.join(others)})" if others else ""
        return best.id, [
            constraint(
                "provider.cheapest_capable",
                provider=best.id,
                model=model,
                function=label,
                rate=f"{rate:,.0f}",
                others=tail,
            )
        ]

    # -- counterfactual inputs ---------------------------------------------------------------
    def _inputs(self, program: Program, functions: Sequence[str]) -> list[InputSpec]:
        sponsor = self.portfolio.sponsor
        specs = [InputSpec("sponsor.oversight_fte", "number", sponsor.oversight_fte)]
        for name, value in sponsor.preferences.model_dump().items():
            kind = "bool" if isinstance(value, bool) else "level"
            specs.append(InputSpec(f"preferences.{name}", kind, value))
        for function in functions:
            own = sponsor.internal.get(function)  # type: ignore[call-overload]
            specs.append(
                InputSpec(
                    f"sponsor.internal.{function}.maturity", "maturity", own.maturity if own else 0
                )
            )
            specs.append(
                InputSpec(f"sponsor.internal.{function}.fte", "number", own.fte if own else 0.0)
            )
        specs.append(InputSpec(f"programs.{program.id}.rare_disease", "bool", program.rare_disease))
        return specs

    def _program_result(self, program: Program) -> ProgramResult:
        facts = self.program_state(program, {}).facts
        relationship = score(self.rules["relationship"], facts)
        model = score(self.rules["program_model"], facts)
        needed = sorted(
            {
                f
                for s in self.portfolio.studies_of(program.id)
                for f, e in s.demand.items()
                if e > 0
            },
            key=FUNCTIONS.index,
        )
        specs = self._inputs(program, needed)
        relationship.counterfactuals = counterfactuals(
            specs, lambda o: self.program_state(program, o).relationship, relationship.choice
        )
        model.counterfactuals = counterfactuals(
            specs, lambda o: self.program_state(program, o).model, model.choice
        )
        return ProgramResult(
            program.id, program.name or program.id, relationship, model, self._boutique_flag(facts)
        )

    def _assignment(self, study: Study, function: str) -> AssignmentResult:
        program = self.portfolio.program(study.program)
        decision = self.function_decision(study, function, {})
        decision.counterfactuals = counterfactuals(
            self._inputs(program, [function]),
            lambda o: self.function_choice(study, function, o),
            decision.choice,
        )
        provider, reasons = self._provider(study, function, decision.choice)
        return AssignmentResult(study.id, program.id, function, provider, decision, reasons)

    def run(self) -> Recommendation:
        programs = [self._program_result(p) for p in self.portfolio.programs]
        assignments = [
            self._assignment(study, function)
            for study in sorted(self.portfolio.studies, key=lambda s: (s.program, s.start, s.id))
            for function in FUNCTIONS
            if study.effort(function) > 0
        ]
        facts = {p.id: self.program_state(p, {}).facts for p in self.portfolio.programs}
        return Recommendation(programs, assignments, self._questions(facts), facts)

    def _questions(self, facts: dict[str, Facts]) -> list[str]:
        asked = []
        for question in catalog.load("provider_questions")["questions"]:
            if any(holds(question["when"], f) for f in facts.values()):
                asked.append(str(question["text"]))
        return asked


def recommend(portfolio: Portfolio) -> Recommendation:
    return Recommender(portfolio).run()
