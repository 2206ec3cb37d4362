"""Which inputs move the cost most: a tornado of the median cash TCO, each assumption and each
provider's rates set low and high in turn (the plan held fixed, common random numbers), and the
share of variance that each uncertainty source explains on its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crosource import catalog
from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.compiled import Compiled, Layout, compile_plan
from crosource.engine.costing.params import Params
from crosource.engine.costing.simulate import Sources, simulate

LOW, HIGH = 0.75, 1.25  # each input at -25% and +25% (assumption)
PROBABILITIES = {
    "quality_event_probability",
    "non_enrolling_site_share",
    "learning_rate",
    "learning_max",
    "amendment_reduction_strategic",
    "likelihood_of_approval",
    "oversight_share",
    "transition_share",
    "quality_event_cost_share",
}
SOURCES = ("effort", "startup", "enrollment", "quality", "amendments")


@dataclass(frozen=True)
class Bar:
    input: str
    low_value: str
    high_value: str
    p50_low: float
    p50_high: float

    @property
    def swing(self) -> float:
        return abs(self.p50_high - self.p50_low)

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "low_value": self.low_value,
            "high_value": self.high_value,
            "p50_low": self.p50_low,
            "p50_high": self.p50_high,
            "swing": self.swing,
        }


def _scaled(value: Any, factor: float, cap: bool) -> Any:
    if isinstance(value, dict):
        return {k: _scaled(v, factor, cap) for k, v in value.items()}
    scaled = float(value) * factor
    return min(scaled, 1.0) if cap else scaled


def _variants(
    portfolio: Portfolio, params: Params
) -> list[tuple[str, Callable[[float], Portfolio]]]:
    variants: list[tuple[str, Callable[[float], Portfolio]]] = []
    for item in catalog.entries("assumptions"):
        key = str(item["id"])
        current = getattr(params, key)

        def change(factor: float, key: str = key, current: Any = current) -> Portfolio:
            cap = key in PROBABILITIES
            assumptions = {**portfolio.assumptions, key: _scaled(current, factor, cap)}
            return portfolio.model_copy(update={"assumptions": assumptions})

        variants.append((key, change))
    for provider in portfolio.providers:

        def rates(factor: float, pid: str = provider.id) -> Portfolio:
            providers = [
                p.model_copy(
                    update={
                        "rates_usd_per_fte_month": {
                            f: {g: r * factor for g, r in by.items()}
                            for f, by in p.rates_usd_per_fte_month.items()
                        }
                    }
                )
                if p.id == pid
                else p
                for p in portfolio.providers
            ]
            return portfolio.model_copy(update={"providers": providers})

        variants.append((f"rates of {provider.id}", rates))

    def internal(factor: float) -> Portfolio:
        sponsor = portfolio.sponsor.model_copy(
            update={
                "internal_cost_per_fte_month": portfolio.sponsor.internal_cost_per_fte_month
                * factor
            }
        )
        return portfolio.model_copy(update={"sponsor": sponsor})

    variants.append(("internal_cost_per_fte_month", internal))
    return variants


def _p50(portfolio: Portfolio, base: Compiled, draws: int, seed: int) -> float:
    params = Params.of(portfolio)
    plan = compile_plan(portfolio, base.plan, params, Layout.of(portfolio, params))
    return simulate([plan], draws, seed).scenarios[0].cash.quantile(0.5)


def tornado(
    portfolio: Portfolio, base: Compiled, draws: int, seed: int, top: int = 15
) -> tuple[float, list[Bar]]:
    """The median cash TCO of `base`, and the inputs that move it most, largest swing first."""
    center = simulate([base], draws, seed).scenarios[0].cash.quantile(0.5)
    bars = []
    for name, change in _variants(portfolio, base.params):
        low, high = _p50(change(LOW), base, draws, seed), _p50(change(HIGH), base, draws, seed)
        bars.append(Bar(name, f"x{LOW:g}", f"x{HIGH:g}", low, high))
    bars.sort(key=lambda b: -b.swing)
    return center, [b for b in bars[:top] if b.swing > 0]


def variance_shares(base: Compiled, draws: int, seed: int) -> dict[str, float]:
    """The variance of cash TCO with each uncertainty source alone, as shares of their sum
    (first-order shares: interactions between sources are not apportioned)."""
    variances = {
        name: simulate([base], draws, seed, sources=Sources.only(name)).scenarios[0].cash.std ** 2
        for name in SOURCES
    }
    total = sum(variances.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in variances.items()}
