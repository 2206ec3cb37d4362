"""Bids re-priced at the sponsor's own quantities, so that they compare like for like
(evaluate.md, "Bids").

Each line of a bid has a function, a driver and a unit price. Its normalized amount is the unit
price times the sponsor's baseline quantity for the driver, derived from the study (sites,
patients, screen failure, dropout, months, monitoring visits) or, for FTE-months, from the
study's demand for the function. The difference between the quoted and the normalized total is
explained line by line; stated assumptions that deviate from the baseline and unit prices far
from the other bids or from the provider's rate card are flagged.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from crosource.domain.portfolio import Portfolio, Study
from crosource.engine.capability import weighted_rate
from crosource.engine.costing.compiled import Layout, enrollment_months
from crosource.engine.costing.params import Params

DRIVERS = (
    "per_site",
    "per_patient_screened",
    "per_patient_enrolled",
    "per_patient_completed",
    "per_month",
    "per_visit",
    "fte_month",
    "fixed",
)
ASSUMPTIONS = (
    "sites",
    "patients_screened",
    "patients_enrolled",
    "patients_completed",
    "months",
    "monitoring_visits",
    "screen_failure_rate",
    "dropout_rate",
)
DEVIATION = 0.10  # a stated assumption more than 10% from the baseline is flagged (assumption)
OUTLIER = 1.5  # a unit price 1.5 times above or below the bids' median (assumption)
RATE_CARD = 0.20  # an FTE-month price more than 20% from the rate card is flagged (assumption)


@dataclass(frozen=True)
class BidLine:
    provider: str
    line: str
    function: str | None
    driver: str
    unit_price_usd: float
    quantity: float


@dataclass
class Bid:
    provider: str
    lines: list[BidLine]
    assumptions: dict[str, float] = field(default_factory=dict)


def baseline(portfolio: Portfolio, study: Study) -> dict[str, float]:
    """The sponsor's quantities for the study, from the cost model's expected duration."""
    params = Params.of(portfolio)
    layout = Layout.of(portfolio, params)
    i = next(k for k, s in enumerate(layout.studies) if s.id == study.id)
    enroll = float(
        enrollment_months(
            layout.patients[i : i + 1],
            layout.enrolling_capacity[i : i + 1],
            params.site_activation_window_months,
        )[0]
    )
    months = params.startup(study.phase) + enroll + float(layout.fixed_months[i])
    return {
        "sites": float(study.sites),
        "patients_enrolled": float(study.patients),
        "patients_screened": study.patients / (1 - params.screen_failure_rate),
        "patients_completed": study.patients * (1 - params.dropout_rate),
        "months": months,
        "monitoring_visits": study.sites
        * (enroll + study.treatment_followup_months)
        / params.monitoring_visit_interval_months,
        "screen_failure_rate": params.screen_failure_rate,
        "dropout_rate": params.dropout_rate,
    }


def _quantity(line: BidLine, base: dict[str, float], study: Study) -> float:
    match line.driver:
        case "per_site":
            return base["sites"]
        case "per_patient_screened":
            return base["patients_screened"]
        case "per_patient_enrolled":
            return base["patients_enrolled"]
        case "per_patient_completed":
            return base["patients_completed"]
        case "per_month":
            return base["months"]
        case "per_visit":
            return base["monitoring_visits"]
        case "fte_month":
            return study.effort(line.function) if line.function else line.quantity
        case _:
            return line.quantity  # fixed: as quoted


def compare(portfolio: Portfolio, study: Study, bids: list[Bid]) -> dict[str, Any]:
    """Every bid's quoted and normalized totals, line by line, with its flags.

    The work is linear in the number of lines: the bids' median unit price is taken once per
    kind of line (function and driver) and the rate card once per provider and function, not
    once per line over every other line, which made a bid of 8,000 lines take a second and
    200,000 lines minutes."""
    base = baseline(portfolio, study)
    prices: dict[tuple[str | None, str], list[float]] = {}
    for bid in bids:
        for line in bid.lines:
            prices.setdefault((line.function, line.driver), []).append(line.unit_price_usd)
    # A median of the bids' unit prices, this one included, once there are three of them.
    medians = {key: statistics.median(p) for key, p in prices.items() if len(p) >= 3}
    cards = _RateCards(portfolio, study)
    results: list[dict[str, Any]] = []
    for bid in bids:
        rows: list[dict[str, Any]] = []
        for line in bid.lines:
            quantity = _quantity(line, base, study)
            median = medians.get((line.function, line.driver))
            rows.append(
                {
                    "line": line.line,
                    "function": line.function,
                    "driver": line.driver,
                    "unit_price_usd": line.unit_price_usd,
                    "quoted_quantity": line.quantity,
                    "baseline_quantity": quantity,
                    "quoted_usd": line.unit_price_usd * line.quantity,
                    "normalized_usd": line.unit_price_usd * quantity,
                    "difference_usd": line.unit_price_usd * (quantity - line.quantity),
                    "flags": _line_flags(cards, bid.provider, line, median),
                }
            )
        deviations = [
            {"assumption": key, "stated": value, "baseline": base[key]}
            for key, value in bid.assumptions.items()
            if key in base and abs(value - base[key]) > DEVIATION * max(abs(base[key]), 1e-9)
        ]
        results.append(
            {
                "provider": bid.provider,
                "quoted_total_usd": sum(r["quoted_usd"] for r in rows),
                "normalized_total_usd": sum(r["normalized_usd"] for r in rows),
                "lines": rows,
                "deviating_assumptions": deviations,
            }
        )
    cheapest_quote = min(results, key=lambda r: r["quoted_total_usd"])["provider"]
    cheapest_bid = min(results, key=lambda r: r["normalized_total_usd"])["provider"]
    return {
        "study": study.id,
        "baseline": base,
        "bids": results,
        "cheapest_quote": cheapest_quote,
        "cheapest_normalized": cheapest_bid,
    }


class _RateCards:
    """The providers' rate cards for the study, each looked up once per provider and function."""

    def __init__(self, portfolio: Portfolio, study: Study) -> None:
        self._providers = {p.id: p for p in portfolio.providers}
        self._study = study
        self._known: dict[tuple[str, str], float | None] = {}

    def rate(self, provider: str, function: str) -> float | None:
        key = (provider, function)
        if key not in self._known:
            found = self._providers.get(provider)
            self._known[key] = weighted_rate(found, self._study, function) if found else None
        return self._known[key]


def _line_flags(cards: _RateCards, provider: str, line: BidLine, median: float | None) -> list[str]:
    flags = []
    price = line.unit_price_usd
    if median is not None and median > 0 and not median / OUTLIER <= price <= OUTLIER * median:
        flags.append(
            f"unit price {line.unit_price_usd:,.0f} is far from the other bids' "
            f"median {median:,.0f}"
        )
    if line.driver == "fte_month" and line.function:
        card = cards.rate(provider, line.function)
        if card and abs(line.unit_price_usd - card) > RATE_CARD * card:
            flags.append(
                f"{line.unit_price_usd:,.0f} per FTE-month against a rate card of {card:,.0f}"
            )
    return flags


def evaluation_from_bids(portfolio: Portfolio, result: dict[str, Any]) -> dict[str, Any]:
    """An evaluation (as file data) of the providers that bid: their portfolio scores on the
    criteria every one of them has, plus `cost` from the normalized totals, equally weighted
    (an assumption: set weights or judgments in an evaluation file to do better)."""
    bidders = [b["provider"] for b in result["bids"]]
    known = {p.id: p for p in portfolio.providers}
    scored = [known[b].scores for b in bidders if b in known]
    common = (
        sorted(set.intersection(*(set(s) for s in scored)))
        if len(scored) == len(bidders) and scored
        else []
    )
    criteria = [*common, "cost"]
    totals = {b["provider"]: b["normalized_total_usd"] for b in result["bids"]}
    return {
        "schema": "crosource/evaluation@1",
        "criteria": [
            {"id": c, "direction": "cost" if c == "cost" else "benefit"} for c in criteria
        ],
        "weights": dict.fromkeys(criteria, 1.0 / len(criteria)),
        "alternatives": [
            {"id": b, "scores": {**{c: known[b].scores[c] for c in common}, "cost": totals[b]}}
            for b in bidders
        ],
    }
