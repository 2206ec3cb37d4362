"""The assessment questionnaire without its user interface: answers checked one by one, and the
portfolio built from them.

The terminal (`crosource assess`) and the web wizard ask the same questions of
catalog/questionnaire.yaml in their own way; both check each answer with the parsers here and
build the portfolio with `build_portfolio`, so that the same answers give the same portfolio.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from crosource.domain.portfolio import (
    SCHEMA,
    Id,
    InternalCapability,
    NonNegative,
    Portfolio,
    Positive,
    Preferences,
    Program,
    Study,
)
from crosource.domain.taxonomy import REGIONS, FunctionId, Stage
from crosource.domain.validation import validate_portfolio
from crosource.engine.recommend.questions import estimate_demand, questionnaire
from crosource.io.errors import FileProblem, InvalidInput, render_path

MAX_PROGRAMS = 20
MAX_STUDIES = 100
MAX_TEXT = 100
# What a form accepts, far above any real study (assumption): a typing slip such as 1e20 is
# refused at its field instead of becoming a portfolio of absurd size.
MAX_PATIENTS = 10_000_000
MAX_SITES_PER_REGION = 100_000


def choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(answer: str) -> str:
        if answer not in options:
            raise ValueError(f"expected one of: {', '.join(options)}")
        return answer

    return parse


def number(
    minimum: float = 0.0, whole: bool = False, maximum: float | None = None
) -> Callable[[str], float]:
    def parse(answer: str) -> float:
        try:
            value = float(answer)
        except ValueError:
            raise ValueError("expected a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("expected a finite number")
        kind = "a whole number" if whole else "a number"
        if value < minimum or (whole and not value.is_integer()):
            raise ValueError(f"expected {kind} of at least {minimum:g}")
        if maximum is not None and value > maximum:
            raise ValueError(f"expected {kind} of at most {maximum:,.0f}")
        return value

    return parse


def yes_no(answer: str) -> bool:
    if answer.lower() in ("y", "yes", "true"):
        return True
    if answer.lower() in ("n", "no", "false"):
        return False
    raise ValueError("answer yes or no")


def date(answer: str) -> str:
    try:
        return dt.date.fromisoformat(answer).isoformat()
    except ValueError:
        raise ValueError("expected a date as YYYY-MM-DD") from None


def text(answer: str) -> str:
    """An id or a name: not empty, not too long, printable."""
    if not answer:
        raise ValueError("cannot be empty")
    if len(answer) > MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in answer):
        raise ValueError("cannot hold control characters")
    return answer


def regions(answer: str) -> dict[str, int]:
    """Sites per region as the terminal asks them: `north_america:20, western_europe:10`."""
    found: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in answer.split(","))):
        name, _, count = part.partition(":")
        if name.strip() not in REGIONS:
            raise ValueError(f"unknown region {name.strip()!r}; expected: {', '.join(REGIONS)}")
        if not count.strip().isdigit():
            raise ValueError(f"expected region:sites, e.g. north_america:20 (got {part!r})")
        found[name.strip()] = int(count)
    if not found:
        raise ValueError("name at least one region, e.g. north_america:20, western_europe:10")
    return found


def questions_by_id() -> dict[str, dict[str, Any]]:
    return {str(q["id"]): q for q in questionnaire()}


def preference_questions() -> list[tuple[str, dict[str, Any]]]:
    """(preference name, question) for every question answered by a sponsor preference."""
    found = []
    for question in questionnaire():
        field = str(question.get("field", ""))
        if field.startswith("sponsor.preferences."):
            found.append((field.rsplit(".", 1)[1], question))
    return found


def build_portfolio(
    sponsor: dict[str, Any],
    programs: list[dict[str, Any]],
    studies: list[dict[str, Any]],
    source: str = "answers",
) -> Portfolio:
    """The portfolio the answers describe, without providers; a study's demand by function is
    estimated from its sites, patients and duration when the answers do not give it."""
    data = {
        "schema": SCHEMA,
        "sponsor": sponsor,
        "programs": programs,
        "studies": studies,
        "providers": [],
    }
    portfolio, problems = validate_portfolio(data)
    if portfolio is None:
        raise InvalidInput([FileProblem(source, render_path(p.path), p.message) for p in problems])
    for study in portfolio.studies:
        if not study.demand:
            study.demand = estimate_demand(portfolio, study)  # type: ignore[assignment]
    return portfolio


class DraftSponsor(BaseModel):
    """The sponsor as far as it has been answered; unanswered questions are None."""

    model_config = ConfigDict(extra="forbid")
    name: Id | None = None
    stage: Stage | None = None
    internal: dict[FunctionId, InternalCapability] = Field(default_factory=dict)
    internal_cost_per_fte_month: Positive | None = None
    oversight_fte: NonNegative | None = None
    preferences: Preferences | None = None


class Draft(BaseModel):
    """The answers of an assessment in progress (what the wizard saves at every step)."""

    model_config = ConfigDict(extra="forbid")
    sponsor: DraftSponsor = Field(default_factory=DraftSponsor)
    programs: Annotated[list[Program], Field(max_length=MAX_PROGRAMS)] = Field(default_factory=list)
    studies: Annotated[list[Study], Field(max_length=MAX_STUDIES)] = Field(default_factory=list)


def draft_from_data(data: Any) -> Draft:
    """A stored draft; one that no longer validates (the vocabulary changed) starts afresh."""
    try:
        return Draft.model_validate(data or {})
    except ValueError:
        return Draft()


def build_from_draft(draft: Draft) -> Portfolio:
    """The portfolio of a finished draft; every unanswered or invalid answer is a problem."""
    problems: list[FileProblem] = []
    if draft.sponsor.name is None:
        problems.append(FileProblem("answers", "sponsor.name", "the sponsor's name is missing"))
    if not draft.programs:
        problems.append(FileProblem("answers", "programs", "add at least one program"))
    if not draft.studies:
        problems.append(FileProblem("answers", "studies", "add at least one study"))
    if problems:
        raise InvalidInput(problems)
    sponsor = draft.sponsor.model_dump(mode="json", exclude_none=True)
    return build_portfolio(
        sponsor,
        [p.model_dump(mode="json") for p in draft.programs],
        [s.model_dump(mode="json") for s in draft.studies],
    )
