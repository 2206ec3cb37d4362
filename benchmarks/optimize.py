"""The optimizer on seeded synthetic portfolios, HiGHS against CBC at equal time limits
(optimize.md, "Performance").

Run: .venv/bin/python benchmarks/optimize.py [--sizes 50 200 500] [--time-limit 60]

For each size (studies x 13 functions x 20 providers, a third of the provider functions with
capacity limits): binaries, constraints, model build time and its share of the total, then HiGHS
and CBC (through PuLP, one thread each, the same time limit and relative gap) side by side:
status, objective, bound, gap, seconds. CBC's status is read from `sol_status`, not from PuLP's
"Optimal" (which PuLP also reports after a time limit with an integer solution).
Targets: 200 studies solved to 0.5% gap within 60 s; build at most 20% of total time.
"""

from __future__ import annotations

import argparse
import time

import pulp
from synthetic import synthetic

from crosource.domain.portfolio import OptimizeSettings
from crosource.engine.costing.plans import Planner
from crosource.engine.optimize.build import Builder
from crosource.engine.optimize.problem import INF, Problem
from crosource.engine.optimize.solve import solve

GAP = 0.005


def cbc(problem: Problem, time_limit: float) -> tuple[str, float, float, float]:
    """The same model with CBC: status, objective, gap reported by our own bound, seconds."""
    model = pulp.LpProblem("crosource", pulp.LpMinimize)
    columns = [
        pulp.LpVariable(
            f"v{i}",
            lowBound=None if lo == -INF else lo,
            upBound=None if hi == INF else hi,
            cat=pulp.LpInteger if integer else pulp.LpContinuous,
        )
        for i, (lo, hi, integer) in enumerate(
            zip(problem.lower, problem.upper, problem.integer, strict=True)
        )
    ]
    model += pulp.lpSum(c * columns[i] for i, c in enumerate(problem.cost) if c) + problem.constant
    for k, row in enumerate(problem.rows):
        expression = pulp.lpSum(v * columns[i] for i, v in row.coefficients.items())
        if row.lower == row.upper:
            model += (expression == row.lower, f"r{k}")
            continue
        if row.lower != -INF:
            model += (expression >= row.lower, f"l{k}")
        if row.upper != INF:
            model += (expression <= row.upper, f"u{k}")
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=GAP, threads=1)
    started = time.perf_counter()
    model.solve(solver)
    seconds = time.perf_counter() - started
    found = model.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    status = {
        pulp.LpSolutionOptimal: "optimal",
        pulp.LpSolutionIntegerFeasible: "feasible",
        pulp.LpSolutionInfeasible: "infeasible",
        pulp.LpSolutionNoSolutionFound: "no solution",
    }.get(model.sol_status, str(model.sol_status))
    objective = float(pulp.value(model.objective)) if found else float("nan")
    return status, objective, seconds, float(model.sol_status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--no-cbc", action="store_true", help="HiGHS only")
    args = parser.parse_args()
    print(
        f"{'studies':>7} {'binaries':>9} {'rows':>8} {'build s':>8} {'solver':>6} "
        f"{'status':>22} {'objective':>16} {'bound':>16} {'gap':>7} {'solve s':>8} {'build %':>8}"
    )
    for size in args.sizes:
        portfolio = synthetic(size, capacity=True)
        relationships = Planner(portfolio).recommended().relationships
        settings = OptimizeSettings(oversight_limit=False, time_limit_s=args.time_limit, gap=GAP)
        started = time.perf_counter()
        problem = Builder(portfolio, settings, relationships).build().problem
        build = time.perf_counter() - started
        highs = solve(problem, args.time_limit, GAP)
        share = build / (build + highs.seconds)
        print(
            f"{size:>7} {problem.binaries:>9,} {len(problem.rows):>8,} {build:>8.2f} {'HiGHS':>6} "
            f"{highs.status.value:>22} {highs.objective:>16,.0f} {highs.bound:>16,.0f} "
            f"{highs.gap:>7.2%} {highs.seconds:>8.2f} {share:>8.0%}"
        )
        if not args.no_cbc:
            status, objective, seconds, _ = cbc(problem, args.time_limit)
            gap = (
                (objective - highs.bound) / abs(objective)
                if objective == objective
                else float("nan")
            )
            print(
                f"{'':>7} {'':>9} {'':>8} {'':>8} {'CBC':>6} {status:>22} {objective:>16,.0f} "
                f"{'(HiGHS)':>16} {gap:>7.2%} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()
