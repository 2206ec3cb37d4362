"""The questionnaire's answers: checked one by one, built into the same portfolio by the terminal
and the web wizard."""

from __future__ import annotations

import pytest

from crosource.io.errors import InvalidInput
from crosource.services import assessment
from crosource.services.assessment import Draft, build_from_draft, build_portfolio
from crosource.services.assessment_steps import STEP_KEYS, read_step, step_for
from crosource.services.assessment_values import values_of

SPONSOR = {
    "name": "Acme Bio",
    "stage": "clinical",
    "internal": {"clinical_monitoring": {"fte": 2.0, "maturity": 3}},
    "internal_cost_per_fte_month": 18000.0,
    "oversight_fte": 1.5,
    "preferences": {"control": "high", "sponsor_systems": True},
}
PROGRAM = {
    "id": "AC-1",
    "name": "Acme one",
    "therapeutic_area": "rare_disease",
    "rare_disease": True,
    "commercial_intent": True,
}
STUDY = {
    "id": "AC-1-201",
    "program": "AC-1",
    "phase": "2",
    "start": "2027-03-01",
    "regions": {"north_america": 10, "western_europe": 5},
    "patients": 60,
    "enrollment_rate": 0.2,
    "treatment_followup_months": 6.0,
    "complexity": "high",
    "adaptive_design": False,
    "pivotal": False,
    "feasibility_only": False,
}


def test_parsers_say_what_is_expected() -> None:
    assert assessment.number(1)("2.5") == 2.5
    for bad, message in (("x", "expected a number"), ("0", "at least 1"), ("nan", "finite")):
        with pytest.raises(ValueError, match=message):
            assessment.number(1)(bad)
    with pytest.raises(ValueError, match="whole number"):
        assessment.number(1, whole=True)("2.5")
    with pytest.raises(ValueError, match="at most 10,000"):
        assessment.number(1, whole=True, maximum=10_000)("1e200")
    assert assessment.yes_no("Y") is True and assessment.yes_no("no") is False
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        assessment.date("2027-13-01")
    assert assessment.regions("north_america:20, china:3") == {"north_america": 20, "china": 3}
    with pytest.raises(ValueError, match="unknown region 'mars'"):
        assessment.regions("mars:2")
    with pytest.raises(ValueError, match="cannot be empty"):
        assessment.text("")
    with pytest.raises(ValueError, match="control characters"):
        assessment.text("a\x00b")


def test_build_estimates_demand_and_reports_problems_by_path() -> None:
    portfolio = build_portfolio(SPONSOR, [PROGRAM], [STUDY])
    study = portfolio.studies[0]
    assert study.demand and all(v >= 0 for v in study.demand.values())
    assert portfolio.providers == []
    with pytest.raises(InvalidInput) as caught:
        build_portfolio(SPONSOR, [PROGRAM], [{**STUDY, "program": "NOPE", "patients": 0}])
    places = {p.where for p in caught.value.problems}
    assert {"studies[0].program", "studies[0].patients"} <= places


def test_draft_builds_the_same_portfolio_as_the_terminal() -> None:
    draft = Draft.model_validate({"sponsor": SPONSOR, "programs": [PROGRAM], "studies": [STUDY]})
    assert build_from_draft(draft) == build_portfolio(SPONSOR, [PROGRAM], [STUDY])


def test_an_unfinished_draft_names_what_is_missing() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_from_draft(Draft())
    assert {p.where for p in caught.value.problems} == {"sponsor.name", "programs", "studies"}


def _form(values: dict[str, str], **changes: str) -> dict[str, str]:
    return {**values, **changes}


def test_each_step_reads_back_what_it_shows() -> None:
    """A step posted as shown (defaults filled in) is valid and changes nothing more."""
    draft = Draft.model_validate({"sponsor": SPONSOR, "programs": [PROGRAM], "studies": [STUDY]})
    for key in STEP_KEYS:
        outcome = read_step(key, values_of(key, draft), draft)
        assert outcome.errors == {}, key
        assert outcome.draft == draft, key


def test_a_step_with_a_bad_field_keeps_the_draft_and_says_where() -> None:
    draft = Draft()
    outcome = read_step("sponsor", {"name": "", "stage": "galactic"}, draft)
    assert outcome.draft is None
    assert outcome.errors == {
        "name": "cannot be empty",
        "stage": "expected one of: preclinical, clinical, commercial",
    }
    team = _form(values_of("team", draft), **{"fte.biostatistics": "-1", "oversight_fte": "x"})
    outcome = read_step("team", team, draft)
    assert set(outcome.errors) == {"fte.biostatistics", "oversight_fte"}
    assert outcome.values["oversight_fte"] == "x"  # shown again as typed


def test_team_keeps_only_staffed_functions() -> None:
    form = _form(values_of("team", Draft()), **{"fte.data_management": "1.5"})
    outcome = read_step("team", form, Draft())
    assert outcome.draft is not None
    assert list(outcome.draft.sponsor.internal) == ["data_management"]
    assert outcome.draft.sponsor.oversight_fte == 1.0  # the default shown


def test_program_rows_are_checked_added_and_removed() -> None:
    draft = Draft.model_validate({"sponsor": SPONSOR})
    form = values_of("programs", draft)  # one default row, its area still to choose
    assert form["rows"] == "1" and form["p0.id"] == "P1"
    outcome = read_step("programs", form, draft)
    assert outcome.errors == {"p0.therapeutic_area": "choose the therapeutic area"}
    form = _form(form, **{"p0.therapeutic_area": "oncology"})
    saved = read_step("programs", form, draft).draft
    assert saved is not None and saved.programs[0].name == "P1"
    more = values_of("programs", saved, extra_row=True)
    assert more["rows"] == "2" and more["p1.id"] == "P2"
    duplicate = _form(more, **{"p1.id": "P1", "p1.therapeutic_area": "neurology"})
    assert read_step("programs", duplicate, saved).errors == {
        "p1.id": "program 1 has this id already"
    }
    removed = read_step("programs", duplicate, saved, remove=0).draft
    assert removed is not None and [p.therapeutic_area for p in removed.programs] == ["neurology"]


def test_a_study_needs_sites_somewhere() -> None:
    draft = Draft.model_validate({"sponsor": SPONSOR, "programs": [PROGRAM]})
    form = values_of("studies", draft)
    assert form["s0.id"] == "AC-1-01"
    outcome = read_step("studies", form, draft)
    assert outcome.errors == {"s0.sites": "enter the number of sites in at least one region"}
    form = _form(form, **{"s0.sites.china": "4", "s0.sites.asia_pacific": "two"})
    assert read_step("studies", form, draft).errors == {
        "s0.sites.asia_pacific": "expected a number"
    }
    form["s0.sites.asia_pacific"] = ""
    saved = read_step("studies", form, draft).draft
    assert saved is not None and saved.studies[0].regions == {"china": 4}


def test_a_renamed_program_takes_its_studies_along() -> None:
    draft = Draft.model_validate({"sponsor": SPONSOR, "programs": [PROGRAM], "studies": [STUDY]})
    form = {**values_of("programs", draft), "p0.id": "AC-9"}
    renamed = read_step("programs", form, draft).draft
    assert renamed is not None and renamed.studies[0].program == "AC-9"
    assert build_from_draft(renamed).studies[0].program == "AC-9"


def test_each_problem_points_at_the_step_that_asks_it() -> None:
    expected = {
        "sponsor.name": "sponsor",
        "sponsor.oversight_fte": "team",
        "sponsor.preferences.flexibility": "priorities",
        "sponsor.preferences.control": "control",
        "programs[0].id": "programs",
        "studies": "studies",
        "studies[2].regions": "studies",
    }
    assert {where: step_for(where).key for where in expected} == expected
