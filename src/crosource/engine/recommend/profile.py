"""The facts that rules read: sponsor, program and (study, function) profiles.

Facts are computed from the portfolio's inputs, read through `Inputs` so that a counterfactual
can change one input (`sponsor.oversight_fte`, `preferences.control`, ...) and recompute only
what depends on it. Every fact is described in catalog/features.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from crosource import catalog
from crosource.domain.portfolio import Portfolio, Program, Provider, Study
from crosource.domain.taxonomy import CLINICAL_OPERATIONS, FUNCTIONS, SITE_FACING_FUNCTIONS
from crosource.engine.capability import offers_model
from crosource.engine.timeline import DAYS_PER_MONTH, Staffing, assumption, staffing

Facts = dict[str, Any]
STRONG_MATURITY = 3
# Thresholds for the levels of derived quantities (assumptions, documented in the rules page).
FLUCTUATION_LEVELS = (0.25, 0.6)  # coefficient of variation of monthly FTE: low | medium | high
TIME_PRESSURE_LEVELS = (50_000.0, 150_000.0)  # value of a day in USD: low | medium | high
NO_NEED_COVERAGE = 99.0  # coverage reported when nothing needs covering


def level(value: float, bounds: tuple[float, float]) -> str:
    return "low" if value < bounds[0] else "medium" if value < bounds[1] else "high"


@dataclass
class Inputs:
    """The portfolio as the rules see it, with optional overrides of single inputs."""

    portfolio: Portfolio
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def get(self, path: str, default: Any) -> Any:
        return self.overrides.get(path, default)

    def preference(self, name: str) -> Any:
        return self.get(f"preferences.{name}", getattr(self.portfolio.sponsor.preferences, name))

    def internal(self, function: str) -> tuple[float, int]:
        own = self.portfolio.sponsor.internal.get(function)  # type: ignore[call-overload]
        fte = self.get(f"sponsor.internal.{function}.fte", own.fte if own else 0.0)
        maturity = self.get(f"sponsor.internal.{function}.maturity", own.maturity if own else 0)
        return float(fte), int(maturity)

    def strong(self, function: str) -> bool:
        fte, maturity = self.internal(function)
        return fte > 0 and maturity >= STRONG_MATURITY

    def program_flag(self, program: Program, name: str) -> Any:
        return self.get(f"programs.{program.id}.{name}", getattr(program, name))


@dataclass
class Context:
    """What every profile needs: the portfolio, its staffing timeline and catalog lookups."""

    portfolio: Portfolio

    @cached_property
    def staffing(self) -> Staffing:
        return staffing(self.portfolio, FUNCTIONS)

    @cached_property
    def functions(self) -> dict[str, dict[str, Any]]:
        return catalog.by_id("functions")

    @cached_property
    def complex_areas(self) -> set[str]:
        return {a["id"] for a in catalog.entries("therapeutic_areas") if a["complex"]}

    @cached_property
    def peaks(self) -> dict[str, float]:
        return {f: self.staffing.peak(f) for f in FUNCTIONS}

    @cached_property
    def fluctuations(self) -> dict[str, float]:
        return {f: self.staffing.fluctuation(f) for f in FUNCTIONS}

    @cached_property
    def area_studies(self) -> dict[str, int]:
        """Studies per therapeutic area across the portfolio."""
        areas = {p.id: p.therapeutic_area for p in self.portfolio.programs}
        counts: dict[str, int] = {}
        for study in self.portfolio.studies:
            counts[areas[study.program]] = counts.get(areas[study.program], 0) + 1
        return counts

    @cached_property
    def needed(self) -> set[str]:
        return {f for s in self.portfolio.studies for f, e in s.demand.items() if e > 0}


def sponsor_facts(ctx: Context, inputs: Inputs) -> Facts:
    portfolio = ctx.portfolio
    facts: Facts = {
        "sponsor.stage": inputs.get("sponsor.stage", portfolio.sponsor.stage),
        "sponsor.oversight_fte": float(
            inputs.get("sponsor.oversight_fte", portfolio.sponsor.oversight_fte)
        ),
        "portfolio.n_studies": len(portfolio.studies),
        "portfolio.n_programs": len(portfolio.programs),
    }
    for name in type(portfolio.sponsor.preferences).model_fields:
        facts[f"preferences.{name}"] = inputs.preference(name)
    external = sum(max(0.0, ctx.peaks[f] - inputs.internal(f)[0]) for f in ctx.needed)
    share = float(assumption(portfolio, "oversight_share")["fsp"])  # type: ignore[index]
    need = share * external
    facts["sponsor.oversight_need_fsp_fte"] = need
    facts["sponsor.oversight_coverage"] = (
        facts["sponsor.oversight_fte"] / need if need > 0 else NO_NEED_COVERAGE
    )
    cvs = [ctx.fluctuations[f] for f in ctx.needed]
    facts["portfolio.demand_fluctuation"] = level(max(cvs, default=0.0), FLUCTUATION_LEVELS)
    return facts


def _boutique_experts(ctx: Context, areas: tuple[str, ...], function: str | None) -> list[Provider]:
    """Boutiques with expertise 3+ in any of the areas (a rare-disease program in neurology
    counts rare-disease expertise too) that offer the function."""
    return [
        p
        for p in ctx.portfolio.providers
        if offers_model(p, "boutique")
        and max(p.therapeutic_areas.get(a, 0) for a in areas) >= STRONG_MATURITY  # type: ignore[call-overload]
        and (function is None or function in p.functions)
    ]


def expertise_areas(facts: Facts) -> tuple[str, ...]:
    area = str(facts["program.therapeutic_area"])
    return (area, "rare_disease") if facts["program.rare_disease"] else (area,)


def value_of_a_day(ctx: Context, inputs: Inputs, program: Program, study: Study) -> float:
    if not inputs.program_flag(program, "commercial_intent"):
        return 0.0  # as in the cost model: time has a value only with commercial intent
    explicit = inputs.program_flag(program, "value_of_a_day_usd")
    if explicit is not None:
        return float(explicit)
    phase = "1" if study.phase == "preclinical" else study.phase
    loa = assumption(ctx.portfolio, "likelihood_of_approval")[phase]  # type: ignore[index]
    lost = assumption(ctx.portfolio, "lost_sales_usd_per_day")
    return float(loa) * float(lost)  # type: ignore[arg-type]


def program_facts(ctx: Context, inputs: Inputs, program: Program) -> Facts:
    studies = ctx.portfolio.studies_of(program.id)
    area = program.therapeutic_area
    needed = sorted({f for s in studies for f, e in s.demand.items() if e > 0})
    strong = [f for f in needed if inputs.strong(f)]
    staffed = [f for f in needed if inputs.internal(f)[0] > 0]
    ends = [s.start.toordinal() + DAYS_PER_MONTH * ctx.staffing.durations[s.id] for s in studies]
    span_days = max(ends, default=0.0) - min((s.start.toordinal() for s in studies), default=0)
    day_value = max((value_of_a_day(ctx, inputs, program, s) for s in studies), default=0.0)
    data_sciences = [f for f in needed if ctx.functions[f]["group"] == "data_sciences"]
    rare = bool(inputs.program_flag(program, "rare_disease")) or area == "rare_disease"
    areas = (area, "rare_disease") if rare else (area,)
    return {
        "program.id": program.id,
        "program.therapeutic_area": area,
        "program.complex_area": area in ctx.complex_areas or rare,
        "program.rare_disease": rare,
        "program.commercial_intent": bool(inputs.program_flag(program, "commercial_intent")),
        "program.n_studies": len(studies),
        "program.span_years": span_days / 365.25 if studies else 0.0,
        "program.ta_pipeline_studies": ctx.area_studies.get(area, 0),
        "program.n_regions": len({r for s in studies for r, n in s.regions.items() if n > 0}),
        "program.max_sites": max((s.sites for s in studies), default=0),
        "program.complex_design": any(s.complexity == "high" or s.adaptive_design for s in studies),
        "program.regulatory_depth": any(s.pivotal or s.phase == "3" for s in studies),
        "program.feasibility_only": bool(studies)
        and all(s.feasibility_only or s.phase == "preclinical" for s in studies),
        "program.value_of_a_day_usd": day_value,
        "program.time_pressure": level(day_value, TIME_PRESSURE_LEVELS),
        "program.needed_functions": len(needed),
        "program.internal_strong_share": len(strong) / len(needed) if needed else 0.0,
        "program.internal_staffed_share": len(staffed) / len(needed) if needed else 0.0,
        "program.internal_clinical_ops": any(
            inputs.internal(f)[0] > 0 for f in CLINICAL_OPERATIONS
        ),
        "program.data_sciences_strong": len([f for f in data_sciences if inputs.strong(f)]) >= 2,
        "program.clinical_ops_strong": sum(inputs.strong(f) for f in CLINICAL_OPERATIONS) >= 2,
        "program.strong_coordination": inputs.strong("project_management"),
        "program.boutique_expert_available": bool(_boutique_experts(ctx, areas, None)),
    }


def function_facts(
    ctx: Context, inputs: Inputs, study: Study, function: str, program: Facts
) -> Facts:
    """Facts of one (study, function); `program` holds the program's facts and decisions."""
    info = ctx.functions[function]
    fte, maturity = inputs.internal(function)
    peak = ctx.peaks[function]
    return {
        **program,
        "function.id": function,
        "function.group": info["group"],
        "function.fsp_typical": bool(info["fsp_typical"]),
        "function.specialist": bool(info["specialist"]),
        "function.site_facing": function in SITE_FACING_FUNCTIONS,
        "function.internal_fte": fte,
        "function.internal_maturity": maturity,
        "function.internal_coverage": fte / peak if peak > 0 else NO_NEED_COVERAGE,
        "function.demand_fte_months": study.effort(function),
        "function.demand_fluctuation": level(ctx.fluctuations[function], FLUCTUATION_LEVELS),
        "function.boutique_expert_available": bool(
            _boutique_experts(ctx, expertise_areas(program), function)
        ),
        "study.id": study.id,
        "study.phase": study.phase,
        "study.n_regions": len([r for r, n in study.regions.items() if n > 0]),
        "study.sites": study.sites,
        "study.complexity": study.complexity,
        "study.feasibility_only": study.feasibility_only,
        "study.pivotal": study.pivotal,
    }
