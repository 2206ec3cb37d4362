"""The command line: thin commands over the engines (DESIGN.md, Contracts: CLI).

Exit codes: 0 success, 2 invalid input (every problem printed with its place), 1 internal error.
`--format json` prints one JSON document: {"crosource", "command", "input", "result"}.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from crosource import __version__
from crosource.io.errors import InvalidInput, atomic_target

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="crosource: decide who does the clinical work, on what terms, and why.",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _register_subcommands() -> None:
    from crosource.cli_serve import serve
    from crosource.cli_users import user_app
    from crosource.cli_worker import worker

    app.add_typer(user_app, name="user")
    app.command()(serve)
    app.command()(worker)


class Format(StrEnum):
    table = "table"
    json = "json"
    html = "html"


FileArg = Annotated[Path, typer.Argument(help="Portfolio file: .yaml, .yml, .json or .xlsx.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the output to this file instead of stdout."),
]


def envelope(command: str, source: str, result: dict[str, Any]) -> str:
    document = {"crosource": __version__, "command": command, "input": source, "result": result}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


def write_output(text: str, out: Path | None) -> None:
    """Print, or write the file atomically (never a half-written report)."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_target(out.parent, out.name)
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    err.print(f"Wrote {out}")


def emit(
    command: str,
    file: Path,
    format: Format,
    out: Path | None,
    data: Callable[[], Any],
    html: Callable[[], str],
    table: Callable[[Console], None],
) -> None:
    """Write a result in the chosen format: the JSON envelope, an HTML page, or tables."""
    if format is Format.json:
        write_output(envelope(command, str(file), data()), out)
    elif format is Format.html:
        write_output(html(), out)
    elif out is None:
        table(Console(highlight=False))
    else:
        with Path(os.devnull).open("w") as sink:
            console = Console(record=True, width=160, file=sink)
            table(console)
        write_output(console.export_text(), out)


@app.command()
def validate(file: FileArg) -> None:
    """Check a portfolio file and report every problem with its place."""
    from crosource.io.portfolio_io import load_portfolio

    portfolio = load_portfolio(file)
    typer.echo(
        f"{file}: valid ({len(portfolio.programs)} programs, {len(portfolio.studies)} studies, "
        f"{len(portfolio.providers)} providers, {len(portfolio.plans)} plans)"
    )


@app.command()
def template(
    file: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write an empty portfolio workbook with a README sheet explaining every sheet."""
    from crosource.io import excel_io

    if file.suffix.lower() != ".xlsx":
        raise InvalidInput.single(str(file), "a template is an Excel workbook; use a .xlsx name")
    if file.exists() and not force:
        raise InvalidInput.single(str(file), "exists already; use --force to overwrite it")
    excel_io.write_template(file)
    typer.echo(f"Wrote {file}")


@app.command()
def convert(
    source: FileArg,
    target: Annotated[Path, typer.Argument(help="The file to write: .yaml, .json or .xlsx.")],
) -> None:
    """Convert a portfolio between YAML, JSON and Excel (nothing is lost)."""
    from crosource.io.portfolio_io import load_portfolio, save_portfolio

    save_portfolio(load_portfolio(source), target)
    typer.echo(f"Wrote {target}")


@app.command()
def recommend(file: FileArg, format: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """Recommend relationship and delivery model per program and per (study, function)."""
    from crosource.engine.recommend.engine import recommend as run
    from crosource.io.portfolio_io import load_portfolio
    from crosource.report.html import recommendation_html
    from crosource.report.recommend_table import render

    portfolio = load_portfolio(file)
    result = run(portfolio)
    emit(
        "recommend",
        file,
        format,
        out,
        result.to_json,
        lambda: recommendation_html(portfolio, result),
        lambda console: render(portfolio, result, console),
    )


ScenarioOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--scenario",
        "-s",
        help="A scenario to include (repeat for several): a plan "
        "of the portfolio, recommended, fsp_core, in_house_max or all_fso:PROVIDER. "
        "Default: recommended, the portfolio's plans, fsp_core and in_house_max.",
    ),
]


@app.command()
def price(
    file: FileArg,
    scenario: ScenarioOpt = None,
    format: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Price sourcing plans on total cost of ownership: the expected cost of every component."""
    from crosource.cli_costing import price_result

    portfolio, result = price_result(file, scenario)
    _costing_output("price", file, portfolio, result, format, out)


@app.command()
def simulate(
    file: FileArg,
    scenario: ScenarioOpt = None,
    draws: Annotated[
        int, typer.Option(min=100, max=100_000_000, help="Monte Carlo draws per scenario.")
    ] = 20_000,
    seed: Annotated[int, typer.Option(min=0, help="The same seed gives the same numbers.")] = 1,
    sensitivity: Annotated[bool, typer.Option(help="Add the tornado and variance shares.")] = True,
    sensitivity_draws: Annotated[
        int, typer.Option(min=100, max=1_000_000, help="Draws per tornado run.")
    ] = 2_000,
    format: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Simulate the cost and completion of sourcing plans (Monte Carlo, common random numbers)."""
    from crosource.cli_costing import simulate_result

    portfolio, result = simulate_result(
        file, scenario, draws, seed, sensitivity, sensitivity_draws, err
    )
    _costing_output("simulate", file, portfolio, result, format, out)


def _costing_output(
    command: str,
    file: Path,
    portfolio: Any,
    result: dict[str, Any],
    format: Format,
    out: Path | None,
) -> None:
    from crosource.report.costing_html import costing_html
    from crosource.report.costing_table import render_costing

    emit(
        command,
        file,
        format,
        out,
        lambda: result,
        lambda: costing_html(command, portfolio, result),
        lambda console: render_costing(command, result, console),
    )


class Objective(StrEnum):
    cash = "cash"
    economic = "economic"


@app.command()
def optimize(
    file: FileArg,
    objective: Annotated[
        Objective | None,
        typer.Option(
            help="Minimise expected cash TCO or economic cost (default: the portfolio's, or cash)."
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(min=1, help="Seconds the solver may take (default: the portfolio's, or 60)."),
    ] = None,
    gap: Annotated[
        float | None,
        typer.Option(min=0, max=1, help="Relative optimality gap to stop at (default 0.005)."),
    ] = None,
    max_providers: Annotated[
        int | None, typer.Option(min=1, help="At most this many providers in the plan.")
    ] = None,
    max_share: Annotated[
        float | None,
        typer.Option(min=0.01, max=1, help="Largest share of expected spend with one provider."),
    ] = None,
    oversight_limit: Annotated[
        bool | None,
        typer.Option(
            "--oversight-limit/--no-oversight-limit",
            help="Keep the oversight staff needed within sponsor.oversight_fte (default: on).",
        ),
    ] = None,
    check_draws: Annotated[
        int,
        typer.Option(
            min=0,
            max=10_000_000,
            help="Monte Carlo draws for the check against recommended (0: no check).",
        ),
    ] = 20_000,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the Monte Carlo check.")] = 1,
    format: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Find the cheapest sourcing plan under capacity, oversight and concentration limits."""
    from crosource.cli_costing import optimize_result

    overrides = {
        "objective": objective.value if objective else None,
        "time_limit_s": time_limit,
        "gap": gap,
        "max_providers": max_providers,
        "max_share": max_share,
        "oversight_limit": oversight_limit,
    }
    portfolio, result = optimize_result(file, overrides, check_draws, seed, err)
    from crosource.report.optimize_html import optimize_html
    from crosource.report.optimize_table import render_optimize

    emit(
        "optimize",
        file,
        format,
        out,
        lambda: result,
        lambda: optimize_html(portfolio, result),
        lambda console: render_optimize(result, console),
    )


@app.command()
def evaluate(
    file: Annotated[
        Path,
        typer.Argument(
            help="Evaluation file (.yaml, .yml, .json), or a portfolio with --study and --grid."
        ),
    ],
    study: Annotated[
        str | None, typer.Option(help="With a portfolio: the study whose bids are evaluated.")
    ] = None,
    grid: Annotated[
        list[Path] | None,
        typer.Option(help="With a portfolio: a bid grid, CSV or Excel (repeat for several)."),
    ] = None,
    format: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Score and rank providers: gates, weights (direct or AHP), weighted sum, TOPSIS, SMAA."""
    from crosource.engine.evaluate.evaluation import run
    from crosource.io.evaluation_io import load_evaluation
    from crosource.report.evaluate_html import evaluation_html
    from crosource.report.evaluate_table import render_evaluation

    if study is not None or grid:
        evaluation = _evaluation_from_bids(file, study, grid or [])
    else:
        evaluation = load_evaluation(file)
    try:
        result = run(evaluation)
    except ValueError as exc:  # judgments that cannot give weights (out of scale, cut off)
        raise InvalidInput.single(str(file), str(exc), "pairwise") from None
    emit(
        "evaluate",
        file,
        format,
        out,
        lambda: result,
        lambda: evaluation_html(f"Provider evaluation: {file.stem}", result),
        lambda console: render_evaluation(result, console),
    )


def _evaluation_from_bids(file: Path, study: str | None, grid: list[Path]) -> Any:
    from crosource.domain.evaluation import Evaluation
    from crosource.engine.evaluate.bids import compare, evaluation_from_bids
    from crosource.io.bids_io import load_bids
    from crosource.io.portfolio_io import load_portfolio

    if study is None or not grid:
        raise InvalidInput.single(str(file), "evaluating bids needs both --study and --grid")
    portfolio = load_portfolio(file)
    found = [s for s in portfolio.studies if s.id == study]
    if not found:
        raise InvalidInput.single(str(file), f"has no study {study!r}", "--study")
    result = compare(portfolio, found[0], [b for path in grid for b in load_bids(path)])
    if len(result["bids"]) < 2:
        raise InvalidInput.single(
            str(file), "an evaluation needs bids from two providers", "--grid"
        )
    return Evaluation.model_validate(evaluation_from_bids(portfolio, result))


@app.command()
def bids(
    file: FileArg,
    study: Annotated[str, typer.Option(help="The study the bids price (its id in FILE).")],
    grid: Annotated[
        list[Path], typer.Option(help="A bid grid, CSV or Excel (repeat for several files).")
    ],
    format: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Compare bids for a study at the sponsor's own quantities, line by line."""
    from crosource.engine.evaluate.bids import compare
    from crosource.io.bids_io import load_bids
    from crosource.io.portfolio_io import load_portfolio
    from crosource.report.bids_table import render_bids

    portfolio = load_portfolio(file)
    found = [s for s in portfolio.studies if s.id == study]
    if not found:
        raise InvalidInput.single(
            str(file),
            f"has no study {study!r}; it has {', '.join(s.id for s in portfolio.studies)}",
            "--study",
        )
    offers = [bid for path in grid for bid in load_bids(path)]
    result = compare(portfolio, found[0], offers)
    from crosource.report.bids_html import bids_html

    emit(
        "bids",
        file,
        format,
        out,
        lambda: result,
        lambda: bids_html(result),
        lambda console: render_bids(result, console),
    )


@app.command()
def assess(
    out: Annotated[Path, typer.Option("--out", "-o", help="Portfolio file to write.")] = Path(
        "portfolio.yaml"
    ),
) -> None:
    """Ask the questionnaire in the terminal and write a portfolio file."""
    from crosource.cli_assess import run_questionnaire
    from crosource.io.portfolio_io import save_portfolio

    portfolio = run_questionnaire(err)
    save_portfolio(portfolio, out)
    err.print(f"Wrote {out}. Next: crosource recommend {out}")


_register_subcommands()


def main() -> None:
    try:
        app()  # standalone: usage errors print their message and exit 2
    except InvalidInput as exc:
        for problem in exc.problems:
            err.print(f"[red]error[/]: {problem}", markup=True, highlight=False)
        count = len(exc.problems)
        err.print(f"{count} problem{'s' if count != 1 else ''}; nothing was written.")
        sys.exit(2)
    except Exception as exc:  # the boundary: a user never sees a traceback
        if os.environ.get("CROSOURCE_DEBUG"):
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc}")
        err.print("Set CROSOURCE_DEBUG=1 to see the traceback, and report it.")
        sys.exit(1)
