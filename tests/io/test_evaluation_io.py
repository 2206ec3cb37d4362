"""Evaluation files: the example loads; bad files report every problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource.io.errors import InvalidInput
from crosource.io.evaluation_io import load_evaluation

EXAMPLE = Path(__file__).parents[2] / "examples" / "evaluations" / "rare-disease.yaml"


def problems(tmp_path: Path, text: str) -> list[str]:
    file = tmp_path / "e.yaml"
    file.write_text(text)
    with pytest.raises(InvalidInput) as caught:
        load_evaluation(file)
    return [str(p) for p in caught.value.problems]


def test_the_example_loads() -> None:
    evaluation = load_evaluation(EXAMPLE)
    assert evaluation.pairwise is not None and len(evaluation.pairwise) == 2
    assert evaluation.alternatives[0].id == "orphan-bridge"


def test_every_problem_with_its_line(tmp_path: Path) -> None:
    text = """schema: crosource/evaluation@1
criteria:
  - {id: quality}
  - {id: charisma}
  - {id: cost, direction: cheapest}
weights: {quality: 0.5, cost: 0.5}
alternatives:
  - {id: a, scores: {quality: 7, cost: 100}, gates: {iso: true}}
  - {id: b, scores: {quality: 3}}
"""
    found = problems(tmp_path, text)
    joined = "\n".join(found)
    assert "criteria[1].id" in joined and "unknown criterion 'charisma'" in joined
    assert "criteria[2].direction" in joined
    assert "no weight for charisma" in joined
    assert "alternatives[0].scores.quality" in joined and "0 to 4" in joined
    assert "unknown gate 'iso'" in joined
    assert "alternatives[1].scores" in joined and "no score for cost" in joined
    assert all("line " in p for p in found)


def test_weights_and_pairwise_are_exclusive(tmp_path: Path) -> None:
    base = EXAMPLE.read_text()
    both = base.replace("pairwise:", "weights: {quality: 1}\npairwise:", 1)
    assert any("exactly one of" in p for p in problems(tmp_path, both))


def test_a_single_alternative_is_refused(tmp_path: Path) -> None:
    text = """criteria: [{id: quality}]
weights: {quality: 1}
alternatives: [{id: a, scores: {quality: 3}}]
"""
    assert any("alternatives" in p and "at least 2" in p for p in problems(tmp_path, text))


def test_swing_points_need_a_top_criterion(tmp_path: Path) -> None:
    text = """criteria: [{id: quality}, {id: cost, direction: cost}]
swing: {quality: 80, cost: 60}
alternatives:
  - {id: a, scores: {quality: 3, cost: 100}}
  - {id: b, scores: {quality: 2, cost: 80}}
"""
    assert any("100 points" in p for p in problems(tmp_path, text))


def test_swing_weights_are_the_normalised_points(tmp_path: Path) -> None:
    from crosource.engine.evaluate.evaluation import run

    file = tmp_path / "swing.yaml"
    file.write_text("""criteria: [{id: quality}, {id: ai_readiness}, {id: cost, direction: cost}]
swing: {quality: 100, ai_readiness: 40, cost: 60}
alternatives:
  - {id: a, scores: {quality: 3, ai_readiness: 2, cost: 100}}
  - {id: b, scores: {quality: 2, ai_readiness: 4, cost: 80}}
""")
    result = run(load_evaluation(file))
    assert result["weights"] == pytest.approx({"quality": 0.5, "ai_readiness": 0.2, "cost": 0.3})
    assert result["swing"]["cost"] == {"points": 60.0, "worst": 100.0, "best": 80.0}
