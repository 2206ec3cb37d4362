"""A plan compiled into arrays over the portfolio's cells (every (study, function) with demand),
ordered by study so that per-study sums are contiguous. The deterministic price and the Monte
Carlo engine both compute from these arrays, so they apply the same formulas.

Notation of cost-model.md: E effort, L learning, r rate, w region shares, ω oversight share,
τ transition share, π quality-event probability, a amendment rate, D duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from crosource.domain.portfolio import Portfolio, Study
from crosource.domain.taxonomy import FUNCTIONS
from crosource.engine.capability import weighted_rate
from crosource.engine.costing.params import DAYS_PER_MONTH, OPERATIONAL, Params
from crosource.engine.costing.plans import Choice, ResolvedPlan

NO_QUALITY_SCORE = 2.0  # a provider without a quality score counts as 2 (cost-model.md, 6)


@dataclass(frozen=True)
class Layout:
    """The plan-independent shape of a portfolio: its studies and cells.

    Cells of operational functions come first, function by function, then the others: the
    Monte Carlo engine counts delaying events per study by adding one slice per function.
    """

    studies: tuple[Study, ...]
    cells: tuple[tuple[int, str], ...]  # (study index, function)
    cell_study: np.ndarray  # study index of each cell
    effort: np.ndarray  # E per cell, FTE-months
    sigma: np.ndarray  # effort uncertainty per cell
    start_ordinal: np.ndarray  # per study
    enrolling_capacity: np.ndarray  # patients per month once all sites are active (N_e * r)
    enrolling_sites: np.ndarray  # N_e
    patients: np.ndarray
    fixed_months: np.ndarray  # treatment and follow-up + close-out
    operational_count: int  # the first cells, those of operational functions
    operational_blocks: tuple[tuple[int, int, np.ndarray], ...]  # per function: slice, studies

    @classmethod
    def of(cls, portfolio: Portfolio, params: Params) -> Layout:
        studies = tuple(sorted(portfolio.studies, key=lambda s: (s.start, s.id)))
        needed = [(i, f) for i, s in enumerate(studies) for f in FUNCTIONS if s.effort(f) > 0]
        # Operational cells function by function: each function's block is one slice.
        operational = [(i, f) for f in OPERATIONAL for i, g in needed if g == f]
        cells = tuple(operational + [c for c in needed if c[1] not in OPERATIONAL])
        blocks = []
        for f in OPERATIONAL:
            members = [k for k, (_, g) in enumerate(operational) if g == f]
            if members:
                owners = np.array([operational[k][0] for k in members], dtype=np.int64)
                blocks.append((members[0], members[-1] + 1, owners))
        sites = np.array([s.sites for s in studies], dtype=float)
        enrolling = sites * (1 - params.non_enrolling_site_share)
        return cls(
            studies=studies,
            cells=cells,
            cell_study=np.array([i for i, _ in cells], dtype=np.int64),
            effort=np.array([studies[i].effort(f) for i, f in cells]),
            sigma=np.array([params.effort_sigma[studies[i].complexity] for i, _ in cells]),
            start_ordinal=np.array([s.start.toordinal() for s in studies], dtype=float),
            enrolling_capacity=enrolling * np.array([s.enrollment_rate for s in studies]),
            enrolling_sites=enrolling,
            patients=np.array([s.patients for s in studies], dtype=float),
            fixed_months=np.array(
                [s.treatment_followup_months + params.closeout_months for s in studies]
            ),
            operational_count=len(operational),
            operational_blocks=tuple(blocks),
        )

    @cached_property
    def start_year(self) -> np.ndarray:
        return np.array([s.start.year for s in self.studies])

    @cached_property
    def order(self) -> list[int]:
        """Cells in (study, function) order, for reports."""
        rank = {f: k for k, f in enumerate(FUNCTIONS)}
        return sorted(
            range(len(self.cells)), key=lambda c: (self.cells[c][0], rank[self.cells[c][1]])
        )

    def per_study(self, values: np.ndarray) -> np.ndarray:
        """Sum cell values (last axis) into study values; studies without cells get 0."""
        if values.ndim == 1:
            out: np.ndarray = np.bincount(
                self.cell_study, weights=values, minlength=len(self.studies)
            )
            return out
        indicator = np.zeros((len(self.cells), len(self.studies)))
        indicator[np.arange(len(self.cells)), self.cell_study] = 1.0
        summed: np.ndarray = values @ indicator
        return summed

    def per_study_operational(self, events: np.ndarray) -> np.ndarray:
        """Count events (last axis: the operational cells) per study."""
        out = np.zeros((*events.shape[:-1], len(self.studies)), dtype=np.uint8)
        for first, end, studies in self.operational_blocks:
            block = events[..., first:end]
            if len(studies) == len(self.studies):  # every study has the function: no indexing
                out += block
            else:
                out[..., studies] += block
        return out


def enrollment_months(patients: np.ndarray, capacity: np.ndarray, window: float) -> np.ndarray:
    """Months from start-up to the last patient, sites activating uniformly over `window`
    months and the study enrolling `capacity` patients a month once all are active."""
    patients, capacity = np.broadcast_arrays(patients, capacity)
    with np.errstate(divide="ignore", invalid="ignore"):
        months: np.ndarray = patients / capacity  # enrolled at the full rate
        if window > 0:
            # Half the window's capacity is lost to sites not yet active: add half the window,
            # unless the patients come in before the last site opens (then t = √(2WP/c)).
            months += window / 2
            early = patients <= capacity * window / 2
            if early.any():
                months[early] = np.sqrt(2 * window * months[early] - window * window)
        months[~(capacity > 0)] = np.inf
    return months


@dataclass(frozen=True)
class Compiled:
    """One plan's coefficients over the layout's cells and studies."""

    name: str
    description: str
    plan: ResolvedPlan
    layout: Layout
    params: Params
    model: tuple[str, ...]  # per cell
    provider: tuple[str | None, ...]  # per cell
    relationship: tuple[str, ...]  # per cell
    rate: np.ndarray  # weighted rate per cell, USD per FTE-month
    learning: np.ndarray  # L per cell
    coef: np.ndarray  # E * L * r: the fee at effort multiplier 1
    omega: np.ndarray  # oversight share per cell
    changed: np.ndarray  # 1 where the provider changed from the program's previous study
    quality_p: np.ndarray  # π per cell (0 in-house)
    operational_external: np.ndarray  # 1 where an event in this cell delays the study
    startup_mean: np.ndarray  # per study, months, after CRO acceleration
    transition_delay: np.ndarray  # per study, months
    amendment_rate: np.ndarray  # per study, after a strategic partner's reduction
    amendment_cost: np.ndarray  # per study, USD each
    parties: np.ndarray  # per study
    value_per_day: np.ndarray  # per study, USD
    providers: tuple[str, ...]  # external providers used
    provider_studies: np.ndarray  # bool [provider, study]

    @cached_property
    def fee_weight(self) -> np.ndarray:
        """Fees, oversight and transitions are all proportional to the fee of a cell."""
        return 1 + self.omega + self.params.transition_share * self.changed

    @cached_property
    def quality_p32(self) -> np.ndarray:
        """π in single precision, for comparison with single-precision uniforms."""
        return self.quality_p.astype(np.float32)

    @cached_property
    def coordination_per_month(self) -> np.ndarray:
        parties: np.ndarray = np.maximum(self.parties - 1, 0)
        return self.params.coordination_usd_per_party_month * parties

    @cached_property
    def value_per_month(self) -> np.ndarray:
        return self.value_per_day * DAYS_PER_MONTH


def _learning(
    layout: Layout,
    portfolio: Portfolio,
    plan: ResolvedPlan,
    params: Params,
    provider: list[str | None],
    relationship: list[str],
) -> np.ndarray:
    """L = max(1 − ℓ·k, 1 − ℓmax), k the earlier studies (by start date) in the same area with
    the same provider for the same function, both under a strategic relationship."""
    area = {p.id: p.therapeutic_area for p in portfolio.programs}
    learning = np.ones(len(layout.cells))
    history: dict[tuple[str, str, str], list[float]] = {}
    for c, (i, function) in enumerate(layout.cells):
        study = layout.studies[i]
        if provider[c] is None or relationship[c] != "strategic":
            continue
        key = (area[study.program], function, str(provider[c]))
        start = layout.start_ordinal[i]
        k = sum(1 for earlier in history.get(key, []) if earlier < start)
        learning[c] = max(1 - params.learning_rate * k, 1 - params.learning_max)
        history.setdefault(key, []).append(start)
    return learning


def _changed(layout: Layout, provider: list[str | None]) -> np.ndarray:
    """1 where a function's provider differs from the program's previous study (by start)."""
    index = {cell: c for c, cell in enumerate(layout.cells)}
    changed = np.zeros(len(layout.cells))
    previous: dict[str, int] = {}
    for i, study in enumerate(layout.studies):  # already in (start, id) order
        before = previous.get(study.program)
        if before is not None:
            for function in FUNCTIONS:
                now, then = index.get((i, function)), index.get((before, function))
                if now is not None and then is not None and provider[now] != provider[then]:
                    changed[now] = 1.0
        previous[study.program] = i
    return changed


def compile_plan(
    portfolio: Portfolio, plan: ResolvedPlan, params: Params, layout: Layout
) -> Compiled:
    from crosource.engine.costing.plans import PlanError

    cells = layout.cells
    choices = [plan.cells[(layout.studies[i].id, f)] for i, f in cells]
    provider = [c.provider for c in choices]
    relationship = [
        plan.relationship(layout.studies[i].program, provider[c]) for c, (i, _) in enumerate(cells)
    ]
    rate = np.empty(len(cells))
    quality = np.zeros(len(cells))
    for c, (i, function) in enumerate(cells):
        if provider[c] is None:
            rate[c] = portfolio.sponsor.internal_cost_per_fte_month
            continue
        vendor = portfolio.provider(str(provider[c]))
        value = weighted_rate(vendor, layout.studies[i], function)
        if value is None:
            index = [p.id for p in portfolio.providers].index(vendor.id)
            raise PlanError(
                ("providers", index, "rates_usd_per_fte_month"),
                f"plan {plan.name} uses {vendor.id} for {function} in study "
                f"{layout.studies[i].id}, but it has no rate for that function "
                "in the study's regions (nor a default)",
            )
        rate[c] = value
        q = float(vendor.scores.get("quality", NO_QUALITY_SCORE))
        quality[c] = min(params.quality_event_probability * (1 + (4 - q) / 4), 1.0)
    learning = _learning(layout, portfolio, plan, params, provider, relationship)
    providers, provider_studies = _provider_terms(layout, provider)
    changed = _changed(layout, provider)
    external = np.array([p is not None for p in provider])
    operational = np.array([f in OPERATIONAL for _, f in cells])
    return Compiled(
        name=plan.name,
        description=plan.description,
        plan=plan,
        layout=layout,
        params=params,
        model=tuple(c.model for c in choices),
        provider=tuple(provider),
        relationship=tuple(relationship),
        rate=rate,
        learning=learning,
        coef=layout.effort * learning * rate,
        omega=np.array([params.oversight_share[c.model] for c in choices]),
        changed=changed,
        quality_p=quality,
        operational_external=(external & operational).astype(float),
        **_study_terms(portfolio, layout, params, choices, relationship, changed * operational),
        providers=providers,
        provider_studies=provider_studies,
    )


def _study_terms(
    portfolio: Portfolio,
    layout: Layout,
    params: Params,
    choices: list[Choice],
    relationship: list[str],
    changed_operational: np.ndarray,
) -> dict[str, np.ndarray]:
    n = len(layout.studies)
    startup, delay = np.empty(n), np.zeros(n)
    rate, cost, parties, value = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    by_study: dict[int, list[int]] = {}
    for c, (i, _) in enumerate(layout.cells):
        by_study.setdefault(i, []).append(c)
    for i, study in enumerate(layout.studies):
        program = portfolio.program(study.program)
        mine = by_study.get(i, [])
        startup[i] = params.startup(study.phase)
        regions = {r for r, count in study.regions.items() if count > 0}
        reduce = False
        holders: set[str] = set()
        for c in mine:
            choice = choices[c]
            function = layout.cells[c][1]
            model, provider = choice.model, choice.provider
            holders.add(provider or "sponsor")
            if provider is None:
                continue
            vendor = portfolio.provider(provider)
            if (
                function == "site_management"
                and model in ("fso", "boutique")
                and regions <= set(vendor.regions)
            ):
                startup[i] -= params.cro_startup_acceleration_months
            expert = vendor.therapeutic_areas.get(program.therapeutic_area, 0) >= 3
            if (
                function in ("project_management", "medical_writing")
                and expert
                and relationship[c] == "strategic"
            ):
                reduce = True
        startup[i] = max(startup[i], 0.0)
        if mine and changed_operational[mine].any():
            delay[i] = params.transition_delay_months
        a, cost[i] = params.amendments(study.phase)
        rate[i] = a * (1 - params.amendment_reduction_strategic) if reduce else a
        if study.phase == "preclinical":
            rate[i] = 0.0  # no protocol to amend (assumption)
        parties[i] = len(holders)
        if not program.commercial_intent:
            value[i] = 0.0  # time has a value only for programs with commercial intent
        elif program.value_of_a_day_usd is not None:
            value[i] = program.value_of_a_day_usd
        else:
            value[i] = params.lost_sales_usd_per_day * params.loa(study.phase)
    return {
        "startup_mean": startup,
        "transition_delay": delay,
        "amendment_rate": rate,
        "amendment_cost": cost,
        "parties": parties,
        "value_per_day": value,
    }


def _provider_terms(
    layout: Layout, provider: list[str | None]
) -> tuple[tuple[str, ...], np.ndarray]:
    names = tuple(sorted({p for p in provider if p is not None}))
    mask = np.zeros((len(names), len(layout.studies)), dtype=bool)
    for c, (i, _) in enumerate(layout.cells):
        if provider[c] is not None:
            mask[names.index(str(provider[c])), i] = True
    return names, mask
