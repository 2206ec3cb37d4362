"""A simulation as plain data (the `result` of `crosource simulate --format json`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from crosource.engine.costing.calendar import date_of, end_ordinal
from crosource.engine.costing.compiled import Compiled
from crosource.engine.costing.result import ScenarioPrice
from crosource.engine.costing.simulate import Simulation


def _completion(plan: Compiled, sim_index: int, simulation: Simulation) -> list[dict[str, Any]]:
    stats = simulation.scenarios[sim_index]
    rows = []
    for i, study in enumerate(plan.layout.studies):
        series = stats.completion[i]
        start = plan.layout.start_ordinal[i]
        row: dict[str, Any] = {
            "study": study.id,
            "start": study.start.isoformat(),
            "mean_months": series.mean,
        }
        for q in ("p10", "p50", "p90"):
            months = series.quantile(int(q[1:]) / 100)
            row[f"{q}_months"] = months
            row[f"{q}_date"] = date_of(
                float(end_ordinal(np.array(start), np.array(months)))
            ).isoformat()
        rows.append(row)
    return rows


def simulation_json(
    plans: list[Compiled], prices: list[ScenarioPrice], simulation: Simulation
) -> dict[str, Any]:
    scenarios = []
    for k, (plan, expected) in enumerate(zip(plans, prices, strict=True)):
        stats = simulation.scenarios[k]
        scenarios.append(
            {
                "name": plan.name,
                "description": plan.description,
                "cash_tco_usd": stats.cash.summary(),
                "economic_cost_usd": stats.economic.summary(),
                "components_mean_usd": stats.component_means(),
                "expected": {
                    "cash_tco_usd": expected.cash_tco_usd,
                    "economic_cost_usd": expected.economic_cost_usd,
                    "components_usd": expected.components_usd,
                },
                "completion": _completion(plan, k, simulation),
                "histogram": {
                    "cash_tco_usd": stats.cash.histogram(),
                    "economic_cost_usd": stats.economic.histogram(),
                },
            }
        )
    comparisons = [
        {
            "a": pair.a,
            "b": pair.b,
            "probability_a_cheaper": pair.a_cheaper / pair.count if pair.count else float("nan"),
            "difference_usd": {
                k: v
                for k, v in pair.difference.summary().items()
                if k in ("mean", "p10", "p50", "p90", "stderr")
            },
        }
        for pair in simulation.pairs
    ]
    return {
        "draws": simulation.draws,
        "seed": simulation.seed,
        "scenarios": scenarios,
        "comparisons": comparisons,
    }
