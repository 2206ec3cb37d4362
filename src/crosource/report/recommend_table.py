"""The recommendation as terminal tables (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crosource.domain.portfolio import Portfolio
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
    """One row per (study, model, provider): the functions it covers."""
    table = Table(title=f"Program {program}: who does what, per study", title_justify="left")
    table.add_column("study", no_wrap=True)
    table.add_column("model", no_wrap=True)
    table.add_column("provider", no_wrap=True)
    table.add_column("functions")
    for study in portfolio.studies_of(program):
        groups: dict[tuple[str, str], list[str]] = {}
        for a in result.assignments:
            if a.study == study.id:
                key = (a.choice, a.provider or "")
                groups.setdefault(key, []).append(labels.function(a.function).lower())
        order = sorted(groups, key=lambda k: (labels.MODEL_ORDER.index(k[0]), k[1]))
        for i, (choice, provider) in enumerate(order):
            table.add_row(
                study.id if i == 0 else "",
                Text(labels.model(choice), style=STYLE[choice]),
                provider or ("(none capable)" if choice != "in_house" else "sponsor"),
                ", ".join(groups[(choice, provider)]),
                end_section=i == len(order) - 1,
            )
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
