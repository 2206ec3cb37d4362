"""The six cases of recommend.md ("Cases the recommendation must get right"), each a small
portfolio in this folder with the choice the guidance implies and the rule it must cite.
Source: shared/spec/recommend.md; the portfolios are written from its wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource.engine.recommend.engine import recommend
from crosource.engine.recommend.result import Recommendation
from crosource.io.portfolio_io import load_portfolio

HERE = Path(__file__).parent


def run(name: str) -> Recommendation:
    return recommend(load_portfolio(HERE / name))


def test_case1_emerging_biotech_gets_full_service() -> None:
    program = run("case1_emerging_fso.yaml").program("NB-01")
    assert program.model.choice == "fso"
    assert program.model.cites("prog.fso.no_clinical_ops")
    assert program.model.cites("prog.fso.time_pressure")  # the aggressive timeline counts


def test_case2_mature_sponsor_gets_fsp() -> None:
    program = run("case2_mature_fsp.yaml").program("VP-3")
    assert program.model.choice == "fsp"
    assert program.model.cites("prog.fsp.mature")
    assert program.model.cites("prog.fsp.oversight")
    assert program.model.cites("prog.fsp.fluctuating")


def test_case3_oncology_pipeline_is_strategic() -> None:
    program = run("case3_oncology_strategic.yaml").program("ONC-7")
    assert program.relationship.choice == "strategic"
    assert program.relationship.cites("rel.strategic.ta_pipeline")
    assert program.relationship.cites("rel.strategic.complex_design")
    assert program.relationship.cites("rel.strategic.regulatory_depth")


def test_case4_feasibility_study_is_tactical() -> None:
    program = run("case4_feasibility_tactical.yaml").program("BF-2")
    assert program.relationship.choice == "tactical"
    assert program.relationship.cites("rel.tactical.feasibility")
    assert program.relationship.cites("rel.tactical.coordination")


def test_case5_rare_disease_medical_monitoring_goes_to_the_boutique() -> None:
    result = run("case5_rare_boutique.yaml")
    assignment = result.assignment("LR-1-201", "medical_monitoring")
    assert assignment.choice == "boutique"
    assert assignment.provider == "raredx"
    assert assignment.decision.cites("fn.boutique.specialist")


def test_case5_without_a_rare_disease_boutique_there_is_no_boutique() -> None:
    portfolio = load_portfolio(HERE / "case5_rare_boutique.yaml")
    portfolio.providers = [p for p in portfolio.providers if p.id != "raredx"]
    assignment = recommend(portfolio).assignment("LR-1-201", "medical_monitoring")
    assert assignment.choice != "boutique"
    assert assignment.decision.cites("avail.provider.none")


def test_case6_partial_internal_strength_gives_hybrid() -> None:
    result = run("case6_hybrid.yaml")
    program = result.program("MB-5")
    assert program.model.choice == "hybrid"
    assert program.model.cites("prog.hybrid.partial_strength")
    assert result.assignment("MB-5-201", "clinical_monitoring").choice in ("fso", "fsp")
    assert result.assignment("MB-5-201", "biostatistics").choice in ("in_house", "fsp")


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.glob("case*.yaml")))
def test_every_case_explains_every_decision(name: str) -> None:
    result = run(name)
    for program in result.programs:
        assert program.relationship.reasons and program.model.reasons
    for assignment in result.assignments:
        assert assignment.decision.reasons
        assert assignment.choice in ("in_house", "fso", "fsp", "boutique")
        assert (assignment.provider is None) == (assignment.choice == "in_house")
