"""The optimizer's model, built from the cost model's expected values (optimize.md, "Model").

Variables: x (one binary per option of each (study, function) with demand), y (provider active in
a calendar year: vendor management), z (party present in a study: coordination), w (a function's
provider changes from the program's previous study: transitions), r (a strategic expert partner
lowers the study's amendments), a (site management by a CRO shortens start-up), t (a transition
delays the study). Exact for fees, oversight, quality, transitions and amendments; vendor years
and coordination use each study's expected duration without the plan's own delays, and learning
across a strategic relationship is left out: the chosen plan is then priced exactly.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from crosource.domain.portfolio import Assignment, OptimizeSettings, Portfolio, Study
from crosource.domain.taxonomy import FUNCTIONS
from crosource.engine.capability import can_deliver, offers_model, weighted_rate
from crosource.engine.costing.compiled import Layout, enrollment_months
from crosource.engine.costing.params import DAYS_PER_MONTH, OPERATIONAL, Params
from crosource.engine.optimize.problem import INF, Problem

Key = tuple[str, str]


@dataclass(frozen=True)
class Option:
    study: str
    function: str
    model: str
    provider: str | None
    fee: float
    quality_p: float
    variable: int

    @property
    def holder(self) -> str:
        return self.provider or "sponsor"


@dataclass
class Model:
    problem: Problem
    options: dict[Key, list[Option]]
    empty: list[Key]  # (study, function) pairs left without any option
    settings: OptimizeSettings
    durations: dict[str, float]  # expected months per study, before the plan's own effects
    groups: dict[str, str] = field(default_factory=dict)  # group -> what it limits


def _matches(item: Assignment, study: str, function: str, model: str, provider: str | None) -> bool:
    return (
        item.study in ("*", study)
        and item.function == function
        and item.model == model
        and (item.provider or None) == provider
    )


def _options(
    portfolio: Portfolio,
    study: Study,
    function: str,
    settings: OptimizeSettings,
    shares: dict[str, float],
) -> list[tuple[str, str | None, float]]:
    found: list[tuple[str, str | None, float]] = []
    own = portfolio.sponsor.internal.get(function)  # type: ignore[call-overload]
    if own is not None and own.fte > 0:
        found.append(("in_house", None, portfolio.sponsor.internal_cost_per_fte_month))
    for provider in portfolio.providers:
        for model in ("fso", "fsp", "boutique"):
            if offers_model(provider, model) and can_deliver(provider, study, function, model):
                rate = weighted_rate(provider, study, function)
                if rate is not None:
                    found.append((model, provider.id, rate))
    locks = [i for i in settings.locks if i.study in ("*", study.id) and i.function == function]
    if locks:
        found = [
            o for o in found if any(_matches(i, study.id, function, o[0], o[1]) for i in locks)
        ]
    found = [
        o
        for o in found
        if not any(_matches(i, study.id, function, o[0], o[1]) for i in settings.forbid)
    ]
    return _undominated(found, study, function, portfolio, shares)


def _undominated(
    found: list[tuple[str, str | None, float]],
    study: Study,
    function: str,
    portfolio: Portfolio,
    shares: dict[str, float],
) -> list[tuple[str, str | None, float]]:
    """Drop an option when the same provider offers another model that costs no more in
    oversight and gives no less start-up acceleration: it can never be the better choice."""
    regions = {g for g, n in study.regions.items() if n > 0}

    def rank(model: str, provider: str) -> tuple[bool, float, str]:
        faster = (
            function == "site_management"
            and model in ("fso", "boutique")
            and regions <= set(portfolio.provider(provider).regions)
        )
        return (not faster, shares[model], model)

    by_provider: dict[str | None, list[tuple[str, str | None, float]]] = {}
    for option in found:
        by_provider.setdefault(option[1], []).append(option)
    kept = by_provider.pop(None, [])
    for provider, options in by_provider.items():
        kept.append(min(options, key=lambda o: rank(o[0], str(provider))))
    return kept


def _month(origin: Study, study: Study) -> int:
    return (study.start.year - origin.start.year) * 12 + study.start.month - origin.start.month


class Builder:
    def __init__(
        self, portfolio: Portfolio, settings: OptimizeSettings, relationships: dict[Key, str]
    ) -> None:
        self.portfolio, self.settings, self.relationships = portfolio, settings, relationships
        self.params = Params.of(portfolio)
        self.layout = Layout.of(portfolio, self.params)
        self.problem = Problem()
        self.options: dict[Key, list[Option]] = {}
        self.economic = settings.objective == "economic"
        capacity = enrollment_months(
            self.layout.patients,
            self.layout.enrolling_capacity,
            self.params.site_activation_window_months,
        )
        self.durations = {
            s.id: float(self.params.startup(s.phase) + capacity[i] + self.layout.fixed_months[i])
            for i, s in enumerate(self.layout.studies)
        }

    def value_per_month(self, study: Study) -> float:
        program = self.portfolio.program(study.program)
        if not program.commercial_intent:
            return 0.0
        day = (
            program.value_of_a_day_usd
            if program.value_of_a_day_usd is not None
            else self.params.lost_sales_usd_per_day * self.params.loa(study.phase)
        )
        return float(day) * DAYS_PER_MONTH if self.economic else 0.0

    def build(self) -> Model:
        empty = self._choices()
        self._transitions()
        self._amendments_and_startup()
        self._vendors_and_parties()
        self._capacities()
        self._limits()
        if self.settings.strategic_consistency:
            self._consistency()
        return Model(self.problem, self.options, empty, self.settings, self.durations)

    # -- one option per (study, function) ----------------------------------------------------
    def _choices(self) -> list[Key]:
        p, params = self.problem, self.params
        empty: list[Key] = []
        for study in self.layout.studies:
            vot = self.value_per_month(study)
            for function in FUNCTIONS:
                effort = study.effort(function)
                if effort <= 0:
                    continue
                made = []
                for model, provider, rate in _options(
                    self.portfolio, study, function, self.settings, self.params.oversight_share
                ):
                    fee = effort * rate
                    q = 0.0
                    if provider is not None:
                        score = self.portfolio.provider(provider).scores.get("quality", 2.0)
                        q = min(params.quality_event_probability * (1 + (4 - score) / 4), 1.0)
                    cost = fee * (
                        1 + params.oversight_share[model] + q * params.quality_event_cost_share
                    )
                    if function in OPERATIONAL and provider is not None:
                        cost += vot * q * params.quality_event_delay_months
                    name = f"x[{study.id},{function},{model},{provider or '-'}]"
                    made.append(
                        Option(study.id, function, model, provider, fee, q, p.variable(name, cost))
                    )
                self.options[(study.id, function)] = made
                if not made:
                    empty.append((study.id, function))
                    continue
                p.add(
                    "choice",
                    f"one option for {function} in {study.id}",
                    {o.variable: 1.0 for o in made},
                    1.0,
                    1.0,
                )
        return empty

    # -- transitions between consecutive studies of a program --------------------------------
    def _transitions(self) -> None:
        p, params = self.problem, self.params
        self.delayed: dict[str, list[int]] = {}
        previous: dict[str, Study] = {}
        for study in self.layout.studies:  # in (start, id) order
            before = previous.get(study.program)
            previous[study.program] = study
            if before is None:
                continue
            vot = self.value_per_month(study)
            for function in FUNCTIONS:
                now, then = (
                    self.options.get((study.id, function)),
                    self.options.get((before.id, function)),
                )
                if not now or not then:
                    continue
                holders: dict[str, list[Option]] = {}
                for option in now:
                    holders.setdefault(option.holder, []).append(option)
                for holder, chosen in holders.items():
                    # w = 1 when this holder takes over from another: a holder's options share
                    # its rate, so one variable serves them all.
                    w = p.variable(
                        f"w[{study.id},{function},{holder}]",
                        params.transition_share * chosen[0].fee,
                    )
                    same = {o.variable: 1.0 for o in then if o.holder == holder}
                    taking = {o.variable: -1.0 for o in chosen}
                    p.add(
                        "transitions",
                        f"{function} changes hands in {study.id}",
                        {w: 1.0, **taking, **same},
                        lower=0.0,
                    )
                    if function in OPERATIONAL:
                        self.delayed.setdefault(study.id, []).append(w)
            if study.id in self.delayed and params.transition_delay_months > 0 and vot > 0:
                t = p.variable(f"t[{study.id}]", vot * params.transition_delay_months)
                for w in self.delayed[study.id]:
                    p.add(
                        "transitions",
                        f"transition delay of {study.id}",
                        {t: 1.0, w: -1.0},
                        lower=0.0,
                    )

    # -- amendments lowered by an expert strategic partner; CRO start-up ---------------------
    def _amendments_and_startup(self) -> None:
        p, params = self.problem, self.params
        for study in self.layout.studies:
            program = self.portfolio.program(study.program)
            vot = self.value_per_month(study)
            rate, cost = params.amendments(study.phase)
            if study.phase == "preclinical":
                rate = 0.0
            base = self.durations[study.id]
            p.constant += rate * cost + vot * (base + rate * params.amendment_delay_months)
            qualifying = [
                o.variable
                for f in ("project_management", "medical_writing")
                for o in self.options.get((study.id, f), [])
                if o.provider is not None
                and self.relationships.get((program.id, o.provider)) == "strategic"
                and self.portfolio.provider(o.provider).therapeutic_areas.get(
                    program.therapeutic_area, 0
                )
                >= 3
            ]
            saving = (
                rate
                * params.amendment_reduction_strategic
                * (cost + vot * params.amendment_delay_months)
            )
            if qualifying and saving > 0:
                r = p.variable(f"r[{study.id}]", -saving)
                p.add(
                    "amendments",
                    f"strategic partner in {study.id}",
                    {r: 1.0, **dict.fromkeys(qualifying, -1.0)},
                    upper=0.0,
                )
            regions = {g for g, n in study.regions.items() if n > 0}
            faster = [
                o.variable
                for o in self.options.get((study.id, "site_management"), [])
                if o.model in ("fso", "boutique")
                and o.provider is not None
                and regions <= set(self.portfolio.provider(o.provider).regions)
            ]
            gain = min(params.cro_startup_acceleration_months, params.startup(study.phase)) * vot
            if faster and gain > 0:
                a = p.variable(f"a[{study.id}]", -gain)
                p.add(
                    "startup",
                    f"CRO start-up in {study.id}",
                    {a: 1.0, **dict.fromkeys(faster, -1.0)},
                    upper=0.0,
                )

    # -- vendor management (provider-years) and coordination (parties per study) -------------
    def _vendors_and_parties(self) -> None:
        """z[s,q] ≥ x for every option of holder q in study s; y[p,year] ≥ z[s,p] for every
        year study s is active: a provider-year is paid once, whatever it serves."""
        p, params = self.problem, self.params
        years: dict[tuple[str, int], int] = {}
        for study in self.layout.studies:
            end = study.start.toordinal() + self.durations[study.id] * DAYS_PER_MONTH
            last = _year_of(end)
            parties: dict[str, int] = {}
            for function in FUNCTIONS:
                for o in self.options.get((study.id, function), []):
                    if o.holder not in parties:
                        parties[o.holder] = p.variable(
                            f"z[{study.id},{o.holder}]",
                            params.coordination_usd_per_party_month * self.durations[study.id],
                        )
                    p.add(
                        "parties",
                        f"{o.holder} in {study.id}",
                        {parties[o.holder]: 1.0, o.variable: -1.0},
                        lower=0.0,
                    )
            if params.vendor_management_usd_per_year > 0:
                for holder, z in parties.items():
                    if holder == "sponsor":
                        continue
                    for year in range(study.start.year, last + 1):
                        if (holder, year) not in years:
                            years[(holder, year)] = p.variable(
                                f"y[{holder},{year}]", params.vendor_management_usd_per_year
                            )
                        p.add(
                            "vendors",
                            f"{holder} active in {year}",
                            {years[(holder, year)]: 1.0, z: -1.0},
                            lower=0.0,
                        )
            p.constant -= params.coordination_usd_per_party_month * self.durations[study.id]

    # -- capacity by function and month -------------------------------------------------------
    def _limit(self, holder: str, function: str) -> float | None:
        if holder == "sponsor":
            return float(self.portfolio.sponsor.internal[function].fte)  # type: ignore[index]
        capacity = self.portfolio.provider(holder).capacity_fte.get(function)  # type: ignore[call-overload]
        return None if capacity is None else float(capacity)

    def _capacities(self) -> None:
        """Capacity rows only where a limit exists; oversight through one continuous variable
        per study (its oversight staff), so that monthly rows stay short."""
        p = self.problem
        origin = self.layout.studies[0]
        loads: dict[tuple[str, str, int], dict[int, float]] = {}
        staff: dict[int, dict[int, float]] = {}
        cost_per_fte = self.portfolio.sponsor.internal_cost_per_fte_month
        limits: dict[tuple[str, str], float | None] = {}
        for study in self.layout.studies:
            months = self.durations[study.id]
            first = _month(origin, study)
            span = range(first, first + max(math.ceil(months), 1))
            shares: dict[int, float] = {}
            for function in FUNCTIONS:
                fte = study.effort(function) / months
                for o in self.options.get((study.id, function), []):
                    share = self.params.oversight_share[o.model] * o.fee / cost_per_fte / months
                    if share > 0:
                        shares[o.variable] = share
                    key = (o.holder, function)
                    if key not in limits:
                        limits[key] = self._limit(o.holder, function)
                    if limits[key] is None:
                        continue
                    for m in span:
                        loads.setdefault((o.holder, function, m), {})[o.variable] = fte
            if self.settings.oversight_limit and shares:
                v = p.variable(f"oversight[{study.id}]", upper=INF, integer=False)
                p.add(
                    "oversight_definition",
                    f"oversight staff of {study.id}",
                    {v: 1.0, **{k: -c for k, c in shares.items()}},
                    0.0,
                    0.0,
                )
                for m in span:
                    staff.setdefault(m, {})[v] = 1.0
        for (holder, function, m), row in loads.items():
            group = "in_house_capacity" if holder == "sponsor" else "provider_capacity"
            who = "in-house" if holder == "sponsor" else holder
            p.add(
                group,
                f"{function} capacity of {who} in {_label(origin, m)}",
                row,
                upper=float(limits[(holder, function)] or 0.0),
                unit="FTE",
            )
        for m, row in staff.items():
            p.add(
                "oversight",
                f"oversight staff in {_label(origin, m)}",
                row,
                upper=self.portfolio.sponsor.oversight_fte,
                unit="FTE",
            )

    def settings_oversight(self) -> bool:
        return self.settings.oversight_limit

    # -- strategic programs keep one provider per function ----------------------------------
    def _consistency(self) -> None:
        """For each strategic program, two studies that both deliver a function externally use
        the same provider: X[s,f,p] − X[s',f,p] ≤ in_house[s',f] for every pair and provider."""
        p = self.problem
        strategic = {
            program for (program, _), kind in self.relationships.items() if kind == "strategic"
        }
        for program in sorted(strategic):
            studies = [s for s in self.layout.studies if s.program == program]
            for function in FUNCTIONS:
                per = [
                    (s.id, _holder_sums(self.options.get((s.id, function), [])))
                    for s in studies
                    if self.options.get((s.id, function))
                ]
                for (a, mine), (b, theirs) in itertools.permutations(per, 2):
                    for holder, row in mine.items():
                        if holder == "sponsor":
                            continue
                        combined = {
                            **row,
                            **dict.fromkeys(theirs.get(holder, {}), -1.0),
                            **dict.fromkeys(theirs.get("sponsor", {}), -1.0),
                        }
                        p.add(
                            "strategic_consistency",
                            f"{function} with {holder} in {a} and {b} ({program})",
                            combined,
                            upper=0.0,
                        )

    # -- number of providers, concentration -----------------------------------------------------
    def _limits(self) -> None:
        p, settings = self.problem, self.settings
        external = [o for opts in self.options.values() for o in opts if o.provider is not None]
        providers = sorted({str(o.provider) for o in external})
        if settings.max_providers is not None:
            used = {name: p.variable(f"u[{name}]") for name in providers}
            for o in external:
                p.add(
                    "max_providers",
                    f"{o.provider} used",
                    {used[str(o.provider)]: 1.0, o.variable: -1.0},
                    lower=0.0,
                )
            p.add(
                "max_providers",
                "number of providers",
                dict.fromkeys(used.values(), 1.0),
                upper=float(settings.max_providers),
                unit="providers",
            )
        if settings.max_share is not None:
            for name in providers:
                row = {o.variable: -settings.max_share * o.fee for o in external}
                for o in external:
                    if o.provider == name:
                        row[o.variable] += o.fee
                p.add("concentration", f"share of spend with {name}", row, upper=0.0, unit="USD")


def _holder_sums(options: list[Option]) -> dict[str, dict[int, float]]:
    sums: dict[str, dict[int, float]] = {}
    for o in options:
        sums.setdefault(o.holder, {})[o.variable] = 1.0
    return sums


def _year_of(ordinal: float) -> int:
    import datetime as dt

    return dt.date.fromordinal(int(ordinal)).year


def _label(origin: Study, month: int) -> str:
    year, index = divmod(origin.start.month - 1 + month, 12)
    return f"{origin.start.year + year}-{index + 1:02d}"
