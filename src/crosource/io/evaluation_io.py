"""Evaluation files (`crosource/evaluation@1`) in YAML or JSON, read as hostile input and
validated with every problem at its line."""

from __future__ import annotations

from pathlib import Path

from crosource.domain.evaluation import Evaluation, evaluation_checks
from crosource.domain.validation import validate_model
from crosource.io import yaml_io
from crosource.io.errors import FileProblem, InvalidInput


def load_evaluation(file: Path) -> Evaluation:
    name = str(file)
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InvalidInput.single(name, "has an unknown extension; expected .yaml, .yml or .json")
    data, locate = yaml_io.parse_yaml(yaml_io.read_text(file), name)
    evaluation, problems = validate_model(Evaluation, data, evaluation_checks)
    if evaluation is None:
        raise InvalidInput([FileProblem(name, locate(p.path), p.message) for p in problems])
    return evaluation
