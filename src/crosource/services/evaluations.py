"""Provider evaluations for the web: run them, check AHP judgments as they are made, and change
an evaluation's evaluators, always through the engine and the domain's validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from crosource import catalog
from crosource.domain.evaluation import Evaluation, evaluation_checks
from crosource.domain.portfolio import Portfolio
from crosource.domain.validation import validate_model
from crosource.engine.evaluate import ahp
from crosource.engine.evaluate.evaluation import run
from crosource.io import yaml_io
from crosource.io.errors import FileProblem, InvalidInput
from crosource.store.evaluations import document_to_evaluation, evaluation_to_document

# Saaty's scale, strongest for the left criterion first: the values a pairwise form offers.
SCALE = (9, 8, 7, 6, 5, 4, 3, 2, 1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7, 1 / 8, 1 / 9)
VERBAL = {
    2: "slightly more",
    3: "moderately more",
    4: "moderately to strongly more",
    5: "strongly more",
    6: "strongly to very strongly more",
    7: "very strongly more",
    8: "very strongly to extremely more",
    9: "extremely more",
}


def run_evaluation(evaluation: Evaluation, name: str = "evaluation") -> dict[str, Any]:
    """The result of `crosource evaluate --format json`; judgments that cannot give weights
    are a problem of the input, not an error."""
    try:
        return run(evaluation)
    except ValueError as exc:
        raise InvalidInput.single(name, str(exc), "pairwise") from None


def label(criterion: str) -> str:
    return catalog.label("criteria", criterion)


def consistency(criteria: list[str], judgments: Mapping[str, float]) -> dict[str, Any]:
    """Weights, lambda_max, CI, CR and the judgment to revisit of one evaluator's judgments."""
    try:
        result = ahp.priorities(ahp.matrix_from_judgments(criteria, judgments), criteria)
    except ValueError as exc:
        raise InvalidInput.single("judgments", str(exc)) from None
    worst = result.worst.to_json() if result.worst else None
    return {
        "criteria": list(criteria),
        "weights": result.weight_map(),
        "lambda_max": result.lambda_max,
        "ci": result.ci,
        "cr": result.cr,
        "consistent": result.consistent,
        "threshold": ahp.CR_THRESHOLD,
        "worst": worst if not result.consistent else None,
        "warning": result.warning,
    }


def parse_scale(key: str, text: str) -> float:
    """A judgment as a form sends it: "3", "1/5" or "0.2"; only Saaty's 1/9..9."""
    text = text.strip()
    try:
        if "/" in text:
            top, bottom = text.split("/", 1)
            value = float(top) / float(bottom)
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput.single("judgments", f"{text!r} is not a number", key) from None
    if not math.isfinite(value) or not (ahp.SAATY_MIN - 1e-9 <= value <= ahp.SAATY_MAX + 1e-9):
        raise InvalidInput.single("judgments", f"{text!r} is outside Saaty's 1/9 to 9", key)
    return value


def nearest_scale(value: float) -> str:
    """The scale value (as the form writes it) nearest to a stored judgment, in log terms."""
    best = min(SCALE, key=lambda s: abs(math.log(s) - math.log(value)))
    return str(int(best)) if best >= 1 else f"1/{round(1 / best)}"


def scale_options(left: str, right: str) -> list[tuple[str, str]]:
    """(value, words) for one pair's select, from the left criterion much more important to the
    right one much more important."""
    options = []
    for value in SCALE:
        strength = value if value >= 1 else round(1 / value)
        words = VERBAL.get(int(strength), "")
        if strength == 1:
            options.append(("1", "equally important"))
        elif value > 1:
            options.append((str(int(value)), f"{left}: {words} ({int(value)})"))
        else:
            options.append((f"1/{strength}", f"{right}: {words} ({strength})"))
    return options


def pairs(criteria: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(criteria) for b in criteria[i + 1 :]]


def judgments_of(evaluation: Evaluation, evaluator: str) -> dict[str, float]:
    """One evaluator's judgments keyed "a/b" in the order of the criteria (empty if new)."""
    given: dict[str, float] = {}
    for entry in evaluation.pairwise or []:
        if entry.evaluator == evaluator:
            given = dict(entry.judgments)
    found = {}
    for a, b in pairs(evaluation.criterion_ids):
        if f"{a}/{b}" in given:
            found[f"{a}/{b}"] = given[f"{a}/{b}"]
        elif f"{b}/{a}" in given:
            found[f"{a}/{b}"] = 1.0 / given[f"{b}/{a}"]
    return found


def with_judgments(
    evaluation: Evaluation, evaluator: str, judgments: Mapping[str, float]
) -> dict[str, Any]:
    """The evaluation's document with this evaluator's judgments set (added if new). Judgments
    replace direct or swing weights: the weights then come from the evaluators."""
    consistency(evaluation.criterion_ids, judgments)  # refuses judgments that give no weights
    document = evaluation_to_document(evaluation)
    entries = [e for e in document.get("pairwise") or [] if e["evaluator"] != evaluator]
    entries.append({"evaluator": evaluator, "judgments": dict(judgments)})
    document["pairwise"] = entries
    document.pop("weights", None)
    document.pop("swing", None)
    document_to_evaluation(document, "evaluation")
    return document


def without_evaluator(evaluation: Evaluation, evaluator: str) -> dict[str, Any]:
    """The document without this evaluator; the last one gone, the criteria weigh equally."""
    document = evaluation_to_document(evaluation)
    entries = [e for e in document.get("pairwise") or [] if e["evaluator"] != evaluator]
    if len(entries) == len(document.get("pairwise") or []):
        raise InvalidInput.single("evaluator", f"no evaluator {evaluator!r} in this evaluation")
    if entries:
        document["pairwise"] = entries
    else:
        document.pop("pairwise", None)
        ids = evaluation.criterion_ids
        document["weights"] = dict.fromkeys(ids, 1.0 / len(ids))
    return document


def from_portfolio(portfolio: Portfolio, provider_ids: list[str] | None = None) -> Evaluation:
    """An evaluation of the portfolio's providers on the catalog criteria every one of them is
    scored on, equally weighted (weights to be set by judgments afterwards)."""
    known = {p.id for p in portfolio.providers}
    unknown = sorted({p for p in provider_ids or [] if p not in known})
    if unknown:
        raise InvalidInput.single(
            "providers", f"not providers of the portfolio: {', '.join(unknown)}"
        )
    chosen = [p for p in portfolio.providers if provider_ids is None or p.id in set(provider_ids)]
    if len(chosen) < 2:
        raise InvalidInput.single("providers", "choose at least two providers to compare")
    common = [c for c in catalog.by_id("criteria") if all(c in p.scores for p in chosen)]
    if not common:
        raise InvalidInput.single(
            "providers", "these providers share no scored criterion; score them in the portfolio"
        )
    document = {
        "schema": "crosource/evaluation@1",
        "criteria": [{"id": c, "direction": "benefit"} for c in common],
        "weights": dict.fromkeys(common, 1.0 / len(common)),
        "alternatives": [{"id": p.id, "scores": {c: p.scores[c] for c in common}} for p in chosen],
    }
    return document_to_evaluation(document, "evaluation")


def summary(evaluation: Evaluation, result: dict[str, Any]) -> dict[str, Any]:
    """The figures a page shows above the report: who leads, how many were ranked."""
    methods = result.get("methods") or {}
    first = next(iter(methods.values()), None)
    leader = min(first["ranks"], key=lambda n: first["ranks"][n]) if first else None
    return {
        "alternatives": len(evaluation.alternatives),
        "excluded": len(result.get("excluded") or {}),
        "criteria": len(evaluation.criteria),
        "evaluators": len(evaluation.pairwise or []),
        "leader": leader,
    }


def document_from_text(text: str) -> dict[str, Any]:
    """An evaluation typed as YAML (or JSON): its document, or every problem with its line."""
    data, locate = yaml_io.parse_yaml(text, "evaluation")
    evaluation, problems = validate_model(Evaluation, data, evaluation_checks)
    if evaluation is None:
        raise InvalidInput([FileProblem("evaluation", locate(p.path), p.message) for p in problems])
    return evaluation_to_document(evaluation)


def document_text(document: dict[str, Any]) -> str:
    return yaml_io.dump_yaml(document)
