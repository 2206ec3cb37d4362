"""Starting analyses of a stored portfolio as background jobs, and reading them back.

A request is checked before any job exists: scenario names must be known and their plans must
compile, so an impossible scenario is refused with its reason and leaves nothing behind. The job
keeps the portfolio's version at the start, so its result can say when the portfolio changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.plans import Planner
from crosource.io.errors import FileProblem, InvalidInput
from crosource.services import analyses, costing
from crosource.services.analyses import AnalysisRequest, OptimizeRequest, SimulateRequest
from crosource.store import jobs, portfolios
from crosource.store.audit import record_change
from crosource.store.errors import Conflict
from crosource.store.tables import Job, PortfolioRecord
from crosource.tasks.backend import JobBackend

VERSION_KEY = "portfolio_version"
# Computing the optimized plan means running the optimizer (up to its time limit): the job does
# that, and reports an infeasible optimizer as its error.
DEFERRED = {"optimized"}


@dataclass(frozen=True)
class ScenarioChoice:
    """One scenario a person may tick on the scenarios page."""

    name: str
    label: str
    help: str
    default: bool


def scenario_choices(portfolio: Portfolio) -> list[ScenarioChoice]:
    defaults = set(Planner(portfolio).default_names())
    found = [
        ScenarioChoice(
            "recommended",
            "Recommended plan",
            "The recommendation's delivery model for every study and function, with the "
            "cheapest capable provider.",
            True,
        ),
        *[
            ScenarioChoice(
                plan.name,
                f"Your plan: {plan.name}",
                f"A plan stored in this portfolio: {len(plan.assignments)} choices"
                + (", the rest as recommended." if plan.base == "recommended" else "."),
                True,
            )
            for plan in portfolio.plans
        ],
        ScenarioChoice(
            "fsp_core",
            "FSP for the core functions",
            "Functional providers for data management, biostatistics, programming and "
            "monitoring; the rest with a full-service CRO.",
            True,
        ),
        ScenarioChoice(
            "in_house_max",
            "As much in-house as possible",
            "Your own staff wherever they can carry the load, earliest studies first.",
            "in_house_max" in defaults,
        ),
        ScenarioChoice(
            "optimized",
            "Optimized plan",
            "The optimizer's cheapest plan under the portfolio's constraints (it runs the "
            "optimizer first, so the run takes longer).",
            False,
        ),
    ]
    found += [
        ScenarioChoice(
            f"all_fso:{p.id}",
            f"Everything with {p.name}",
            f"{p.name} as full-service CRO for all it can deliver; the rest as recommended.",
            False,
        )
        for p in portfolio.providers
        if "fso" in p.models
    ]
    return found


def check_request(portfolio: Portfolio, request: AnalysisRequest) -> None:
    """Raise InvalidInput when the request cannot run on this portfolio (nothing is stored)."""
    if not isinstance(request, SimulateRequest):
        return
    problems = []
    seen: set[str] = set()
    for index, name in enumerate(request.scenarios):
        if name in seen:
            where = f"scenarios[{index}]"
            problems.append(FileProblem("request", where, f"{name!r} is listed twice"))
        seen.add(name)
    if problems:
        raise InvalidInput(problems)
    names = request.scenarios or None
    checked = [n for n in names or [] if n not in DEFERRED]
    if names is None or checked:
        costing.compile_plans(portfolio, checked or None, source="request")


def start(
    session: Session,
    *,
    workspace_id: int,
    portfolio_id: int,
    request: AnalysisRequest,
    user_id: int | None,
) -> Job:
    """Check the request on the stored portfolio, then queue it; the caller commits and submits."""
    record = portfolios.get_record(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    portfolio = portfolios.document_to_portfolio(record.document, f"portfolio {portfolio_id}")
    check_request(portfolio, request)
    stored = request.model_dump() | {VERSION_KEY: record.version}
    job = jobs.create_job(
        session,
        workspace_id=workspace_id,
        kind=request.kind,
        request=stored,
        user_id=user_id,
        portfolio_id=portfolio_id,
    )
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        action="create",
        entity="job",
        entity_id=str(job.id),
        new={"kind": request.kind, "portfolio_id": portfolio_id, "request": stored},
    )
    return job


def start_again(session: Session, *, workspace_id: int, job_id: int, user_id: int | None) -> Job:
    """The same analysis as an earlier job, on the portfolio as it is now."""
    earlier = jobs.get_job(session, workspace_id=workspace_id, job_id=job_id)
    if earlier.state in jobs.ACTIVE:
        raise Conflict(f"run {job_id} is still {earlier.state}; wait for it to finish")
    if earlier.portfolio_id is None:
        raise InvalidInput([FileProblem("job", str(job_id), "its portfolio no longer exists")])
    request = stored_request(earlier)
    if request is None:
        raise InvalidInput([FileProblem("job", str(job_id), "its settings can no longer be read")])
    return start(
        session,
        workspace_id=workspace_id,
        portfolio_id=earlier.portfolio_id,
        request=request,
        user_id=user_id,
    )


def cancel(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    user_id: int | None,
    backend: JobBackend,
) -> Job:
    """Ask a queued or running job to stop (Conflict once it has finished): a queued one is
    cancelled at once and leaves the queue; a running one stops at its next progress report.
    The caller commits."""
    job = jobs.get_job(session, workspace_id=workspace_id, job_id=job_id)
    before = job.state
    jobs.request_cancel(session, job)
    backend.cancel(session, job.id)
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        action="cancel",
        entity="job",
        entity_id=str(job.id),
        old={"state": before},
        new={"state": job.state, "cancel_requested": True},
    )
    return job


def stored_request(job: Job) -> AnalysisRequest | None:
    """The settings a job ran with; None for one stored in a shape this version cannot read."""
    try:
        return analyses.parse(job.request)
    except ValidationError:
        return None


def version_of(job: Job) -> int | None:
    value = job.request.get(VERSION_KEY)
    return value if isinstance(value, int) else None


def changed_since(job: Job, record: PortfolioRecord) -> bool:
    version = version_of(job)
    return version is not None and version != record.version


def optimize_defaults(portfolio: Portfolio) -> OptimizeRequest:
    """The optimizer form's starting values: the portfolio's own `optimize:` settings."""
    from crosource.engine.optimize.engine import settings_of

    settings = settings_of(portfolio)
    return OptimizeRequest(
        objective=settings.objective,
        time_limit_s=min(max(settings.time_limit_s, 1.0), 600.0),
        gap=settings.gap,
        max_providers=settings.max_providers,
        max_share=settings.max_share,
        oversight_limit=settings.oversight_limit,
    )


def has_result(job: Job) -> bool:
    """Whether a job finished with something to show (a simulation with scenarios, or a plan)."""
    result: dict[str, Any] | None = job.result
    if job.state != "done" or not result:
        return False
    if job.kind == "optimize":
        return "plan" in result and "status" in result
    return bool(result.get("scenarios"))


def describe(job: Job) -> str:
    """A run's settings in a few words, for lists of runs."""
    request = stored_request(job)
    if isinstance(request, SimulateRequest):
        scenarios = ", ".join(request.scenarios) or "the default scenarios"
        return f"{scenarios} · {request.draws:,} draws · seed {request.seed}"
    if isinstance(request, OptimizeRequest):
        objective = f"minimize {request.objective} cost" if request.objective else "own settings"
        return f"{objective} · check {request.check_draws:,} draws · seed {request.seed}"
    return "settings not readable"
