"""Plans and the built-in scenario generators of cost-model.md ("Scenarios")."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource.engine.costing.plans import FSP_CORE, PlanError, Planner
from crosource.engine.recommend.engine import recommend
from crosource.io.portfolio_io import load_portfolio

ROOT = Path(__file__).parents[3]
SMALL = Path(__file__).parent / "small.yaml"
MIDSIZE = ROOT / "examples" / "midsize-hybrid.yaml"


def test_recommended_plan_follows_the_recommendation() -> None:
    portfolio = load_portfolio(MIDSIZE)
    plan = Planner(portfolio).recommended()
    result = recommend(portfolio)
    for a in result.assignments:
        choice = plan.cells[(a.study, a.function)]
        assert (choice.model, choice.provider) == (a.choice, a.provider)
    chosen = {p.id: p.relationship.choice for p in result.programs}
    for (program, _), kind in plan.relationships.items():
        assert kind == chosen[program]


def test_plan_with_base_fills_the_rest_and_star_covers_every_study() -> None:
    portfolio = load_portfolio(MIDSIZE)
    planner = Planner(portfolio)
    plan = planner.scenario("fsp-data-core")
    needing = [s.id for s in portfolio.studies if s.effort("biostatistics") > 0]
    assert all(plan.cells[(s, "biostatistics")].model == "in_house" for s in needing)
    assert all(plan.cells[(s, "biostatistics")].source == "plan" for s in needing)
    recommended = planner.recommended().cells
    untouched = [k for k, c in plan.cells.items() if c.source != "plan"]
    assert untouched and all(plan.cells[k] == recommended[k] for k in untouched)
    assert plan.relationships[("CRV-550", "orphan-bridge")] == "strategic"


def test_all_fso_uses_the_provider_wherever_it_can() -> None:
    plan = Planner(load_portfolio(SMALL)).scenario("all_fso:A")
    assert plan.cells[("S1", "project_management")].provider == "A"
    assert plan.cells[("S2", "clinical_monitoring")].provider == "A"
    assert plan.cells[("S1", "biostatistics")].source != "all_fso:A"  # A does not offer it


def test_fsp_core_puts_the_core_functions_with_fsps() -> None:
    plan = Planner(load_portfolio(SMALL)).scenario("fsp_core")
    assert plan.cells[("S2", "clinical_monitoring")].model == "fsp"
    assert plan.cells[("S2", "clinical_monitoring")].provider == "B"  # the cheapest capable FSP
    assert plan.cells[("S1", "project_management")].model == "fso"
    assert "clinical_monitoring" in FSP_CORE


def test_in_house_max_respects_internal_capacity() -> None:
    portfolio = load_portfolio(SMALL)
    assert Planner(portfolio).scenario("in_house_max").cells[("S2", "biostatistics")].model == (
        "in_house"
    )
    portfolio.sponsor.internal["biostatistics"].fte = 0.21  # type: ignore[index]
    plan = Planner(portfolio).scenario("in_house_max")
    # 5 FTE-months over 25.0 months is 0.20 FTE: S1 fits; S2 (0.30 FTE) does not.
    assert plan.cells[("S1", "biostatistics")].source == "in_house_max"
    assert plan.cells[("S2", "biostatistics")].source != "in_house_max"
    # S2 would exceed the staff; nobody else offers biostatistics, so it stays in-house. Give A
    # the function and it moves out.
    portfolio.provider("A").functions.append("biostatistics")
    portfolio.provider("A").rates_usd_per_fte_month["biostatistics"] = {"default": 15000}
    moved = Planner(portfolio).scenario("in_house_max").cells[("S2", "biostatistics")]
    assert moved.model != "in_house" and moved.provider == "A"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nonsense", "unknown scenario 'nonsense'"),
        ("all_fso:nobody", "unknown provider 'nobody'"),
        ("all_fso:B", "does not offer the fso model"),
    ],
)
def test_bad_scenarios_are_explained(name: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected):
        Planner(load_portfolio(SMALL)).scenario(name)


def test_a_plan_provider_that_misses_a_region_is_refused_with_its_place() -> None:
    portfolio = load_portfolio(SMALL)
    portfolio.provider("B").regions = ["north_america"]
    with pytest.raises(PlanError) as caught:
        Planner(portfolio).scenario("hand")
    assert caught.value.path == ("plans", 0, "assignments", 3)
    assert "regions" in caught.value.message


def test_no_capable_provider_and_no_staff_cannot_be_priced() -> None:
    portfolio = load_portfolio(SMALL)
    portfolio.providers = []
    with pytest.raises(PlanError) as caught:
        Planner(portfolio).recommended()
    assert caught.value.path[0] == "studies"
