"""Monte Carlo of the cost model: vectorised over draws, chunked so that memory stays flat,
seedable, with common random numbers across scenarios.

Every scenario is priced on the same underlying draws: the same effort multiplier and the same
quality-event uniform for each (study, function), the same start-up, enrollment-rate and
amendment uniforms for each study. Differences between scenarios are then due to the plans, not
to noise. Chunk k draws from `SeedSequence(seed).spawn(...)[k]`, so a run with more draws
extends a run with fewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from crosource.engine.costing.calendar import active_years, end_ordinal, year_of
from crosource.engine.costing.compiled import Compiled, Layout, enrollment_months
from crosource.engine.costing.params import Params
from crosource.engine.costing.result import CASH
from crosource.engine.costing.streaming import Streaming

CHUNK = 5_000
COMPLETION_BINS = 4096
DIFFERENCE_BINS = 1 << 14
MAX_POISSON = 40
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sources:
    """Which uncertainties are drawn; the others stay at their expectation."""

    effort: bool = True
    startup: bool = True
    enrollment: bool = True
    quality: bool = True
    amendments: bool = True

    @classmethod
    def only(cls, name: str) -> Sources:
        return cls(**{k: k == name for k in cls.__dataclass_fields__})


@dataclass
class Draws:
    """One chunk of the random numbers every scenario shares."""

    effort: np.ndarray  # [n, cells] effort multiplier U (mean 1)
    quality: np.ndarray | None  # [n, cells] uniforms for quality events
    startup: np.ndarray  # [n, studies] start-up as a multiple of its mean
    enrollment: np.ndarray  # [n, studies] months of enrollment
    amendments: np.ndarray | None  # [n, studies] uniforms for amendment counts


def draw(
    rng: np.random.Generator, n: int, layout: Layout, params: Params, sources: Sources
) -> Draws:
    cells, studies = len(layout.cells), len(layout.studies)
    z = rng.standard_normal((n, cells))
    uq = rng.random((n, cells))
    ua = rng.random((n, studies))
    effort = (
        np.exp(layout.sigma * z - layout.sigma**2 / 2) if sources.effort else np.ones((1, cells))
    )
    if sources.startup and params.startup_cv > 0:
        k = 1 / params.startup_cv**2
        startup = rng.standard_gamma(k, (n, studies)) / k
    else:
        startup = np.ones((1, studies))
    capacity = layout.enrolling_capacity
    if sources.enrollment and params.site_rate_cv > 0:
        # The sum of N_e site rates, each gamma with the study's mean rate and CV: a gamma of
        # shape N_e / cv^2 (Poisson-gamma recruitment, in its fluid form).
        shape = np.maximum(layout.enrolling_sites, 1e-9) / params.site_rate_cv**2
        capacity = capacity * rng.standard_gamma(shape, (n, studies)) / shape
    enrollment = enrollment_months(layout.patients, capacity, params.site_activation_window_months)
    return Draws(
        effort,
        uq if sources.quality else None,
        startup,
        np.broadcast_to(enrollment, (n, studies)),
        ua if sources.amendments else None,
    )


def poisson_counts(uniforms: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Poisson counts by inverse transform of common uniforms (common random numbers)."""
    counts = np.zeros(uniforms.shape)
    term = np.exp(-rates) * np.ones(uniforms.shape[-1])
    cdf = term.copy()
    for k in range(1, MAX_POISSON):
        above = uniforms > cdf
        if not above.any():
            break
        counts += above
        term = term * rates / k
        cdf = cdf + term
    return counts


@dataclass
class ScenarioStats:
    name: str
    cash: Streaming = field(default_factory=Streaming)
    economic: Streaming = field(default_factory=Streaming)
    sums: dict[str, float] = field(default_factory=dict)
    completion: list[Streaming] = field(default_factory=list)  # months, per study

    def component_means(self) -> dict[str, float]:
        return {k: v / self.cash.count for k, v in self.sums.items()}


@dataclass
class PairStats:
    a: str
    b: str
    a_cheaper: int = 0
    count: int = 0
    difference: Streaming = field(default_factory=lambda: Streaming(bins=DIFFERENCE_BINS))


@dataclass
class Outcome:
    """Per-draw totals of one scenario in one chunk."""

    cash: np.ndarray
    economic: np.ndarray
    months: np.ndarray
    components: dict[str, float]


def evaluate(plan: Compiled, d: Draws) -> Outcome:
    layout, params = plan.layout, plan.params
    n = d.startup.shape[0] if d.startup.shape[0] > 1 else d.enrollment.shape[0]
    fee_sum = d.effort.sum(axis=0) * (n / d.effort.shape[0])
    fee_like = d.effort @ (plan.coef * plan.fee_weight)
    rho = params.quality_event_cost_share
    if d.quality is not None:
        events = (d.quality < plan.quality_p).astype(float)
        quality = (events * d.effort) @ (rho * plan.coef)
        delayed = layout.per_study(events * plan.operational_external)
    else:
        quality = d.effort @ (rho * plan.coef * plan.quality_p)
        delayed = layout.per_study(plan.quality_p * plan.operational_external)[None, :]
    counts = (
        poisson_counts(d.amendments, plan.amendment_rate)
        if d.amendments is not None
        else plan.amendment_rate[None, :]
    )
    months = (
        plan.startup_mean * d.startup
        + d.enrollment
        + layout.fixed_months
        + plan.transition_delay
        + delayed * params.quality_event_delay_months
        + counts * params.amendment_delay_months
    )
    months = np.broadcast_to(months, (n, len(layout.studies)))
    amendments = np.broadcast_to(counts @ plan.amendment_cost, (n,))
    coordination = months @ plan.coordination_per_month
    ends = year_of(end_ordinal(layout.start_ordinal, months))
    vendor = active_years(year_of(layout.start_ordinal), ends, plan.provider_studies).sum(axis=-1)
    vendor = vendor * params.vendor_management_usd_per_year
    fee_like = np.broadcast_to(fee_like, (n,))
    quality = np.broadcast_to(quality, (n,))
    cash = fee_like + quality + amendments + coordination + vendor
    value = months @ plan.value_per_month
    components = {
        "fees": float(fee_sum @ plan.coef),
        "oversight": float(fee_sum @ (plan.coef * plan.omega)),
        "transitions": float(fee_sum @ (plan.coef * plan.changed)) * params.transition_share,
        "quality": float(quality.sum()),
        "amendments": float(amendments.sum()),
        "coordination": float(coordination.sum()),
        "vendor_management": float(vendor.sum()),
        "value_of_time": float(value.sum()),
    }
    return Outcome(cash, cash + value, months, components)


@dataclass
class Simulation:
    draws: int
    seed: int
    scenarios: list[ScenarioStats]
    pairs: list[PairStats]


def simulate(
    plans: list[Compiled],
    draws: int,
    seed: int,
    chunk: int = CHUNK,
    sources: Sources | None = None,
    progress: Progress | None = None,
) -> Simulation:
    if not plans:
        raise ValueError("no scenario to simulate")
    sources = sources or Sources()
    layout, params = plans[0].layout, plans[0].params
    stats = [ScenarioStats(p.name) for p in plans]
    for s in stats:
        s.completion = [Streaming(bins=COMPLETION_BINS) for _ in layout.studies]
        s.sums = dict.fromkeys((*CASH, "value_of_time"), 0.0)
    pairs = [PairStats(a.name, b.name) for i, a in enumerate(plans) for b in plans[i + 1 :]]
    chunks = max(1, -(-draws // chunk))
    children = np.random.SeedSequence(seed).spawn(chunks)
    done = 0
    for k in range(chunks):
        n = min(chunk, draws - done)
        d = draw(np.random.default_rng(children[k]), n, layout, params, sources)
        outcomes = [evaluate(p, d) for p in plans]
        for s, o in zip(stats, outcomes, strict=True):
            s.cash.add(o.cash)
            s.economic.add(o.economic)
            for key, value in o.components.items():
                s.sums[key] += value
            for i, series in enumerate(s.completion):
                series.add(o.months[:, i])
        index = {p.name: i for i, p in enumerate(plans)}
        for pair in pairs:
            a, b = outcomes[index[pair.a]], outcomes[index[pair.b]]
            pair.a_cheaper += int(np.count_nonzero(a.cash < b.cash))
            pair.count += n
            pair.difference.add(a.cash - b.cash)
        done += n
        if progress is not None:
            progress(done, draws)
    return Simulation(draws, seed, stats, pairs)
