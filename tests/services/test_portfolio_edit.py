"""Edits of a stored portfolio's document from page forms and YAML text."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio
from crosource.services import portfolio_edit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"


def _document() -> dict:  # type: ignore[type-arg]
    return load_portfolio(EXAMPLE).to_data()


def _study_form(**changes: str) -> dict[str, str]:
    form = {
        "phase": "2",
        "start": "2027-06-01",
        "patients": "150",
        "enrollment_rate": "0.35",
        "treatment_followup_months": "4",
        "complexity": "high",
        "sites.north_america": "14",
        "sites.western_europe": "10",
        "pivotal": "yes",
    }
    return {**form, **changes}


def test_a_study_edit_changes_its_fields_only() -> None:
    document = _document()
    changed = portfolio_edit.edit_study(document, "HLN-204-201", _study_form(patients="180"))
    study = changed["studies"][1]
    assert study["patients"] == 180 and study["pivotal"] is True
    assert study["regions"] == {"north_america": 14, "western_europe": 10}
    assert study["demand"] == document["studies"][1]["demand"]
    assert document["studies"][1]["patients"] == 150  # the original is left alone


def test_a_bad_study_edit_names_each_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        portfolio_edit.edit_study(
            _document(),
            "HLN-204-201",
            _study_form(
                patients="0",
                start="soon",
                **{"sites.north_america": "", "sites.western_europe": ""},
            ),
        )
    assert {p.where for p in caught.value.problems} == {"patients", "start", "sites"}
    with pytest.raises(InvalidInput, match="no study 'X'"):
        portfolio_edit.edit_study(_document(), "X", _study_form())


def test_a_sponsor_edit_reads_levels_and_ticks() -> None:
    form = {
        "name": "Halcyon",
        "stage": "clinical",
        "oversight_fte": "2",
        "internal_cost_per_fte_month": "20000",
        "control": "high",
        "flexibility": "low",
        "budget_pressure": "high",
        "risk_sharing": "medium",
        "senior_attention": "high",
        "ai_maturity_required": "low",
        "portfolio_growth": "medium",
        "sponsor_systems": "yes",
    }
    changed = portfolio_edit.edit_sponsor(_document(), form)
    sponsor = changed["sponsor"]
    assert sponsor["oversight_fte"] == 2.0 and sponsor["preferences"]["control"] == "high"
    assert sponsor["preferences"]["sponsor_systems"] is True
    assert sponsor["preferences"]["own_investigator_relationships"] is False
    with pytest.raises(InvalidInput) as caught:
        portfolio_edit.edit_sponsor(_document(), {**form, "control": "total", "oversight_fte": ""})
    assert {p.where for p in caught.value.problems} == {"control", "oversight staff (FTE)"}


def test_yaml_text_problems_carry_their_line() -> None:
    text = portfolio_edit.document_yaml(_document())
    assert portfolio_edit.yaml_document(text, 10**7) == _document()
    broken = text.replace("patients: 150", "patients: many", 1)
    with pytest.raises(InvalidInput) as caught:
        portfolio_edit.yaml_document(broken, 10**7)
    (problem,) = caught.value.problems
    line = broken.splitlines().index("  patients: many") + 1
    assert problem.where == f"line {line}, studies[1].patients"
    with pytest.raises(InvalidInput, match="not valid YAML"):
        portfolio_edit.yaml_document("a: [", 10**7)
    with pytest.raises(InvalidInput, match="larger than"):
        portfolio_edit.yaml_document(text, 100)
