"""The recommendation as terminal tables (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crosource.domain.portfolio import Portfolio
from crosource.domain.taxonomy import FUNCTIONS
from crosource.engine.recommend.result import BoutiqueFlag, Decision, Recommendation
from crosource.report import labels

STYLE = {"in_house": "green", "fso": "blue", "fsp": "dark_orange", "boutique": "magenta"}


def _decision_lines(title: str, decision: Decision) -> Text:
    scores = ", ".join(f"{labels.model(o)} {s:g}" for o, s in decision.scores.items())
    text = Text()
    text.append(f"{title}: ", style="bold")
    text.append(labels.model(decision.choice), style="bold cyan")
    text.append(f"   (scores: {scores})\n", style="dim")
    for reason in decision.reasons:
        mark = "+" if reason.option == decision.choice else ("·" if reason.option else "!")
        text.append(f"  {mark} {reason.text} ", style=None if mark == "+" else "dim")
        text.append(f"[{reason.rule}]\n", style="dim")
    if decision.counterfactuals:
        for cf in decision.counterfactuals:
            text.append(f"  → {cf.text}\n", style="yellow")
    else:
        text.append("  → No single change of an input changes this choice.\n", style="dim")
    return text


def _boutique_line(flag: BoutiqueFlag) -> str:
    score = f"score {flag.score:g}, threshold {flag.threshold:g}"
    if flag.flag:
        return f"Boutique specialists recommended ({score})"
    if flag.score >= flag.threshold:
        return f"No boutique flag: no candidate boutique has expertise 3+ in the area ({score})"
    return f"No boutique flag ({score})"


def _matrix(portfolio: Portfolio, result: Recommendation, program: str) -> Table:
    used = [
        f
        for f in FUNCTIONS
        if any(a.function == f and a.program == program for a in result.assignments)
    ]
    table = Table(
        title=f"Program {program}: delivery per study and function",
        show_lines=False,
        title_justify="left",
    )
    table.add_column("study", no_wrap=True)
    for function in used:
        table.add_column(labels.function(function), overflow="fold", max_width=14)
    for study in portfolio.studies_of(program):
        row: list[Text | str] = [study.id]
        for function in used:
            found = [
                a for a in result.assignments if a.study == study.id and a.function == function
            ]
            if not found:
                row.append("")
                continue
            a = found[0]
            cell = Text(labels.MODEL_SHORT[a.choice], style=STYLE[a.choice])
            if a.provider:
                cell.append(f" {a.provider}", style="dim")
            row.append(cell)
        table.add_row(*row)
    return table


def render(portfolio: Portfolio, result: Recommendation, console: Console) -> None:
    for program in result.programs:
        body = Group(
            _decision_lines("Relationship", program.relationship),
            _decision_lines("Delivery model", program.model),
            Text(
                _boutique_line(program.boutique),
                style="magenta" if program.boutique.flag else "dim",
            ),
        )
        console.print(
            Panel(body, title=f"[bold]{program.name}[/] ({program.id})", title_align="left")
        )
        console.print(_matrix(portfolio, result, program.id))
        console.print(
            Text(
                "IH in-house · FSO full-service CRO · FSP functional service provider · "
                "BTQ boutique; provider id after the model",
                style="dim",
            )
        )
        console.print()
    if result.questions_for_providers:
        console.print(Text("Questions to ask candidate providers", style="bold"))
        for i, question in enumerate(result.questions_for_providers, 1):
            console.print(f"  {i}. {question}")
    console.print(
        Text(
            "\nEvery (study, function) choice with its reasons: --format json or html.", style="dim"
        )
    )
