"""Documentation stays complete: a rule id, a fact, an assumption, a CLI command or option, a
vocabulary id or a question that is not documented fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from crosource import catalog
from crosource.cli import app
from crosource.engine.recommend.rules import all_rule_ids
from crosource.report.docs_gen import PAGES

DOCS = Path(__file__).parents[1] / "docs"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_generated_pages_are_up_to_date(page: str) -> None:
    committed = (DOCS / page).read_text(encoding="utf-8")
    assert committed == PAGES[page](), (
        f"docs/{page} is stale: run `python -m crosource.report.docs_gen docs`"
    )


def test_every_rule_id_is_documented() -> None:
    text = (DOCS / "rules.md").read_text()
    missing = [rule for rule in all_rule_ids() if f"`{rule}`" not in text]
    assert not missing


def test_every_fact_and_question_is_documented() -> None:
    text = (DOCS / "rules.md").read_text()
    for feature in catalog.entries("features"):
        assert f"`{feature['id']}`" in text
    for question in catalog.load("provider_questions")["questions"]:
        assert f"`{question['id']}`" in text


def test_every_assumption_is_documented_with_a_source() -> None:
    text = (DOCS / "assumptions.md").read_text()
    for item in catalog.entries("assumptions"):
        assert f"`{item['id']}`" in text
        assert item["source"], item["id"]


def _commands() -> list[tuple[str, list[str]]]:
    """Every command by its full name ("user add" for a sub-command) with its long options."""
    found = []
    pending: list[tuple[str, Any]] = [("", typer.main.get_command(app))]
    while pending:
        prefix, group = pending.pop()
        for name, command in group.commands.items():
            full = f"{prefix}{name}"
            if hasattr(command, "commands"):
                pending.append((f"{full} ", command))
                continue
            options = [o for p in command.params for o in p.opts if o.startswith("--")]
            found.append((full, [o for o in options if o != "--help"]))
    return found


@pytest.mark.parametrize(("command", "options"), _commands())
def test_every_cli_command_and_option_is_documented(command: str, options: list[str]) -> None:
    text = (DOCS / "cli.md").read_text()
    assert f"## `crosource {command}" in text
    section = text.split(f"## `crosource {command}", 1)[1].split("\n## ", 1)[0]
    for option in options:
        assert option in section, f"{command} {option}"


def test_readme_names_every_command() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    for command, _ in _commands():
        assert f"crosource {command}" in readme


def test_user_guide_lists_vocabularies_and_questionnaire() -> None:
    text = (DOCS / "user-guide.md").read_text()
    for name in ("functions", "regions", "therapeutic_areas"):
        for item_id in catalog.ids(name):
            assert f"`{item_id}`" in text, item_id
    for question in catalog.load("questionnaire")["questions"]:
        assert question["text"] in text
    for preference in (
        "control",
        "sponsor_systems",
        "flexibility",
        "budget_pressure",
        "risk_sharing",
        "senior_attention",
        "ai_maturity_required",
        "portfolio_growth",
        "central_data_management",
        "own_investigator_relationships",
    ):
        assert f"sponsor.preferences.{preference}" in text


def test_every_gate_of_the_catalog_is_documented() -> None:
    text = (DOCS / "evaluation.md").read_text()
    for gate in catalog.ids("gates"):
        assert f"`{gate}`" in text, gate


def test_every_web_setting_is_documented() -> None:
    from crosource.web.settings import Settings

    text = (DOCS / "web.md").read_text()
    for name in Settings.model_fields:
        assert f"`CROSOURCE_{name.upper()}`" in text, name
