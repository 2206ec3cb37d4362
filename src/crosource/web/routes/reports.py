"""API: report files of finished runs (HTML, PDF, Excel)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from crosource.web.analyses_downloads import MEDIA, JobFormat, job_report
from crosource.web.deps import DbSession, Reader
from crosource.web.routes.jobs import JobId

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["reports"])


@router.get(
    "/jobs/{job_id}/report",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA.values()}}},
)
def job_report_file(
    request: Request, job_id: JobId, member: Reader, session: DbSession, format: JobFormat = "html"
) -> Response:
    """A finished run's report: `html` (a standalone page), `pdf` or `xlsx` (the numbers);
    409 while it runs or when it failed."""
    return job_report(
        request, session, workspace_id=member.workspace_id, job_id=job_id, format=format
    )
