"""Result objects of the recommendation: each carries its explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str
    option: str | None = None  # the option a scored rule supports; None for constraints
    weight: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "option": self.option, "weight": self.weight}


@dataclass(frozen=True)
class Counterfactual:
    input: str
    current: Any
    to: Any
    choice: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "from": self.current,
            "to": self.to,
            "choice": self.choice,
            "text": self.text,
        }


@dataclass
class Decision:
    choice: str
    scores: dict[str, float]
    reasons: list[Reason]
    unavailable: dict[str, str] = field(default_factory=dict)
    counterfactuals: list[Counterfactual] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "choice": self.choice,
            "scores": self.scores,
            "reasons": [r.to_json() for r in self.reasons],
            "counterfactuals": [c.to_json() for c in self.counterfactuals],
            "unavailable": self.unavailable,
        }

    def cites(self, rule: str) -> bool:
        return any(r.rule == rule for r in self.reasons)


@dataclass
class BoutiqueFlag:
    flag: bool
    score: float
    threshold: float
    reasons: list[Reason]

    def to_json(self) -> dict[str, Any]:
        return {
            "flag": self.flag,
            "score": self.score,
            "threshold": self.threshold,
            "reasons": [r.to_json() for r in self.reasons],
        }


@dataclass
class ProgramResult:
    id: str
    name: str
    relationship: Decision
    model: Decision
    boutique: BoutiqueFlag

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "relationship": self.relationship.to_json(),
            "model": {**self.model.to_json(), "boutique": self.boutique.to_json()},
        }


@dataclass
class AssignmentResult:
    study: str
    program: str
    function: str
    provider: str | None
    decision: Decision
    provider_reasons: list[Reason]

    @property
    def choice(self) -> str:
        return self.decision.choice

    def to_json(self) -> dict[str, Any]:
        body = self.decision.to_json()
        return {
            "study": self.study,
            "program": self.program,
            "function": self.function,
            "choice": body.pop("choice"),
            "provider": self.provider,
            **body,
            "provider_reasons": [r.to_json() for r in self.provider_reasons],
        }


@dataclass
class Recommendation:
    programs: list[ProgramResult]
    assignments: list[AssignmentResult]
    questions_for_providers: list[str]
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # program id -> facts

    def program(self, program_id: str) -> ProgramResult:
        return next(p for p in self.programs if p.id == program_id)

    def assignment(self, study: str, function: str) -> AssignmentResult:
        return next(a for a in self.assignments if a.study == study and a.function == function)

    def to_json(self) -> dict[str, Any]:
        return {
            "programs": [p.to_json() for p in self.programs],
            "assignments": [a.to_json() for a in self.assignments],
            "questions_for_providers": self.questions_for_providers,
        }
