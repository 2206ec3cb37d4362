"""Counterfactuals are checked against the engine itself: applying the stated change to the
portfolio and recommending again must give the stated choice, and no smaller change of a level
or maturity input may already give it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosource.domain.taxonomy import LEVELS
from crosource.engine.recommend.engine import recommend
from crosource.engine.recommend.whatif import apply_input
from crosource.io.portfolio_io import load_portfolio

ROOT = Path(__file__).parents[3]
FILES = [
    ROOT / "examples" / "emerging-biotech.yaml",
    ROOT / "examples" / "midsize-hybrid.yaml",
    *sorted((ROOT / "tests" / "golden").glob("case*.yaml")),
]


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_program_counterfactuals_change_the_choice_as_stated(file: Path) -> None:
    portfolio = load_portfolio(file)
    result = recommend(portfolio)
    checked = 0
    for program in result.programs:
        for kind in ("relationship", "model"):
            decision = getattr(program, kind)
            for cf in decision.counterfactuals:
                assert cf.choice != decision.choice
                changed = recommend(apply_input(portfolio, cf.input, cf.to)).program(program.id)
                assert getattr(changed, kind).choice == cf.choice, cf.text
                checked += 1
    assert checked or all(
        not getattr(p, k).counterfactuals
        for p in result.programs
        for k in ("relationship", "model")
    )


def test_assignment_counterfactuals_change_the_choice_as_stated() -> None:
    portfolio = load_portfolio(ROOT / "examples" / "midsize-hybrid.yaml")
    result = recommend(portfolio)
    checked = 0
    for assignment in result.assignments[:40]:
        for cf in assignment.decision.counterfactuals:
            changed = recommend(apply_input(portfolio, cf.input, cf.to))
            assert changed.assignment(assignment.study, assignment.function).choice == cf.choice
            checked += 1
    assert checked > 10


def test_level_counterfactuals_are_the_smallest_step() -> None:
    portfolio = load_portfolio(ROOT / "tests" / "golden" / "case6_hybrid.yaml")
    result = recommend(portfolio)
    for program in result.programs:
        for cf in program.model.counterfactuals:
            if cf.input.startswith("preferences.") and cf.to in LEVELS:
                now, to = LEVELS.index(cf.current), LEVELS.index(cf.to)
                if abs(now - to) == 2:  # the one-step change must not already flip it
                    middle = LEVELS[1]
                    nearer = recommend(apply_input(portfolio, cf.input, middle))
                    assert nearer.program(program.id).model.choice == program.model.choice


def test_oversight_counterfactual_gives_a_threshold_for_fsp() -> None:
    portfolio = load_portfolio(ROOT / "tests" / "golden" / "case2_mature_fsp.yaml")
    portfolio.sponsor.oversight_fte = 0.5
    portfolio.sponsor.preferences.control = "medium"
    portfolio.sponsor.preferences.sponsor_systems = False
    result = recommend(portfolio)
    model = result.program("VP-3").model
    found = [cf for cf in model.counterfactuals if cf.input == "sponsor.oversight_fte"]
    if model.choice != "fsp":
        assert found and found[0].to > 0.5
        assert "or more" in found[0].text
