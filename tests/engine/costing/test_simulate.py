"""The Monte Carlo engine: reproducible, unbiased against the expected price where the model is
linear, common random numbers across scenarios, and streaming statistics that match exact ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crosource.engine.costing.compiled import Compiled
from crosource.engine.costing.model import compile_scenarios, price_compiled
from crosource.engine.costing.simulate import Sources, poisson_counts, simulate
from crosource.engine.costing.streaming import Streaming
from crosource.io.portfolio_io import load_portfolio

SMALL = Path(__file__).parent / "small.yaml"
DRAWS = 100_000


def hand_plan(**assumptions: object) -> tuple[object, Compiled]:
    portfolio = load_portfolio(SMALL)
    portfolio.assumptions = dict(assumptions)
    return portfolio, compile_scenarios(portfolio, ["hand"])[0]


def test_same_seed_same_numbers_and_chunking_is_invisible_to_the_seed() -> None:
    _, plan = hand_plan()
    a = simulate([plan], 12_000, seed=7).scenarios[0].cash.summary()
    b = simulate([plan], 12_000, seed=7).scenarios[0].cash.summary()
    assert a == b
    c = simulate([plan], 12_000, seed=8).scenarios[0].cash.summary()
    assert a != c


def test_different_seeds_agree_within_standard_errors() -> None:
    _, plan = hand_plan()
    one = simulate([plan], 40_000, seed=1).scenarios[0].cash
    two = simulate([plan], 40_000, seed=2).scenarios[0].cash
    assert abs(one.mean - two.mean) < 4 * np.hypot(one.stderr, two.stderr)


def test_linear_components_converge_to_the_expected_price() -> None:
    portfolio, plan = hand_plan()
    expected = price_compiled(plan, portfolio).components_usd
    stats = simulate([plan], DRAWS, seed=3).scenarios[0]
    means = stats.component_means()
    variance_u = np.exp(plan.layout.sigma**2) - 1
    rho = plan.params.quality_event_cost_share
    standard_errors = {
        "fees": np.sqrt(np.sum(plan.coef**2 * variance_u)),
        "oversight": np.sqrt(np.sum((plan.coef * plan.omega) ** 2 * variance_u)),
        "transitions": np.sqrt(np.sum((plan.coef * plan.changed * 0.08) ** 2 * variance_u)),
        "quality": np.sqrt(
            np.sum(
                plan.quality_p * (variance_u + 1) * (rho * plan.coef) ** 2
                - (plan.quality_p * rho * plan.coef) ** 2
            )
        ),
        "amendments": np.sqrt(np.sum(plan.amendment_rate * plan.amendment_cost**2)),
    }
    for component, sd in standard_errors.items():
        tolerance = 4 * sd / np.sqrt(DRAWS)
        assert abs(means[component] - expected[component]) < tolerance, component


def test_durations_converge_when_the_continuous_uncertainties_are_zero() -> None:
    portfolio, plan = hand_plan(
        effort_sigma={"low": 0, "medium": 0, "high": 0}, startup_cv=0, site_rate_cv=0
    )
    expected = price_compiled(plan, portfolio)
    stats = simulate([plan], DRAWS, seed=4).scenarios[0]
    for study, series in zip(expected.studies, stats.completion, strict=True):
        assert abs(series.mean - study.expected_duration_months) < 4 * series.stderr + 1e-9
    means = stats.component_means()
    assert means["fees"] == pytest.approx(expected.components_usd["fees"], rel=1e-12)
    coordination = expected.components_usd["coordination"]
    assert means["coordination"] == pytest.approx(coordination, rel=5e-3)


def test_nothing_random_gives_the_expected_price_exactly() -> None:
    portfolio, plan = hand_plan(
        effort_sigma={"low": 0, "medium": 0, "high": 0}, startup_cv=0, site_rate_cv=0
    )
    frozen = Sources(effort=False, startup=False, enrollment=False, quality=False, amendments=False)
    stats = simulate([plan], 1_000, seed=5, sources=frozen).scenarios[0]
    expected = price_compiled(plan, portfolio)
    assert stats.cash.std == pytest.approx(0, abs=1e-6)
    assert stats.cash.mean == pytest.approx(expected.cash_tco_usd, rel=1e-12)
    assert stats.economic.mean == pytest.approx(expected.economic_cost_usd, rel=1e-12)


def test_identical_plans_get_identical_draws() -> None:
    _, plan = hand_plan()
    twin = Compiled(**{**plan.__dict__, "name": "twin"})
    result = simulate([plan, twin], 20_000, seed=6)
    pair = result.pairs[0]
    assert pair.a_cheaper == 0
    assert pair.difference.low == pair.difference.high == 0
    assert result.scenarios[0].cash.summary() == result.scenarios[1].cash.summary()


def test_common_random_numbers_reduce_the_noise_of_differences() -> None:
    portfolio, plan = hand_plan()
    cheaper = compile_scenarios(portfolio, ["fsp_core"])[0]
    together = simulate([plan, cheaper], 20_000, seed=9).pairs[0].difference.std
    apart = np.hypot(
        simulate([plan], 20_000, seed=10).scenarios[0].cash.std,
        simulate([cheaper], 20_000, seed=11).scenarios[0].cash.std,
    )
    assert together < 0.5 * apart


def test_poisson_counts_have_the_poisson_law() -> None:
    rng = np.random.default_rng(0)
    counts = poisson_counts(rng.random((200_000, 2)), np.array([0.5, 0.9]))
    assert counts.mean(axis=0) == pytest.approx([0.5, 0.9], abs=0.01)
    assert counts.var(axis=0) == pytest.approx([0.5, 0.9], abs=0.02)
    assert np.mean(counts[:, 0] == 0) == pytest.approx(np.exp(-0.5), abs=0.005)


def test_streaming_statistics_match_exact_ones() -> None:
    rng = np.random.default_rng(1)
    values = rng.lognormal(15, 0.4, 300_000)
    stream = Streaming()
    for chunk in np.array_split(values, 37):
        stream.add(chunk)
    span = values.max() - values.min()
    for q in (0.1, 0.5, 0.9):
        assert abs(stream.quantile(q) - np.quantile(values, q)) < 1e-4 * span
    tail = np.sort(values)[-30_000:]
    assert stream.cvar(0.9) == pytest.approx(tail.mean(), rel=1e-4)
    assert stream.mean == pytest.approx(values.mean(), rel=1e-12)
    assert stream.std == pytest.approx(values.std(ddof=1), rel=1e-9)


def test_streaming_keeps_draws_beyond_the_first_range() -> None:
    stream = Streaming(bins=1024)
    stream.add(np.linspace(100, 101, 1000))
    stream.add(np.full(1000, 1e6))  # far outside the range the first chunk set
    assert stream.mean == pytest.approx((100.5 * 1000 + 1e6 * 1000) / 2000)
    assert stream.quantile(0.99) == 1e6
    assert stream.cvar(0.9) == pytest.approx(1e6)


def test_quality_costs_count_when_effort_is_not_drawn() -> None:
    portfolio, plan = hand_plan()
    stats = simulate([plan], DRAWS, seed=12, sources=Sources.only("quality")).scenarios[0]
    expected = price_compiled(plan, portfolio).components_usd["quality"]
    rho = plan.params.quality_event_cost_share
    sd = np.sqrt(np.sum(plan.quality_p * (1 - plan.quality_p) * (rho * plan.coef) ** 2))
    assert abs(stats.component_means()["quality"] - expected) < 4 * sd / np.sqrt(DRAWS)
    assert expected > 0
