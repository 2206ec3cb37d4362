"""Reference data shipped with the package: vocabularies, assumptions, rules, criteria.

Data that a domain expert would edit lives in these YAML files, not in code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """The parsed content of a catalog file, e.g. `load("functions")` or `load("rules/model")`."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def entries(name: str) -> list[dict[str, Any]]:
    """The list held under the file's own key (e.g. `functions:` in functions.yaml)."""
    key = name.rsplit("/", 1)[-1]
    items: list[dict[str, Any]] = load(name)[key]
    return items


@cache
def ids(name: str) -> list[str]:
    return [str(item["id"]) for item in entries(name)]


@cache
def by_id(name: str) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in entries(name)}


def label(name: str, item_id: str) -> str:
    return str(by_id(name).get(item_id, {}).get("label", item_id))
