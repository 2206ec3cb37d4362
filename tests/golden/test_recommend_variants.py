"""Variations of the six cases of recommend.md: the same situation told with other details (no
explicit value of time, more oversight staff, a phase 3, other flags). The guidance implies the
same choice each time; these guard the weights against answers that hinge on one detail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crosource.domain.portfolio import Portfolio
from crosource.engine.recommend.engine import recommend
from crosource.io.portfolio_io import load_portfolio

HERE = Path(__file__).parent
Change = Callable[[Portfolio], None]


def _set(**values: object) -> Change:
    def change(portfolio: Portfolio) -> None:
        for path, value in values.items():
            target: object = portfolio
            *parents, name = path.split("__")
            for part in parents:
                target = getattr(target, part)
            setattr(target, name, value)

    return change


def _study(**values: object) -> Change:
    def change(portfolio: Portfolio) -> None:
        for name, value in values.items():
            setattr(portfolio.studies[0], name, value)

    return change


def _program(**values: object) -> Change:
    def change(portfolio: Portfolio) -> None:
        for name, value in values.items():
            setattr(portfolio.programs[0], name, value)

    return change


MODEL_CASES: list[tuple[str, str, Change, str]] = [
    (
        "case1_emerging_fso.yaml",
        "no explicit value of time",
        _program(value_of_a_day_usd=None),
        "fso",
    ),
    (
        "case1_emerging_fso.yaml",
        "three oversight staff who want control",
        lambda p: (
            _set(sponsor__oversight_fte=3.0)(p),
            _set(sponsor__preferences__control="high")(p),
            _set(sponsor__preferences__sponsor_systems=True)(p),
        ),
        "fso",
    ),
    (
        "case1_emerging_fso.yaml",
        "a fast-growing pipeline",
        _set(sponsor__preferences__portfolio_growth="high"),
        "fso",
    ),
    (
        "case2_mature_fsp.yaml",
        "data management kept central",
        _set(sponsor__preferences__central_data_management=True),
        "fsp",
    ),
    (
        "case2_mature_fsp.yaml",
        "a high need for flexibility",
        _set(sponsor__preferences__flexibility="high"),
        "fsp",
    ),
    (
        "case6_hybrid.yaml",
        "a pivotal phase 3, little oversight, fast growth",
        lambda p: (
            _study(phase="3", pivotal=True)(p),
            _set(sponsor__oversight_fte=0.5)(p),
            _set(sponsor__preferences__portfolio_growth="high")(p),
        ),
        "hybrid",
    ),
    (
        "case6_hybrid.yaml",
        "data management kept central, high control",
        lambda p: (
            _set(sponsor__preferences__central_data_management=True)(p),
            _set(sponsor__preferences__control="high")(p),
        ),
        "hybrid",
    ),
]

RELATIONSHIP_CASES: list[tuple[str, str, Change, str]] = [
    (
        "case3_oncology_strategic.yaml",
        "a tight budget",
        _set(sponsor__preferences__budget_pressure="high"),
        "strategic",
    ),
    (
        "case3_oncology_strategic.yaml",
        "high flexibility",
        _set(sponsor__preferences__flexibility="high"),
        "strategic",
    ),
    (
        "case4_feasibility_tactical.yaml",
        "preclinical feasibility",
        _study(phase="preclinical"),
        "tactical",
    ),
    (
        "case4_feasibility_tactical.yaml",
        "some appetite for risk sharing",
        _set(sponsor__preferences__risk_sharing="high"),
        "tactical",
    ),
]


@pytest.mark.parametrize(
    ("name", "story", "change", "expected"), MODEL_CASES, ids=[c[1] for c in MODEL_CASES]
)
def test_program_model_variants(name: str, story: str, change: Change, expected: str) -> None:
    portfolio = load_portfolio(HERE / name)
    change(portfolio)
    assert recommend(portfolio).programs[0].model.choice == expected, story


@pytest.mark.parametrize(
    ("name", "story", "change", "expected"),
    RELATIONSHIP_CASES,
    ids=[c[1] for c in RELATIONSHIP_CASES],
)
def test_relationship_variants(name: str, story: str, change: Change, expected: str) -> None:
    portfolio = load_portfolio(HERE / name)
    change(portfolio)
    assert recommend(portfolio).programs[0].relationship.choice == expected, story


def test_case3_split_over_two_oncology_programs_stays_strategic() -> None:
    portfolio = load_portfolio(HERE / "case3_oncology_strategic.yaml")
    second = portfolio.programs[0].model_copy(update={"id": "ONC-8"})
    portfolio.programs.append(second)
    portfolio.studies[2].program = "ONC-8"
    portfolio.studies[3].program = "ONC-8"
    result = recommend(portfolio)
    for program in result.programs:
        assert program.relationship.choice == "strategic"
        assert program.relationship.cites("rel.strategic.ta_pipeline")


def test_case5_with_the_area_itself_rare_disease() -> None:
    portfolio = load_portfolio(HERE / "case5_rare_boutique.yaml")
    portfolio.programs[0].therapeutic_area = "rare_disease"
    portfolio.programs[0].rare_disease = False
    assignment = recommend(portfolio).assignment("LR-1-201", "medical_monitoring")
    assert (assignment.choice, assignment.provider) == ("boutique", "raredx")


def test_case5_with_a_boutique_that_lists_full_service_only() -> None:
    portfolio = load_portfolio(HERE / "case5_rare_boutique.yaml")
    portfolio.provider("raredx").models = ["fso"]  # kind boutique: still a boutique option
    assignment = recommend(portfolio).assignment("LR-1-201", "medical_monitoring")
    assert (assignment.choice, assignment.provider) == ("boutique", "raredx")


def test_case5_under_a_mature_fsp_sponsor() -> None:
    portfolio = load_portfolio(HERE / "case5_rare_boutique.yaml")
    for function in ("project_management", "clinical_monitoring"):
        portfolio.sponsor.internal[function] = portfolio.sponsor.internal["biostatistics"]  # type: ignore[index]
    portfolio.sponsor.oversight_fte = 10
    assignment = recommend(portfolio).assignment("LR-1-201", "medical_monitoring")
    assert assignment.choice == "boutique"
