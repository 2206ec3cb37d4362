"""Profile facts against hand computations from the formulas of cost-model.md (component 8)
and the definitions in catalog/features.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource import catalog
from crosource.engine.recommend.profile import (
    Context,
    Inputs,
    function_facts,
    program_facts,
    sponsor_facts,
)
from crosource.engine.timeline import enrollment_months, expected_duration_months
from crosource.io.portfolio_io import load_portfolio

GOLDEN = Path(__file__).parents[2] / "golden"


def test_expected_duration_of_case1_by_hand() -> None:
    portfolio = load_portfolio(GOLDEN / "case1_emerging_fso.yaml")
    study = portfolio.studies[0]
    # 42 sites, 11% never enroll: 37.38 enrolling sites at 0.5 a month = 18.69 patients a month
    # once all are active; sites activate over 3 months, so 18.69 * 3 / 2 = 28.035 patients are
    # enrolled in the window; the remaining 131.965 take 7.0607 months more.
    enrollment = 3 + (160 - 28.035) / 18.69
    assert expected_duration_months(portfolio, study) == pytest.approx(5.5 + enrollment + 6 + 3)


def test_enrollment_within_the_activation_window() -> None:
    # 10 sites at 1 a month, activating over 3 months: enrolled(t) = 10 t^2 / 6 while t < 3,
    # so 6 patients are enrolled at t = sqrt(3.6)
    assert enrollment_months(6, 10, 1.0, 3) == pytest.approx(3.6**0.5)
    assert enrollment_months(6, 10, 1.0, 0) == pytest.approx(0.6)


def test_oversight_coverage_of_case1_by_hand() -> None:
    portfolio = load_portfolio(GOLDEN / "case1_emerging_fso.yaml")
    ctx = Context(portfolio)
    facts = sponsor_facts(ctx, Inputs(portfolio))
    duration = expected_duration_months(portfolio, portfolio.studies[0])
    external_fte = sum(portfolio.studies[0].demand.values()) / duration  # no internal staff
    need = 0.12 * external_fte
    assert facts["sponsor.oversight_need_fsp_fte"] == pytest.approx(need, rel=1e-9)
    assert facts["sponsor.oversight_coverage"] == pytest.approx(1.0 / need, rel=1e-9)
    assert facts["portfolio.demand_fluctuation"] == "low"  # one study: flat demand


def test_overrides_change_only_their_input() -> None:
    portfolio = load_portfolio(GOLDEN / "case1_emerging_fso.yaml")
    ctx = Context(portfolio)
    base = sponsor_facts(ctx, Inputs(portfolio))
    more = sponsor_facts(ctx, Inputs(portfolio, {"sponsor.oversight_fte": 4.0}))
    assert more["sponsor.oversight_coverage"] == pytest.approx(
        4 * base["sponsor.oversight_coverage"]
    )
    assert portfolio.sponsor.oversight_fte == 1


def test_program_facts_of_case6() -> None:
    portfolio = load_portfolio(GOLDEN / "case6_hybrid.yaml")
    ctx = Context(portfolio)
    facts = program_facts(ctx, Inputs(portfolio), portfolio.programs[0])
    assert facts["program.needed_functions"] == 5
    assert facts["program.internal_strong_share"] == pytest.approx(2 / 5)
    assert facts["program.internal_clinical_ops"] is False
    assert facts["program.data_sciences_strong"] is True
    assert facts["program.n_regions"] == 4
    # commercial intent by default: phase 2 likelihood of approval 0.151 x 500,000 USD a day
    assert facts["program.value_of_a_day_usd"] == pytest.approx(75_500)
    assert facts["program.time_pressure"] == "medium"


def test_function_facts_of_case6() -> None:
    portfolio = load_portfolio(GOLDEN / "case6_hybrid.yaml")
    ctx = Context(portfolio)
    study = portfolio.studies[0]
    program = program_facts(ctx, Inputs(portfolio), portfolio.programs[0])
    facts = function_facts(ctx, Inputs(portfolio), study, "biostatistics", program)
    peak = 25 / expected_duration_months(portfolio, study)
    assert facts["function.internal_coverage"] == pytest.approx(4 / peak)
    assert facts["function.site_facing"] is False
    assert facts["study.n_regions"] == 4


def test_every_fact_is_described_in_the_catalog() -> None:
    portfolio = load_portfolio(GOLDEN / "case6_hybrid.yaml")
    ctx = Context(portfolio)
    program = {
        **sponsor_facts(ctx, Inputs(portfolio)),
        **program_facts(ctx, Inputs(portfolio), portfolio.programs[0]),
        "program.model": "hybrid",
        "program.relationship": "tactical",
        "program.boutique": False,
    }
    facts = function_facts(ctx, Inputs(portfolio), portfolio.studies[0], "biostatistics", program)
    described = {str(f["id"]) for f in catalog.entries("features")}
    assert set(facts) == described
