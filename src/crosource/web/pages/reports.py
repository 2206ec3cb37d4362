"""Pages: a portfolio's reports to download, and the report files of runs and recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from crosource.services import runs
from crosource.store import jobs, portfolios
from crosource.store.tables import Job
from crosource.web.analyses_downloads import (
    JobFormat,
    RecommendationFormat,
    job_report,
    recommendation_report,
)
from crosource.web.deps import MAX_ID, DbSession
from crosource.web.pages.common import SponsorReader, render

router = APIRouter(include_in_schema=False)
PortfolioId = Annotated[int, Path(ge=1, le=MAX_ID, description="The portfolio's id.")]
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="The job's id.")]
LOOKED_AT = 50  # the newest runs searched for the latest one with a result


def _latest(session: Session, workspace_id: int, portfolio_id: int, kind: str) -> Job | None:
    found = jobs.list_jobs(
        session,
        workspace_id=workspace_id,
        portfolio_id=portfolio_id,
        kind=kind,
        limit=LOOKED_AT,
        with_results=True,
    )
    return next((j for j in found if runs.has_result(j)), None)


@router.get("/w/{workspace_id}/p/{portfolio_id}/reports", response_class=HTMLResponse)
def reports(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    space = viewer.workspace.id
    record = portfolios.get_record(session, workspace_id=space, portfolio_id=portfolio_id)
    simulation = _latest(session, space, portfolio_id, "simulate")
    optimization = _latest(session, space, portfolio_id, "optimize")
    session.commit()  # runs found stale are stored as failed
    return render(
        request,
        "rep_reports.html.j2",
        viewer=viewer,
        title=f"Reports: {record.name}",
        portfolio=record,
        simulation=simulation,
        optimization=optimization,
        changed={
            j.id: runs.changed_since(j, record) for j in (simulation, optimization) if j is not None
        },
    )


def _job_file(format: JobFormat) -> None:
    @router.get(f"/w/{{workspace_id}}/jobs/{{job_id}}/report.{format}", name=f"job_{format}")
    def job_file(
        request: Request, job_id: JobId, viewer: SponsorReader, session: DbSession
    ) -> Response:
        assert viewer.workspace is not None
        space = viewer.workspace.id
        return job_report(request, session, workspace_id=space, job_id=job_id, format=format)


def _recommendation_file(format: RecommendationFormat) -> None:
    @router.get(
        f"/w/{{workspace_id}}/p/{{portfolio_id}}/recommendation.{format}",
        name=f"recommendation_{format}",
    )
    def recommendation_file(
        request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
    ) -> Response:
        assert viewer.workspace is not None
        space = viewer.workspace.id
        return recommendation_report(
            request, session, workspace_id=space, portfolio_id=portfolio_id, format=format
        )


# One route per file type: the links name the file ("report.pdf"), and each route is one entry
# of the page authorization matrix.
JOB_FORMATS: tuple[JobFormat, ...] = ("html", "pdf", "xlsx")
RECOMMENDATION_FORMATS: tuple[RecommendationFormat, ...] = ("html", "pdf")
for _job_format in JOB_FORMATS:
    _job_file(_job_format)
for _recommendation_format in RECOMMENDATION_FORMATS:
    _recommendation_file(_recommendation_format)
