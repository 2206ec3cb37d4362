"""Why a model is infeasible, and which constraints bind: infeasibility is an answer.

Each constraint group is relaxed in turn (its rows get slack variables, and the total slack is
minimised with every other group kept): a group whose relaxation restores feasibility is
reported row by row with its shortfall ("clinical_monitoring capacity of atlas in 2027-09 is
short by 14.0 FTE"). If no single group suffices, all are relaxed together.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from crosource.engine.optimize.problem import INF, Problem
from crosource.engine.optimize.solve import solve

TOLERANCE = 1e-6
NEVER_RELAXED = ("choice", "oversight_definition")


@dataclass(frozen=True)
class Shortfall:
    group: str
    constraint: str
    shortfall: float
    unit: str

    @property
    def text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.constraint} is short by {self.shortfall:,.2f}{unit}"

    def to_json(self) -> dict[str, object]:
        return {
            "group": self.group,
            "constraint": self.constraint,
            "shortfall": self.shortfall,
            "unit": self.unit,
            "text": self.text,
        }


def _elastic(problem: Problem, groups: set[str]) -> tuple[Problem, dict[int, int]]:
    """A copy with slack on the rows of `groups` and the total slack as the objective."""
    elastic = copy.deepcopy(problem)
    elastic.cost = [0.0] * len(elastic.cost)
    elastic.constant = 0.0
    slack_of: dict[int, int] = {}
    for i, row in enumerate(elastic.rows):
        if row.group not in groups:
            continue
        scale = max(1.0, max((abs(v) for v in row.coefficients.values()), default=1.0))
        slack = elastic.variable(f"slack[{i}]", cost=1.0 / scale, upper=INF, integer=False)
        if row.upper != INF:
            row.coefficients[slack] = -1.0
        else:
            row.coefficients[slack] = 1.0
        slack_of[i] = slack
    return elastic, slack_of


def _shortfalls(problem: Problem, groups: set[str], time_limit_s: float) -> list[Shortfall] | None:
    elastic, slack_of = _elastic(problem, groups)
    solution = solve(elastic, time_limit_s, gap=0.0)
    if not solution.has_plan:
        return None
    found = []
    for i, slack in slack_of.items():
        value = float(solution.values[slack])
        if value > TOLERANCE:
            row = problem.rows[i]
            found.append(Shortfall(row.group, row.label, value, row.unit))
    return found


def explain_infeasible(problem: Problem, time_limit_s: float = 30.0) -> list[Shortfall]:
    groups = [g for g in problem.groups if g not in NEVER_RELAXED]
    for group in groups:
        found = _shortfalls(problem, {group}, time_limit_s)
        if found:
            return found
    return _shortfalls(problem, set(groups), time_limit_s) or []


def binding(
    problem: Problem,
    values: np.ndarray,
    groups: tuple[str, ...] = (
        "provider_capacity",
        "in_house_capacity",
        "oversight",
        "max_providers",
        "concentration",
    ),
) -> list[str]:
    """The limits the plan reaches: capacity, oversight, number of providers, concentration."""
    found = []
    for row in problem.rows:
        if row.group not in groups or row.upper == INF:
            continue
        activity = sum(v * values[k] for k, v in row.coefficients.items())
        if activity >= row.upper - TOLERANCE * max(1.0, abs(row.upper)):
            unit = f" {row.unit}" if row.unit else ""
            found.append(f"{row.label}: {activity:,.2f} of {row.upper:,.2f}{unit} used")
    return found
