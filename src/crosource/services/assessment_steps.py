"""The assessment as a step-by-step form: the steps, and how a step's posted fields become
answers (or messages at the fields that cannot be used); assessment_values.py shows them.

Form fields are plain strings; a checkbox is present when ticked. Row steps (programs, studies)
name their fields `p0.id`, `s1.sites.north_america`, ... and carry the number of rows in `rows`.
A step's answers reach the draft only when every field of the step is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from crosource import catalog
from crosource.domain.portfolio import InternalCapability, Preferences, Program, Study
from crosource.domain.taxonomy import FUNCTIONS, LEVELS, PHASES, REGIONS, STAGES, THERAPEUTIC_AREAS
from crosource.services.assessment import (
    MAX_PATIENTS,
    MAX_PROGRAMS,
    MAX_SITES_PER_REGION,
    MAX_STUDIES,
    Draft,
    choice,
    date,
    number,
    preference_questions,
    text,
)

Form = Mapping[str, str]
CONTROL_PREFERENCES = (
    "control",
    "sponsor_systems",
    "central_data_management",
    "own_investigator_relationships",
)


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    lead: str


STEPS = (
    Step("sponsor", "Your organisation", "Who the sponsor is and how far its products are."),
    Step("team", "Your team", "The staff you have: who delivers which function, who oversees."),
    Step("priorities", "Priorities", "What matters most when choosing how to outsource."),
    Step("control", "Control", "How much of the work, systems and relationships you keep."),
    Step("programs", "Programs", "Your development programs (one per asset and indication)."),
    Step("studies", "Studies", "The studies of each program: size, places and timing."),
    Step("review", "Review", "Check the answers, name the portfolio, and create it."),
)
STEP_KEYS = tuple(s.key for s in STEPS)


def step_index(key: str) -> int:
    return STEP_KEYS.index(key) if key in STEP_KEYS else 0


def step_for(where: str) -> Step:
    """The step that asks the answer at a path of the portfolio (`studies[0].regions`)."""
    if where.startswith(("sponsor.name", "sponsor.stage")):
        return STEPS[0]
    if where.startswith("sponsor.preferences."):
        name = where.split(".")[2]
        return STEPS[3] if name in CONTROL_PREFERENCES else STEPS[2]
    if where.startswith("sponsor"):
        return STEPS[1]
    if where.startswith("programs"):
        return STEPS[4]
    return STEPS[5]


@dataclass
class Outcome:
    """A posted step: the draft with its answers when they are all valid, else the messages."""

    draft: Draft | None
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def _field(form: Form, name: str, parse: Callable[[str], Any], errors: dict[str, str]) -> Any:
    try:
        return parse(form.get(name, "").strip())
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def _ticked(form: Form, name: str) -> bool:
    return form.get(name, "") in ("yes", "on", "true", "1")


def _level(value: str) -> str:
    return choice(LEVELS)(value)


def _yes_no_radio(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError("choose yes or no")
    return value == "yes"


def _rows(form: Form, most: int) -> int:
    try:
        count = int(form.get("rows", "0"))
    except ValueError:
        return 0
    return max(0, min(count, most))


def _optional_whole(value: str) -> int:
    if not value:
        return 0
    return int(number(0, whole=True, maximum=MAX_SITES_PER_REGION)(value))


# Reading a posted step into the draft.


def read_step(
    key: str, form: Form, draft: Draft, remove: int | None = None, *, partial: bool = False
) -> Outcome:
    """The draft with the step's answers, or the messages at its fields; `remove` drops a row
    of a row step before checking the others; `partial` accepts a row step with no row yet
    (while rows are being added or removed)."""
    readers: dict[str, Callable[[Form, Draft, int | None], Outcome]] = {
        "sponsor": _read_sponsor,
        "team": _read_team,
        "priorities": _preferences_reader("priorities"),
        "control": _preferences_reader("control"),
        "programs": _read_programs,
        "studies": _read_studies,
    }
    reader = readers.get(key)
    if reader is None:
        return Outcome(draft.model_copy(deep=True))
    outcome = reader(form, draft, remove)
    empty = outcome.values.get("rows") == "0"
    if partial and empty and outcome.draft is None and set(outcome.errors) == {"rows"}:
        updated = draft.model_copy(deep=True)
        setattr(updated, key, [])
        return Outcome(updated, values=outcome.values)
    return outcome


def _posted(form: Form, names: list[str]) -> dict[str, str]:
    return {name: form.get(name, "") for name in names}


def _read_sponsor(form: Form, draft: Draft, remove: int | None) -> Outcome:
    errors: dict[str, str] = {}
    name = _field(form, "name", text, errors)
    stage = _field(form, "stage", choice(STAGES), errors)
    values = _posted(form, ["name", "stage"])
    if errors:
        return Outcome(None, errors, values)
    updated = draft.model_copy(deep=True)
    updated.sponsor.name = name
    updated.sponsor.stage = stage
    return Outcome(updated, values=values)


def _read_team(form: Form, draft: Draft, remove: int | None) -> Outcome:
    errors: dict[str, str] = {}
    internal: dict[str, InternalCapability] = {}
    for function in FUNCTIONS:
        fte = _field(form, f"fte.{function}", number(), errors)
        maturity = _field(form, f"maturity.{function}", choice(("0", "1", "2", "3", "4")), errors)
        if fte and maturity is not None:  # as in the terminal: no staff, no entry
            internal[function] = InternalCapability(fte=fte, maturity=int(maturity))
    oversight = _field(form, "oversight_fte", number(), errors)
    cost = _field(form, "internal_cost_per_fte_month", number(1), errors)
    names = ["oversight_fte", "internal_cost_per_fte_month"]
    names += [f"{kind}.{f}" for f in FUNCTIONS for kind in ("fte", "maturity")]
    values = _posted(form, names)
    if errors:
        return Outcome(None, errors, values)
    updated = draft.model_copy(deep=True)
    updated.sponsor.internal = internal  # type: ignore[assignment]
    updated.sponsor.oversight_fte = oversight
    updated.sponsor.internal_cost_per_fte_month = cost
    return Outcome(updated, values=values)


def step_preferences(key: str) -> list[tuple[str, dict[str, Any]]]:
    """The preference questions a step asks: control and the yes/no ones, or the others."""
    control = key == "control"
    return [(n, q) for n, q in preference_questions() if (n in CONTROL_PREFERENCES) == control]


def _preferences_reader(key: str) -> Callable[[Form, Draft, int | None], Outcome]:
    def read(form: Form, draft: Draft, remove: int | None) -> Outcome:
        errors: dict[str, str] = {}
        answers: dict[str, Any] = {}
        asked = [name for name, _ in step_preferences(key)]
        for name in asked:
            is_bool = isinstance(getattr(Preferences(), name), bool)
            answers[name] = _field(form, name, _yes_no_radio if is_bool else _level, errors)
        values = _posted(form, asked)
        if errors:
            return Outcome(None, errors, values)
        updated = draft.model_copy(deep=True)
        current = (updated.sponsor.preferences or Preferences()).model_dump()
        updated.sponsor.preferences = Preferences.model_validate(current | answers)
        return Outcome(updated, values=values)

    return read


def _read_programs(form: Form, draft: Draft, remove: int | None) -> Outcome:
    errors: dict[str, str] = {}
    rows = [i for i in range(_rows(form, MAX_PROGRAMS + 1)) if i != remove]
    programs: list[Program] = []
    values: dict[str, str] = {}
    seen: dict[str, int] = {}
    for new, i in enumerate(rows):
        row_errors: dict[str, str] = {}
        pid = _field(form, f"p{i}.id", text, row_errors)
        area = _field(form, f"p{i}.therapeutic_area", _area, row_errors)
        name = form.get(f"p{i}.name", "").strip()
        if name:
            name = _field(form, f"p{i}.name", text, row_errors) or ""
        if pid is not None and pid in seen:
            row_errors[f"p{i}.id"] = f"program {seen[pid] + 1} has this id already"
        seen.setdefault(pid, new)
        errors |= {k.replace(f"p{i}.", f"p{new}.", 1): v for k, v in row_errors.items()}
        for part in ("id", "name", "therapeutic_area", "rare_disease", "commercial_intent"):
            values[f"p{new}.{part}"] = form.get(f"p{i}.{part}", "")
        if not row_errors:
            programs.append(
                Program(
                    id=pid,
                    name=name or pid,
                    therapeutic_area=area,
                    rare_disease=_ticked(form, f"p{i}.rare_disease"),
                    commercial_intent=_ticked(form, f"p{i}.commercial_intent"),
                )
            )
    values["rows"] = str(len(rows))
    if not rows:
        errors["rows"] = "add at least one program"
    if len(rows) > MAX_PROGRAMS:
        errors["rows"] = f"at most {MAX_PROGRAMS} programs"
    if errors:
        return Outcome(None, errors, values)
    updated = draft.model_copy(deep=True)
    updated.programs = programs
    # A program renamed in its row takes its studies along; the row index is the old position.
    renamed = {
        draft.programs[i].id: program.id
        for i, program in zip(rows, programs, strict=True)
        if i < len(draft.programs) and draft.programs[i].id != program.id
    }
    for study in updated.studies:
        study.program = renamed.get(study.program, study.program)
    return Outcome(updated, values=values)


def _area(value: str) -> str:
    if not value:
        raise ValueError("choose the therapeutic area")
    return choice(THERAPEUTIC_AREAS)(value)


STUDY_TEXT = (
    "id",
    "program",
    "phase",
    "start",
    "patients",
    "enrollment_rate",
    "treatment_followup_months",
    "complexity",
)
STUDY_FLAGS = ("adaptive_design", "pivotal", "feasibility_only")


def _read_studies(form: Form, draft: Draft, remove: int | None) -> Outcome:
    errors: dict[str, str] = {}
    rows = [i for i in range(_rows(form, MAX_STUDIES + 1)) if i != remove]
    program_ids = tuple(p.id for p in draft.programs)
    studies: list[Study] = []
    values: dict[str, str] = {}
    seen: set[str] = set()
    for new, i in enumerate(rows):
        found: dict[str, str] = {}
        fields = {
            "id": _field(form, f"s{i}.id", text, found),
            "program": _field(form, f"s{i}.program", _one_of(program_ids, "program"), found),
            "phase": _field(form, f"s{i}.phase", choice(PHASES), found),
            "start": _field(form, f"s{i}.start", date, found),
            "patients": _field(
                form, f"s{i}.patients", number(1, whole=True, maximum=MAX_PATIENTS), found
            ),
            "enrollment_rate": _field(form, f"s{i}.enrollment_rate", number(0.001), found),
            "treatment_followup_months": _field(
                form, f"s{i}.treatment_followup_months", number(), found
            ),
            "complexity": _field(form, f"s{i}.complexity", _level, found),
        }
        sites = {r: _field(form, f"s{i}.sites.{r}", _optional_whole, found) for r in REGIONS}
        regions = {r: n for r, n in sites.items() if n}
        if not regions and not any(k.startswith(f"s{i}.sites.") for k in found):
            found[f"s{i}.sites"] = "enter the number of sites in at least one region"
        if fields["id"] in seen:
            found[f"s{i}.id"] = "another study has this id already"
        seen.add(fields["id"])
        errors |= {k.replace(f"s{i}.", f"s{new}.", 1): v for k, v in found.items()}
        for part in (*STUDY_TEXT, *STUDY_FLAGS, *(f"sites.{r}" for r in REGIONS)):
            values[f"s{new}.{part}"] = form.get(f"s{i}.{part}", "")
        if found:
            continue
        flags = {flag: _ticked(form, f"s{i}.{flag}") for flag in STUDY_FLAGS}
        fields["patients"] = int(fields["patients"])
        try:
            studies.append(Study.model_validate({**fields, "regions": regions, **flags}))
        except ValidationError as exc:
            errors[f"s{new}.id"] = "; ".join(e["msg"] for e in exc.errors())
    values["rows"] = str(len(rows))
    if not program_ids:
        errors["rows"] = "add a program first (step Programs)"
    elif not rows:
        errors["rows"] = "add at least one study"
    if len(rows) > MAX_STUDIES:
        errors["rows"] = f"at most {MAX_STUDIES} studies"
    if errors:
        return Outcome(None, errors, values)
    updated = draft.model_copy(deep=True)
    updated.studies = studies
    return Outcome(updated, values=values)


def _one_of(options: tuple[str, ...], what: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in options:
            raise ValueError(f"choose the {what}")
        return value

    return parse


def row_count(values: Mapping[str, str]) -> int:
    try:
        return int(values.get("rows", "0"))
    except ValueError:
        return 0


def labels(vocabulary: str, ids: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(item, catalog.label(vocabulary, item)) for item in ids]
