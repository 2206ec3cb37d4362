"""API: background analyses (Monte Carlo, optimizer) of a portfolio, and synchronous pricing."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from crosource.services import costing, runs
from crosource.store import jobs, portfolios
from crosource.store.tables import Job
from crosource.web.deps import MAX_ID, DbSession, Editor, PortfolioId, Reader
from crosource.web.schemas_analyses import JobDetail, JobOut, JobPage, JobRequest, PriceIn, PriceOut

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["jobs"])
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="The job's id.")]


def job_out(job: Job) -> JobOut:
    return JobOut.model_validate({**_fields(job), "portfolio_version": runs.version_of(job)})


def job_detail(job: Job) -> JobDetail:
    return JobDetail.model_validate(
        {**_fields(job), "portfolio_version": runs.version_of(job), "result": job.result}
    )


def _fields(job: Job) -> dict[str, object]:
    names = ("id", "kind", "state", "progress", "stage", "error", "portfolio_id", "request")
    found: dict[str, object] = {name: getattr(job, name) for name in names}
    return found | {"created_at": job.created_at, "finished_at": job.finished_at}


@router.post("/portfolios/{portfolio_id}/jobs", response_model=JobOut, status_code=202)
def start_job(
    request: Request,
    portfolio_id: PortfolioId,
    body: JobRequest,
    member: Editor,
    session: DbSession,
) -> JobOut:
    """Start a Monte Carlo (`kind: simulate`) or optimizer (`kind: optimize`) run; poll the job.

    The scenarios are checked first: an unknown or impossible one answers 422 and starts nothing.
    """
    job = runs.start(
        session,
        workspace_id=member.workspace_id,
        portfolio_id=portfolio_id,
        request=body,
        user_id=member.user_id,
    )
    request.app.state.jobs.submit(session, job.id)  # runs once the job is committed
    session.commit()
    return job_out(job)


@router.get("/jobs", response_model=JobPage)
def list_jobs(
    member: Reader,
    session: DbSession,
    portfolio_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: Literal["simulate", "optimize"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JobPage:
    """The workspace's runs, newest first (without their results)."""
    found = jobs.list_jobs(
        session,
        workspace_id=member.workspace_id,
        portfolio_id=portfolio_id,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    session.commit()  # runs found stale are stored as failed
    return JobPage(items=[job_out(j) for j in found], limit=limit, offset=offset)


@router.get("/jobs/{job_id}", response_model=JobDetail)
def get_job(job_id: JobId, member: Reader, session: DbSession) -> JobDetail:
    """A run: its state, progress, stage, error and, once done, its result."""
    job = jobs.get_job(session, workspace_id=member.workspace_id, job_id=job_id)
    session.commit()
    return job_detail(job)


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def cancel_job(request: Request, job_id: JobId, member: Editor, session: DbSession) -> JobOut:
    """Stop a queued or running run; 409 once it has finished.

    A queued run is `cancelled` at once; a running one stops at its next progress report (within
    a second or so) and is then stored as `cancelled`, without a result: poll it.
    """
    job = runs.cancel(
        session,
        workspace_id=member.workspace_id,
        job_id=job_id,
        user_id=member.user_id,
        backend=request.app.state.jobs,
    )
    session.commit()
    return job_out(job)


@router.post("/portfolios/{portfolio_id}/price", response_model=PriceOut)
def price(portfolio_id: PortfolioId, body: PriceIn, member: Editor, session: DbSession) -> PriceOut:
    """Expected costs of scenarios, computed now (no Monte Carlo); it stores nothing."""
    portfolio = portfolios.load(
        session, workspace_id=member.workspace_id, portfolio_id=portfolio_id
    )
    plans = costing.compile_plans(portfolio, body.scenarios or None, source="request")
    return PriceOut.model_validate(costing.price(plans, portfolio))
