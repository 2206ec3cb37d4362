"""Optimize a portfolio's sourcing plan: build, solve, explain, and price the plan exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crosource.domain.portfolio import OptimizeSettings, Portfolio
from crosource.engine.costing.compiled import Layout, compile_plan
from crosource.engine.costing.model import price_compiled
from crosource.engine.costing.params import Params
from crosource.engine.costing.plans import Choice, Planner, ResolvedPlan
from crosource.engine.costing.result import ScenarioPrice
from crosource.engine.optimize.build import Builder, Model
from crosource.engine.optimize.explain import Shortfall, binding, explain_infeasible
from crosource.engine.optimize.solve import Solution, SolverStatus, solve


@dataclass
class Optimization:
    status: SolverStatus
    solution: Solution | None
    model: Model
    plan: ResolvedPlan | None
    price: ScenarioPrice | None
    binding: list[str] = field(default_factory=list)
    infeasibility: list[Shortfall] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        s = self.solution
        problem = self.model.problem
        return {
            "status": self.status.value,
            "objective_usd": s.objective if s and s.has_plan else None,
            "bound_usd": s.bound if s and s.has_plan else None,
            "gap": s.gap if s and s.has_plan else None,
            "solve_seconds": s.seconds if s else 0.0,
            "objective": self.model.settings.objective,
            "binaries": problem.binaries,
            "variables": len(problem.names),
            "constraints": len(problem.rows),
            "plan": [
                {"study": st, "function": f, "model": c.model, "provider": c.provider}
                for (st, f), c in (self.plan.cells.items() if self.plan else [])
            ],
            "components_usd": self.price.components_usd if self.price else None,
            "cash_tco_usd": self.price.cash_tco_usd if self.price else None,
            "economic_cost_usd": self.price.economic_cost_usd if self.price else None,
            "binding": self.binding,
            "infeasibility": [i.to_json() for i in self.infeasibility],
        }


def settings_of(portfolio: Portfolio, **overrides: Any) -> OptimizeSettings:
    base = portfolio.optimize or OptimizeSettings()
    changes = {k: v for k, v in overrides.items() if v is not None}
    return base.model_copy(update=changes)


def optimize(
    portfolio: Portfolio, settings: OptimizeSettings | None = None, planner: Planner | None = None
) -> Optimization:
    settings = settings or settings_of(portfolio)
    planner = planner or Planner(portfolio)
    relationships = planner.recommended().relationships
    model = Builder(portfolio, settings, relationships).build()
    if model.empty:
        shortfalls = [
            Shortfall(
                "choice",
                f"no option for {f} in {s} (no capable provider, no "
                "internal staff, or locks and forbids exclude them all)",
                1.0,
                "",
            )
            for s, f in model.empty
        ]
        return Optimization(SolverStatus.infeasible, None, model, None, None, [], shortfalls)
    solution = solve(model.problem, settings.time_limit_s, settings.gap)
    if not solution.has_plan:
        explained = (
            explain_infeasible(model.problem, settings.time_limit_s)
            if solution.status is SolverStatus.infeasible
            else []
        )
        return Optimization(solution.status, solution, model, None, None, [], explained)
    cells = {
        key: Choice(o.model, o.provider, "optimized")
        for key, options in model.options.items()
        for o in options
        if solution.values[o.variable] > 0.5
    }
    plan = ResolvedPlan(
        "optimized",
        f"The optimizer's plan ({settings.objective} objective, {solution.status.value}).",
        cells,
        dict(relationships),
    )
    params = Params.of(portfolio)
    compiled = compile_plan(portfolio, plan, params, Layout.of(portfolio, params))
    return Optimization(
        solution.status,
        solution,
        model,
        plan,
        price_compiled(compiled, portfolio),
        binding(model.problem, solution.values),
    )
