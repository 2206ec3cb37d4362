"""What each step of the assessment wizard shows: its fields as text, from the draft's answers
or, where a question is not answered yet, the defaults the terminal offers."""

from __future__ import annotations

import datetime as dt

from crosource.domain.portfolio import Preferences
from crosource.domain.taxonomy import FUNCTIONS, REGIONS
from crosource.services.assessment import MAX_PROGRAMS, Draft, preference_questions

DEFAULT_FTE_COST = 18000.0  # the terminal's default, an assumption the user sees and may change
DEFAULT_OVERSIGHT_FTE = 1.0
DEFAULT_MATURITY = 2


def values_of(key: str, draft: Draft, *, extra_row: bool = False) -> dict[str, str]:
    sponsor = draft.sponsor
    prefs = sponsor.preferences or Preferences()
    if key == "sponsor":
        return {"name": sponsor.name or "", "stage": sponsor.stage or "clinical"}
    if key == "team":
        values = {
            "oversight_fte": _num(sponsor.oversight_fte, DEFAULT_OVERSIGHT_FTE),
            "internal_cost_per_fte_month": _num(
                sponsor.internal_cost_per_fte_month, DEFAULT_FTE_COST
            ),
        }
        for function in FUNCTIONS:
            held = sponsor.internal.get(function)  # type: ignore[call-overload]
            values[f"fte.{function}"] = _num(held.fte if held else None, 0)
            values[f"maturity.{function}"] = str(held.maturity if held else DEFAULT_MATURITY)
        return values
    if key in ("priorities", "control"):
        shown = {}
        for name, _ in preference_questions():
            value = getattr(prefs, name)
            shown[name] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return shown
    if key == "programs":
        return _program_values(draft, extra_row)
    if key == "studies":
        return _study_values(draft, extra_row)
    return {"name": sponsor.name or ""}


def _num(value: float | None, default: float) -> str:
    chosen = default if value is None else value
    return f"{chosen:g}"


def _program_values(draft: Draft, extra_row: bool) -> dict[str, str]:
    values: dict[str, str] = {}
    programs = list(draft.programs)
    for i, program in enumerate(programs):
        values |= {
            f"p{i}.id": program.id,
            f"p{i}.name": program.name,
            f"p{i}.therapeutic_area": program.therapeutic_area,
            f"p{i}.rare_disease": "yes" if program.rare_disease else "",
            f"p{i}.commercial_intent": "yes" if program.commercial_intent else "",
        }
    count = len(programs)
    if extra_row or not programs:
        taken = {p.id for p in programs}
        new_id = next(
            f"P{n}" for n in range(count + 1, count + MAX_PROGRAMS + 2) if f"P{n}" not in taken
        )
        values |= {
            f"p{count}.id": new_id,
            f"p{count}.name": "",
            f"p{count}.therapeutic_area": "",
            f"p{count}.rare_disease": "",
            f"p{count}.commercial_intent": "yes",
        }
        count += 1
    values["rows"] = str(count)
    return values


def _study_values(draft: Draft, extra_row: bool) -> dict[str, str]:
    values: dict[str, str] = {}
    studies = list(draft.studies)
    for i, study in enumerate(studies):
        values |= {
            f"s{i}.id": study.id,
            f"s{i}.program": study.program,
            f"s{i}.phase": study.phase,
            f"s{i}.start": study.start.isoformat(),
            f"s{i}.patients": str(study.patients),
            f"s{i}.enrollment_rate": f"{study.enrollment_rate:g}",
            f"s{i}.treatment_followup_months": f"{study.treatment_followup_months:g}",
            f"s{i}.complexity": study.complexity,
            f"s{i}.adaptive_design": "yes" if study.adaptive_design else "",
            f"s{i}.pivotal": "yes" if study.pivotal else "",
            f"s{i}.feasibility_only": "yes" if study.feasibility_only else "",
        }
        for region in REGIONS:
            sites = study.regions.get(region)  # type: ignore[call-overload]
            values[f"s{i}.sites.{region}"] = str(sites) if sites else ""
    count = len(studies)
    if (extra_row or not studies) and draft.programs:
        program = draft.programs[-1].id if extra_row else draft.programs[0].id
        taken = {s.id for s in studies}
        number_in_program = 1 + sum(1 for s in studies if s.program == program)
        new_id = f"{program}-{number_in_program:02d}"
        while new_id in taken:
            number_in_program += 1
            new_id = f"{program}-{number_in_program:02d}"
        values |= {
            f"s{count}.id": new_id,
            f"s{count}.program": program,
            f"s{count}.phase": "2",
            f"s{count}.start": f"{dt.date.today().year + 1}-01-01",
            f"s{count}.patients": "100",
            f"s{count}.enrollment_rate": "0.5",
            f"s{count}.treatment_followup_months": "6",
            f"s{count}.complexity": "medium",
            f"s{count}.adaptive_design": "",
            f"s{count}.pivotal": "",
            f"s{count}.feasibility_only": "",
        }
        values |= {f"s{count}.sites.{r}": "" for r in REGIONS}
        count += 1
    values["rows"] = str(count)
    return values
