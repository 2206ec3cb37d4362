"""YAML and JSON files as hostile input: refused quickly with a clear message, never a crash."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio, save_portfolio

GOLDEN = Path(__file__).parents[1] / "golden"


def problems_of(file: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_portfolio(file)
    return [str(p) for p in caught.value.problems]


def test_alias_bomb_is_refused_within_a_second(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    file = tmp_path / "bomb.yaml"
    file.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    found = problems_of(file)
    assert time.perf_counter() - started < 1.0
    assert "aliases" in found[0] and "bomb.yaml" in found[0]


def test_benign_aliases_are_allowed(tmp_path: Path) -> None:
    text = (GOLDEN / "case6_hybrid.yaml").read_text()
    text = text.replace(
        "  - {id: MB-5, therapeutic_area: immunology}",
        "  - {id: MB-5, therapeutic_area: &area immunology}",
    )
    text = text.replace("schema: crosource/portfolio@1", "schema: crosource/portfolio@1\n")
    file = tmp_path / "aliases.yaml"
    file.write_text(text + "\nassumptions: {}\n")
    assert load_portfolio(file).programs[0].therapeutic_area == "immunology"


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "loop.yaml"
    file.write_text("a: &a [*a]\n")
    found = problems_of(file)
    assert "recursive" in found[0] or "not valid YAML" in found[0]


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "deep.yaml"
    file.write_text("[" * 50_000 + "]" * 50_000)
    assert problems_of(file)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    file = tmp_path / "big.yaml"
    with file.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    assert "limit" in problems_of(file)[0]


def test_binary_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "binary.yaml"
    file.write_bytes(bytes(range(256)) * 4)
    assert problems_of(file)


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    file = tmp_path / "evil.yaml"
    file.write_text("!!python/object/apply:os.system ['touch pwned']\n")
    assert "not valid YAML" in problems_of(file)[0]
    assert not Path("pwned").exists()


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("schema: crosource/portfolio@1\nsponsor: {name: [unclosed\n")
    assert "line" in problems_of(file)[0]


@pytest.mark.parametrize("text", ["", "---\n", "42\n", "[1, 2]\n", "just text\n"])
def test_documents_that_are_not_portfolios(tmp_path: Path, text: str) -> None:
    file = tmp_path / "other.yaml"
    file.write_text(text)
    assert problems_of(file)


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    text = (GOLDEN / "case6_hybrid.yaml").read_text()
    text = text.replace("patients: 240", "patients: many")
    text = text.replace("start: 2027-02-01", "start: 2027-02-30")
    text = text.replace("therapeutic_area: immunology", "therapeutic_area: immunologyy")
    file = tmp_path / "three.yaml"
    file.write_text(text)
    found = problems_of(file)
    assert len(found) == 3
    assert any("studies[0].patients" in p and "whole number" in p for p in found)
    assert any("studies[0].start" in p and "YYYY-MM-DD" in p for p in found)
    assert any("programs[0].therapeutic_area" in p and "immunologyy" in p for p in found)
    assert all("line " in p for p in found)


def test_json_is_accepted_and_round_trips(tmp_path: Path) -> None:
    portfolio = load_portfolio(GOLDEN / "case5_rare_boutique.yaml")
    file = tmp_path / "p.json"
    file.write_text(json.dumps(portfolio.to_data()))
    assert load_portfolio(file) == portfolio


def test_yaml_round_trip_loses_nothing(tmp_path: Path) -> None:
    for source in sorted(GOLDEN.glob("case*.yaml")):
        portfolio = load_portfolio(source)
        save_portfolio(portfolio, tmp_path / source.name)
        assert load_portfolio(tmp_path / source.name) == portfolio


def test_save_leaves_no_partial_file(tmp_path: Path) -> None:
    portfolio = load_portfolio(GOLDEN / "case5_rare_boutique.yaml")
    with pytest.raises(InvalidInput):
        save_portfolio(portfolio, tmp_path / "out.txt")
    assert list(tmp_path.iterdir()) == []


def test_each_example_is_the_same_in_yaml_and_excel() -> None:
    examples = Path(__file__).parents[2] / "examples"
    for source in sorted(examples.glob("*.yaml")):
        assert load_portfolio(source) == load_portfolio(source.with_suffix(".xlsx")), source.name


def test_probabilities_and_shares_above_one_are_refused(tmp_path: Path) -> None:
    text = (GOLDEN / "case6_hybrid.yaml").read_text()
    text += "assumptions: {quality_event_probability: 1.5, oversight_share: {fsp: 2}}\n"
    file = tmp_path / "shares.yaml"
    file.write_text(text)
    found = problems_of(file)
    assert any("quality_event_probability" in p and "from 0 to 1" in p for p in found)
    assert any("oversight_share.fsp" in p and "from 0 to 1" in p for p in found)
