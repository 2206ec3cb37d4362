"""`crosource assess`: the questionnaire asked in the terminal, written as a portfolio.

Every answer is checked where it is given and asked again when it is not valid; the questions
and their fields come from catalog/questionnaire.yaml. Checking answers and building the portfolio
are services/assessment.py's, shared with the web wizard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from crosource import catalog
from crosource.domain.portfolio import Portfolio
from crosource.domain.taxonomy import FUNCTIONS, LEVELS, PHASES, STAGES, THERAPEUTIC_AREAS
from crosource.engine.recommend.questions import questionnaire
from crosource.services.assessment import (
    build_portfolio,
    choice,
    date,
    number,
    regions,
    yes_no,
)

T = TypeVar("T")
MAX_TRIES = 5


def ask(text: str, parse: Callable[[str], T], default: str | None = None) -> T:
    for _ in range(MAX_TRIES):
        answer = typer.prompt(text, default=default, show_default=default is not None)
        try:
            return parse(str(answer).strip())
        except ValueError as exc:
            typer.echo(f"  {exc}")
    raise typer.Abort()


def _sponsor(console: Console) -> dict[str, Any]:
    questions = {q["id"]: q for q in questionnaire()}
    sponsor: dict[str, Any] = {
        "name": ask("Sponsor name", str, "My Biotech"),
        "stage": ask(f"Stage ({', '.join(STAGES)})", choice(STAGES), "clinical"),
        "internal": {},
    }
    console.print(f"\n[bold]1. {questions['q1_internal_expertise']['text']}[/]")
    console.print(f"   {questions['q1_internal_expertise']['help']} Enter 0 when there is none.")
    for function in FUNCTIONS:
        fte = ask(f"  {catalog.label('functions', function)}: FTE", number(), "0")
        if fte > 0:
            maturity = ask("    maturity 0-4", choice(("0", "1", "2", "3", "4")), "2")
            sponsor["internal"][function] = {"fte": fte, "maturity": int(maturity)}
    sponsor["internal_cost_per_fte_month"] = ask(
        "Internal cost per FTE-month (USD)", number(1), "18000"
    )
    console.print(f"\n[bold]2. {questions['q2_oversight']['text']}[/]")
    sponsor["oversight_fte"] = ask("  Oversight staff (FTE)", number(), "1")
    preferences: dict[str, Any] = {}
    for question in questionnaire():
        field = str(question.get("field", ""))
        if not field.startswith("sponsor.preferences."):
            continue
        name = field.rsplit(".", 1)[1]
        if question["kind"] == "level":
            preferences[name] = ask(
                f"{question['text']} ({'/'.join(LEVELS)})", choice(LEVELS), "medium"
            )
        else:
            preferences[name] = ask(f"{question['text']} (y/n)", yes_no, "n")
    sponsor["preferences"] = preferences
    return sponsor


def _study(program: str, index: int) -> dict[str, Any]:
    return {
        "id": ask("    Study id", str, f"{program}-{index:02d}"),
        "program": program,
        "phase": ask(f"    Phase ({', '.join(PHASES)})", choice(PHASES), "2"),
        "start": ask("    Start date (YYYY-MM-DD)", date, f"{dt.date.today().year + 1}-01-01"),
        "regions": ask("    Sites per region (e.g. north_america:20, western_europe:10)", regions),
        "patients": int(ask("    Patients", number(1, whole=True), "100")),
        "enrollment_rate": ask("    Patients per site per month", number(0.001), "0.5"),
        "treatment_followup_months": ask("    Treatment and follow-up (months)", number(), "6"),
        "complexity": ask("    Complexity (low/medium/high)", choice(LEVELS), "medium"),
        "adaptive_design": ask("    Adaptive design? (y/n)", yes_no, "n"),
        "pivotal": ask("    Pivotal? (y/n)", yes_no, "n"),
        "feasibility_only": ask("    Feasibility or early discovery work only? (y/n)", yes_no, "n"),
    }


def _programs(console: Console) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    console.print(
        "\n[bold]Programs and studies[/] (therapeutic expertise, geography and pipeline "
        "are derived from them)"
    )
    programs, studies = [], []
    count = int(ask("How many programs?", number(1, whole=True), "1"))
    for i in range(1, count + 1):
        program_id = ask(f"  Program {i} id", str, f"P{i}")
        programs.append(
            {
                "id": program_id,
                "name": ask("  Name", str, program_id),
                "therapeutic_area": ask(
                    f"  Therapeutic area ({', '.join(THERAPEUTIC_AREAS)})",
                    choice(THERAPEUTIC_AREAS),
                    "oncology",
                ),
                "rare_disease": ask("  Rare disease? (y/n)", yes_no, "n"),
                "commercial_intent": ask("  Aiming at a marketed product? (y/n)", yes_no, "y"),
            }
        )
        for j in range(1, int(ask("  How many studies?", number(1, whole=True), "1")) + 1):
            studies.append(_study(program_id, j))
    return programs, studies


def run_questionnaire(console: Console) -> Portfolio:
    console.print("[bold]crosource assessment[/]: answer each question; Enter keeps the default.")
    sponsor = _sponsor(console)
    programs, studies = _programs(console)
    portfolio = build_portfolio(sponsor, programs, studies)
    console.print(
        "\nDemand by function was estimated from sites, patients and duration "
        "(catalog/demand_estimates.yaml, an assumption): edit it in the file. Add "
        "candidate providers to the file (or its Excel form) before recommending."
    )
    return portfolio
