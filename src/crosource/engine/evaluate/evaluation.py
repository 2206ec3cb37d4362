"""An evaluation run: gates, weights (direct or AHP), the methods, and the sensitivity of the
weights, as one result (evaluate.md, "Evaluation file" and its JSON)."""

from __future__ import annotations

from typing import Any

import numpy as np

from crosource import catalog
from crosource.domain.evaluation import Evaluation
from crosource.engine.evaluate import ahp
from crosource.engine.evaluate.methods import topsis, weighted_sum
from crosource.engine.evaluate.sensitivity import weight_sensitivity
from crosource.engine.evaluate.smaa import smaa


def _weights(evaluation: Evaluation) -> tuple[np.ndarray, dict[str, Any]]:
    criteria = evaluation.criterion_ids
    direct = evaluation.weights if evaluation.weights is not None else evaluation.swing
    if direct is not None:
        # Direct weights are normalised; swing points too (weight = points / their sum).
        raw = np.array([direct[c] for c in criteria], dtype=float)
        if raw.sum() <= 0:
            raise ValueError("weights: at least one weight must be above 0")
        return raw / raw.sum(), {}
    evaluators = {e.evaluator: dict(e.judgments) for e in evaluation.pairwise or []}
    result = ahp.group(criteria, evaluators)
    consistency: dict[str, Any] = {name: _consistency(r) for name, r in result.evaluators.items()}
    consistency["group"] = _consistency(result.group)
    consistency["distances"] = {
        name: {"euclidean": d.euclidean, "gci": d.gci} for name, d in result.distances.items()
    }
    return np.asarray(result.group.weights, dtype=float), consistency


def _consistency(result: ahp.AhpResult) -> dict[str, Any]:
    found: dict[str, Any] = {
        "lambda_max": result.lambda_max,
        "ci": result.ci,
        "cr": result.cr,
        "consistent": result.consistent,
    }
    if result.warning:
        found["warning"] = result.warning
    return found


def kept_or_all(evaluation: Evaluation, excluded: dict[str, list[str]]) -> list[Any]:
    kept = [a for a in evaluation.alternatives if a.id not in excluded]
    return kept or list(evaluation.alternatives)


def _extreme(alternatives: list[Any], criterion: str, direction: str, best: bool) -> float:
    values = [float(a.scores[criterion]) for a in alternatives]
    high = (direction == "benefit") == best
    return max(values) if high else min(values)


def run(evaluation: Evaluation) -> dict[str, Any]:
    """The `result` of `crosource evaluate --format json`."""
    criteria = evaluation.criterion_ids
    gates = [g.id for g in evaluation.gates]
    excluded = {
        a.id: [g for g in gates if not a.gates.get(g, False)]
        for a in evaluation.alternatives
        if any(not a.gates.get(g, False) for g in gates)
    }
    kept = [a for a in evaluation.alternatives if a.id not in excluded]
    weights, consistency = _weights(evaluation)
    swing: dict[str, Any] | None = None
    if evaluation.swing is not None:  # the swings the points were given for, worst to best
        rated = kept_or_all(evaluation, excluded)
        swing = {
            c.id: {
                "points": evaluation.swing[c.id],
                "worst": _extreme(rated, c.id, c.direction, False),
                "best": _extreme(rated, c.id, c.direction, True),
            }
            for c in evaluation.criteria
        }
    known = catalog.by_id("gates")
    result: dict[str, Any] = {
        "gates": {
            g.id: g.description or str(known.get(g.id, {}).get("description", ""))
            for g in evaluation.gates
        },
        "weights": dict(zip(criteria, weights.tolist(), strict=True)),
        "consistency": consistency,
        "excluded": excluded,
        "methods": {},
        "sensitivity": None,
    }
    if swing is not None:
        result["swing"] = swing
    if len(kept) < 2:
        result["note"] = "fewer than two alternatives pass the gates: nothing to rank"
        return result
    names = [a.id for a in kept]
    matrix = np.array([[a.scores[c] for c in criteria] for a in kept], dtype=float)
    benefit = np.array([c.direction == "benefit" for c in evaluation.criteria])
    if "weighted_sum" in evaluation.methods:
        result["methods"]["weighted_sum"] = weighted_sum(matrix, weights, benefit).to_json(names)
    if "topsis" in evaluation.methods:
        result["methods"]["topsis"] = topsis(matrix, weights, benefit).to_json(names)
    if "smaa" in evaluation.methods:
        settings = evaluation.smaa
        rng = np.random.default_rng(settings.seed)
        found = smaa(matrix, benefit, rng, samples=settings.samples, spread=settings.spread)
        result["methods"]["smaa"] = found.to_json(names)
    result["sensitivity"] = [
        s.to_json(criteria, names) for s in weight_sensitivity(matrix, weights, benefit)
    ]
    return result
