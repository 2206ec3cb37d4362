"""The adapter to HiGHS (highspy): a Problem in, a Solution out with a status from our own
enum. A run that is infeasible or stopped by the time limit is a result, never an exception."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np

from crosource.engine.optimize.problem import INF, Problem


class SolverStatus(StrEnum):
    optimal = "optimal"
    feasible = "feasible at time limit"
    infeasible = "infeasible"
    unbounded = "unbounded"
    error = "error"


@dataclass
class Solution:
    status: SolverStatus
    objective: float
    bound: float
    gap: float
    seconds: float
    values: np.ndarray

    @property
    def has_plan(self) -> bool:
        return self.status in (SolverStatus.optimal, SolverStatus.feasible)


def _bound(value: float) -> float:
    return highspy.kHighsInf if value == INF else -highspy.kHighsInf if value == -INF else value


def solve(problem: Problem, time_limit_s: float = 60.0, gap: float = 0.005) -> Solution:
    lp = highspy.HighsLp()
    n, m = len(problem.names), len(problem.rows)
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.array(problem.cost, dtype=float)
    lp.col_lower_ = np.array([_bound(v) for v in problem.lower])
    lp.col_upper_ = np.array([_bound(v) for v in problem.upper])
    lp.row_lower_ = np.array([_bound(r.lower) for r in problem.rows])
    lp.row_upper_ = np.array([_bound(r.upper) for r in problem.rows])
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
    for row in problem.rows:
        index.extend(row.coefficients.keys())
        value.extend(row.coefficients.values())
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
        for i in problem.integer
    ]
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", float(time_limit_s))
    highs.setOptionValue("mip_rel_gap", float(gap))
    highs.setOptionValue("threads", 1)
    started = time.perf_counter()
    highs.passModel(lp)
    highs.run()
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    info = highs.getInfo()
    values = np.array(highs.getSolution().col_value) if n else np.zeros(0)
    has_solution = info.primal_solution_status == 2 and len(values) == n  # kSolutionStatusFeasible
    statuses = {
        highspy.HighsModelStatus.kOptimal: SolverStatus.optimal,
        highspy.HighsModelStatus.kInfeasible: SolverStatus.infeasible,
        highspy.HighsModelStatus.kUnbounded: SolverStatus.unbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible: SolverStatus.infeasible,
        highspy.HighsModelStatus.kTimeLimit: SolverStatus.feasible,
    }
    result = statuses.get(status, SolverStatus.error)
    if result is SolverStatus.feasible and not has_solution:
        result = SolverStatus.error
    objective = float(info.objective_function_value) + problem.constant if has_solution else INF
    bound = (
        float(info.mip_dual_bound) + problem.constant
        if np.isfinite(info.mip_dual_bound)
        else objective
    )
    if not any(problem.integer):
        bound = objective
    gap_value = abs(objective - bound) / max(abs(objective), 1e-9) if has_solution else INF
    return Solution(result, objective, bound, gap_value, seconds, values)
