"""Every component of the expected price against a hand computation from the formulas of
cost-model.md, on a two-study portfolio (small.yaml) with default assumptions. The numbers are
written out here, not taken from the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crosource.engine.costing.model import price
from crosource.io.portfolio_io import load_portfolio

SMALL = Path(__file__).parent / "small.yaml"
DAYS = 365.25 / 12

# Study S1: phase 2, 10 sites in North America.
S1 = {
    "fees": 10 * 20000 + 20 * 15000 + 5 * 10000,  # PM and CM by A (first study: L = 1), BS in-house
    "oversight": 0.07 * (200_000 + 300_000),  # fso share on A's fees
    "quality": 0.15 * 0.125 * (200_000 + 300_000),  # pi = 0.10 * (1 + (4 - 3) / 4)
    "transitions": 0.0,
    "amendments": 0.9 * 0.75 * 141_000,  # A is strategic, oncology 3, runs PM: a lowered by 25%
}
S1_MONTHS = (
    5.5  # start-up, phase 2; no site management, so no CRO acceleration
    + 3
    + (40 - 8.9 * 0.5 * 1.5) / (8.9 * 0.5)  # 8.9 enrolling sites at 0.5, 3-month activation
    + 6
    + 3  # treatment and follow-up, close-out
    + 0.125
    + 0.125  # expected quality delays in PM and CM
    + 0.9 * 0.75  # expected amendment delay
)
# Study S2: phase 3, 20 sites in North America and Western Europe.
S2_PM = 20 * 20000 * 0.95  # strategic with A, one earlier oncology PM study with A: L = 0.95
S2_CM = 40 * 10000  # B at its default rate everywhere; tactical, L = 1
S2 = {
    "fees": S2_PM + S2_CM + 10 * 10000,
    "oversight": 0.07 * S2_PM + 0.12 * S2_CM,
    "quality": 0.15 * (0.125 * S2_PM + 0.15 * S2_CM),  # B has no quality score: q = 2
    "transitions": 0.08 * S2_CM,  # monitoring moves from A to B
    "amendments": 0.9 * 0.75 * 535_000,
}
S2_MONTHS = (
    6
    + 3
    + (100 - 17.8 * 0.5 * 1.5) / (17.8 * 0.5)
    + 12
    + 3
    + 1  # transition delay: an operational function changed provider
    + 0.125
    + 0.15
    + 0.9 * 0.75
)


def _years(start: dt.date, months: float) -> set[int]:
    end = dt.date.fromordinal(int(start.toordinal() + months * DAYS))
    return set(range(start.year, end.year + 1))


@pytest.fixture(scope="module")
def hand():  # type: ignore[no-untyped-def]
    return price(load_portfolio(SMALL), ["hand"]).scenario("hand")


def test_durations(hand) -> None:  # type: ignore[no-untyped-def]
    months = {s.id: s.expected_duration_months for s in hand.studies}
    assert months["S1"] == pytest.approx(S1_MONTHS, rel=1e-12)
    assert months["S2"] == pytest.approx(S2_MONTHS, rel=1e-12)


@pytest.mark.parametrize("component", ["fees", "oversight", "quality", "transitions", "amendments"])
def test_study_components(hand, component: str) -> None:  # type: ignore[no-untyped-def]
    studies = {s.id: s.components_usd for s in hand.studies}
    assert studies["S1"][component] == pytest.approx(S1[component], rel=1e-12)
    assert studies["S2"][component] == pytest.approx(S2[component], rel=1e-12)


def test_coordination_and_value_of_time(hand) -> None:  # type: ignore[no-untyped-def]
    studies = {s.id: s.components_usd for s in hand.studies}
    # S1 has two parties (A, the sponsor), S2 three (A, B, the sponsor).
    assert studies["S1"]["coordination"] == pytest.approx(6000 * 1 * S1_MONTHS, rel=1e-12)
    assert studies["S2"]["coordination"] == pytest.approx(6000 * 2 * S2_MONTHS, rel=1e-12)
    assert studies["S1"]["value_of_time"] == pytest.approx(1000 * S1_MONTHS * DAYS, rel=1e-12)


def test_vendor_management_counts_calendar_years(hand) -> None:  # type: ignore[no-untyped-def]
    a = _years(dt.date(2027, 1, 1), S1_MONTHS) | _years(dt.date(2028, 1, 1), S2_MONTHS)
    b = _years(dt.date(2028, 1, 1), S2_MONTHS)
    assert a == {2027, 2028, 2029, 2030} and b == {2028, 2029, 2030}
    assert hand.components_usd["vendor_management"] == pytest.approx(120_000 * (len(a) + len(b)))


def test_totals(hand) -> None:  # type: ignore[no-untyped-def]
    coordination = 6000 * S1_MONTHS + 12000 * S2_MONTHS
    cash = sum(S1.values()) + sum(S2.values()) + coordination + 120_000 * 7
    assert hand.cash_tco_usd == pytest.approx(cash, rel=1e-12)
    value = 1000 * (S1_MONTHS + S2_MONTHS) * DAYS
    assert hand.economic_cost_usd == pytest.approx(cash + value, rel=1e-12)
    by_study = sum(s.cash_tco_usd for s in hand.studies)
    assert by_study == pytest.approx(cash - 120_000 * 7, rel=1e-12)  # vendors are portfolio-level


def test_cro_acceleration_and_overrides() -> None:
    portfolio = load_portfolio(SMALL)
    portfolio.studies[0].demand["site_management"] = 4  # type: ignore[index]
    portfolio.plans[0].assignments.append(
        portfolio.plans[0].assignments[0].model_copy(update={"function": "site_management"})
    )
    portfolio.assumptions = {"startup_months": {"2": 7.0}, "closeout_months": 1}
    s1 = price(portfolio, ["hand"]).scenario("hand").studies[0]
    # start-up 7 (override) less 2 months: A runs site management as fso in all S1's regions.
    assert s1.duration_parts_months["startup"] == pytest.approx(5.0)
    assert s1.duration_parts_months["fixed"] == pytest.approx(6 + 1)


def test_learning_is_capped() -> None:
    portfolio = load_portfolio(SMALL)
    portfolio.assumptions = {"learning_rate": 0.2, "learning_max": 0.1}
    s2_pm = next(
        a
        for a in price(portfolio, ["hand"]).scenario("hand").assignments
        if a["study"] == "S2" and a["function"] == "project_management"
    )
    assert s2_pm["learning_factor"] == pytest.approx(0.9)  # max(1 - 0.2, 1 - 0.1)
