"""Monte Carlo of the cost model: vectorised over draws, chunked so that memory stays flat,
seedable, with common random numbers across scenarios.

Every scenario is priced on the same underlying draws: the same effort multiplier and the same
quality-event uniform for each (study, function), the same start-up, enrollment-rate and
amendment uniforms for each study. Differences between scenarios are then due to the plans, not
to noise. Chunk k draws from `SeedSequence(seed).spawn(...)[k]`, so a run with more draws
extends a run with fewer when both are whole numbers of chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from crosource.engine.costing.calendar import active_years, end_year
from crosource.engine.costing.compiled import Compiled, Layout, enrollment_months
from crosource.engine.costing.params import Params
from crosource.engine.costing.result import CASH
from crosource.engine.costing.streaming import Streaming, StreamingColumns

CHUNK = 4000
COMPLETION_BINS = 3_000  # of 0.1 months (3 days): completion within 25 years, later at the top
DIFFERENCE_BINS = 1 << 14
MAX_POISSON = 40
FLUSH = 10_000  # draws per update of the streaming summaries
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

    n: int
    effort: np.ndarray | None  # [n, cells] exp(σZ), float32 (see `scaled`); None: U = 1
    quality: np.ndarray | None  # [n, cells] uniforms for quality events
    startup: np.ndarray  # [n or 1, studies] start-up as a multiple of its mean
    enrollment: np.ndarray  # [n, studies] months of enrollment
    amendments: np.ndarray | None  # [n, studies] uniforms for amendment counts
    memo: dict[bytes, np.ndarray] = field(default_factory=dict)  # counts by amendment rates
    rate_variants: tuple[np.ndarray, ...] = ()  # the rates every study can have

    def _variant(self, rates: np.ndarray) -> np.ndarray:
        key = rates.tobytes()
        if key not in self.memo:
            assert self.amendments is not None
            self.memo[key] = poisson_counts(self.amendments, rates)
        return self.memo[key]

    def amendment_counts(self, rates: np.ndarray) -> np.ndarray:
        """Counts for these rates. A study's rate is its phase's, the rate lowered by a
        strategic partner, or 0: the counts of each are drawn once per chunk and shared."""
        if self.amendments is None:
            return rates[None, :]
        key = rates.tobytes()
        if key not in self.memo:
            same = [v for v in self.rate_variants if np.array_equal(rates, v)]
            if same:
                self.memo[key] = self._variant(same[0])
            elif self.rate_variants:
                base, lowered = (self._variant(v) for v in self.rate_variants)
                is_base = rates == self.rate_variants[0]
                is_lowered = (rates == self.rate_variants[1]) & ~is_base
                counts = np.where(is_base, base, np.where(is_lowered, lowered, 0.0))
                other = ~(is_base | is_lowered | (rates == 0))
                if other.any():
                    counts[:, other] = poisson_counts(self.amendments[:, other], rates[other])
                self.memo[key] = counts
            else:
                self.memo[key] = poisson_counts(self.amendments, rates)
        return self.memo[key]


def draw(
    rng: np.random.Generator, n: int, layout: Layout, params: Params, sources: Sources
) -> Draws:
    cells, studies = len(layout.cells), len(layout.studies)
    z = rng.standard_normal((n, cells))
    uq = rng.random((n, cells), dtype=np.float32)  # compared with probabilities of ~0.1
    ua = rng.random((n, studies))
    effort: np.ndarray | None = None
    if sources.effort:
        # exp(σZ) in single precision (ample for sampling, and twice as fast), written
        # straight from the double-precision normals; its mean exp(σ²/2) is divided out of the
        # weights that multiply it (`scaled`), so that U = exp(σZ − σ²/2) has mean 1.
        effort = np.empty((n, cells), dtype=np.float32)
        np.multiply(z, layout.sigma, out=effort, casting="unsafe")
        np.exp(effort, out=effort)
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
        n=n,
        effort=effort,
        quality=uq if sources.quality else None,
        startup=startup,
        enrollment=np.broadcast_to(enrollment, (n, studies)),
        amendments=ua if sources.amendments else None,
        rate_variants=_rate_variants(layout, params),
    )


def _rate_variants(layout: Layout, params: Params) -> tuple[np.ndarray, ...]:
    base = np.array([params.amendments(s.phase)[0] for s in layout.studies])
    return base, base * (1 - params.amendment_reduction_strategic)


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
    completion: StreamingColumns = field(default_factory=lambda: StreamingColumns(0, 1))

    def component_means(self) -> dict[str, float]:
        return {k: v / self.cash.count for k, v in self.sums.items()}

    def empty_like(self) -> ScenarioStats:
        return ScenarioStats(
            self.name,
            self.cash.empty_like(),
            self.economic.empty_like(),
            dict.fromkeys(self.sums, 0.0),
            self.completion.empty_like(),
        )

    def merge(self, other: ScenarioStats) -> None:
        self.cash.merge(other.cash)
        self.economic.merge(other.economic)
        self.completion.merge(other.completion)
        for key, value in other.sums.items():
            self.sums[key] = self.sums.get(key, 0.0) + value


@dataclass
class PairStats:
    a: str
    b: str
    a_cheaper: int = 0
    count: int = 0
    difference: Streaming = field(default_factory=lambda: Streaming(bins=DIFFERENCE_BINS))

    def empty_like(self) -> PairStats:
        return PairStats(self.a, self.b, difference=self.difference.empty_like())

    def merge(self, other: PairStats) -> None:
        self.a_cheaper += other.a_cheaper
        self.count += other.count
        self.difference.merge(other.difference)


@dataclass
class Outcome:
    """Per-draw totals of one scenario in one chunk."""

    cash: np.ndarray
    economic: np.ndarray
    months: np.ndarray
    components: dict[str, float]


def scaled(layout: Layout, weights: np.ndarray) -> np.ndarray:
    """Weights for the stored exp(σZ): times exp(−σ²/2), per cell (rows of `weights`)."""
    factor = np.exp(-(layout.sigma**2) / 2)
    weighted: np.ndarray = weights * (factor if weights.ndim == 1 else factor[:, None])
    return weighted.astype(np.float32)


def _fees(plan: Compiled, d: Draws, weights: np.ndarray) -> np.ndarray:
    """Per draw: Σ_cells U · weights (a single matrix-vector product)."""
    if d.effort is None:
        return np.full(d.n, float(weights.sum()))
    product: np.ndarray = d.effort @ scaled(plan.layout, weights)
    return product.astype(np.float64)


def _quality(plan: Compiled, d: Draws) -> tuple[np.ndarray, np.ndarray]:
    """Per draw: the cost of quality events, and the events delaying each study."""
    layout, params = plan.layout, plan.params
    rho_coef = params.quality_event_cost_share * plan.coef
    if d.quality is None:
        delayed = layout.per_study(plan.quality_p * plan.operational_external)[None, :]
        return _fees(plan, d, rho_coef * plan.quality_p), delayed
    events = d.quality < plan.quality_p32
    if d.effort is None:
        cost = events.astype(np.float64) @ rho_coef
    else:
        cost = ((d.effort * events.view(np.uint8)) @ scaled(layout, rho_coef)).astype(np.float64)
    # Only operational cells (the first block) delay a study; in-house ones never have events.
    delayed = layout.per_study_operational(events[:, : layout.operational_count])
    return cost, delayed


def fee_weights(plan: Compiled) -> np.ndarray:
    """[cells, 4]: the weights of U giving, per draw, fees + oversight + transitions, fees,
    oversight and transitions."""
    coef = plan.coef
    transitions = coef * plan.changed * plan.params.transition_share
    return np.stack([coef * plan.fee_weight, coef, coef * plan.omega, transitions], axis=1)


def fee_columns(plans: list[Compiled], d: Draws) -> list[np.ndarray]:
    """Each plan's fee columns ([n, 4], see `fee_weights`) from one product with U for all
    plans: U, the largest array, is read once."""
    weights = np.concatenate([fee_weights(p) for p in plans], axis=1)
    if d.effort is None:
        product = np.broadcast_to(weights.sum(axis=0), (d.n, weights.shape[1]))
    else:
        product = (d.effort @ scaled(plans[0].layout, weights)).astype(np.float64)
    return [product[:, 4 * k : 4 * k + 4] for k in range(len(plans))]


def evaluate(plan: Compiled, d: Draws, fees: np.ndarray | None = None) -> Outcome:
    layout, params = plan.layout, plan.params
    n = d.n
    if fees is None:
        fees = fee_columns([plan], d)[0]
    fee_like = fees[:, 0]
    quality, delayed = _quality(plan, d)
    counts = d.amendment_counts(plan.amendment_rate)
    months = np.empty((n, len(layout.studies)))  # built in place: fewer temporaries
    np.multiply(plan.startup_mean, d.startup, out=months)
    months += d.enrollment
    months += layout.fixed_months + plan.transition_delay
    months += delayed * params.quality_event_delay_months
    months += counts * params.amendment_delay_months
    amendments = np.broadcast_to(counts @ plan.amendment_cost, (n,))
    coordination = months @ plan.coordination_per_month
    ends = end_year(layout.start_ordinal, months)
    vendor = active_years(layout.start_year, ends, plan.provider_studies).sum(axis=-1)
    vendor = vendor * params.vendor_management_usd_per_year
    cash = fee_like + quality + amendments + coordination + vendor
    value = months @ plan.value_per_month
    components = {
        "fees": float(fees[:, 1].sum()),
        "oversight": float(fees[:, 2].sum()),
        "transitions": float(fees[:, 3].sum()),
        "quality": float(quality.sum()),
        "amendments": float(amendments.sum()),
        "coordination": float(coordination.sum()),
        "vendor_management": float(vendor.sum()),
        "value_of_time": float(value.sum()),
    }
    return Outcome(cash, cash + value, months, components)


def _record(
    stats: list[ScenarioStats],
    pairs: list[PairStats],
    index: dict[str, int],
    batches: list[list[Outcome]],
) -> None:
    for k, s in enumerate(stats):
        outcomes = [batch[k] for batch in batches]
        s.cash.add(np.concatenate([o.cash for o in outcomes]))
        s.economic.add(np.concatenate([o.economic for o in outcomes]))
        s.completion.add(np.concatenate([o.months for o in outcomes]))
        for o in outcomes:
            for key, value in o.components.items():
                s.sums[key] += value
    for pair in pairs:
        a = np.concatenate([batch[index[pair.a]].cash for batch in batches])
        b = np.concatenate([batch[index[pair.b]].cash for batch in batches])
        pair.a_cheaper += int(np.count_nonzero(a < b))
        pair.count += len(a)
        pair.difference.add(a - b)


@dataclass
class Simulation:
    draws: int  # the draws summarised here (those of its chunks, for a part of a run)
    seed: int
    scenarios: list[ScenarioStats]
    pairs: list[PairStats]

    def empty_like(self) -> Simulation:
        """No draws, binned like this one: the start of the other parts of its run."""
        return Simulation(
            0,
            self.seed,
            [s.empty_like() for s in self.scenarios],
            [p.empty_like() for p in self.pairs],
        )

    def merge(self, other: Simulation) -> None:
        """Add another part of the same run (same seed, scenarios and first batch)."""
        names = [s.name for s in self.scenarios], [s.name for s in other.scenarios]
        if self.seed != other.seed or names[0] != names[1]:
            raise ValueError("parts of different runs cannot be merged")
        self.draws += other.draws
        for mine, theirs in zip(self.scenarios, other.scenarios, strict=True):
            mine.merge(theirs)
        for pair, their_pair in zip(self.pairs, other.pairs, strict=True):
            pair.merge(their_pair)


def chunk_count(draws: int, chunk: int = CHUNK) -> int:
    return max(1, -(-draws // chunk))


def partition(
    draws: int, chunk: int = CHUNK, part_draws: int = 96_000, flush: int = FLUSH
) -> list[range]:
    """A run's chunks in parts that can be simulated apart and merged into the numbers of one
    run: the first part is the first batch of the summaries (it fixes their ranges, so it runs
    first), the others about `part_draws` each. Every part starts on a batch boundary, so each
    batch holds the same draws as in one run. The partition depends on the draws only, never on
    how many workers run it, so that the merged numbers do not either."""
    chunks = chunk_count(draws, chunk)
    batch = max(1, -(-flush // chunk))  # chunks per batch of the summaries (see `simulate`)
    size = max(batch, part_draws // chunk // batch * batch)
    parts = [range(0, min(batch, chunks))]
    parts += [range(k, min(k + size, chunks)) for k in range(parts[0].stop, chunks, size)]
    return parts


def _fresh(plans: list[Compiled], layout: Layout, seed: int) -> Simulation:
    stats = [ScenarioStats(p.name) for p in plans]
    for s in stats:
        s.completion = StreamingColumns(len(layout.studies), COMPLETION_BINS, width=0.1)
        s.sums = dict.fromkeys((*CASH, "value_of_time"), 0.0)
    pairs = [PairStats(a.name, b.name) for i, a in enumerate(plans) for b in plans[i + 1 :]]
    return Simulation(0, seed, stats, pairs)


def simulate(
    plans: list[Compiled],
    draws: int,
    seed: int,
    chunk: int = CHUNK,
    sources: Sources | None = None,
    progress: Progress | None = None,
    chunks: range | None = None,
    like: Simulation | None = None,
) -> Simulation:
    """Monte Carlo of the plans over `draws` draws, or only the chunks `chunks` of such a run
    (a part, see `partition`), binned like `like` (the run's first part) when given."""
    if not plans:
        raise ValueError("no scenario to simulate")
    sources = sources or Sources()
    layout, params = plans[0].layout, plans[0].params
    total_chunks = chunk_count(draws, chunk)
    chunks = chunks if chunks is not None else range(total_chunks)
    result = like.empty_like() if like is not None else _fresh(plans, layout, seed)
    stats, pairs = result.scenarios, result.pairs
    # Chunk k's seed is the k-th child of the run's seed, whatever the part computing it.
    children = np.random.SeedSequence(seed).spawn(total_chunks)
    index = {p.name: i for i, p in enumerate(plans)}
    pending: list[list[Outcome]] = []
    done = 0
    wanted = sum(min(chunk, draws - k * chunk) for k in chunks)
    for k in chunks:
        n = min(chunk, draws - k * chunk)
        d = draw(np.random.default_rng(children[k]), n, layout, params, sources)
        columns = fee_columns(plans, d)
        pending.append([evaluate(p, d, c) for p, c in zip(plans, columns, strict=True)])
        done += n
        # Summaries take draws in batches: fewer, larger updates of their histograms.
        if sum(len(batch[0].cash) for batch in pending) >= FLUSH or done == wanted:
            _record(stats, pairs, index, pending)
            pending = []
        if progress is not None:
            progress(done, wanted)
    result.draws = done
    return result
