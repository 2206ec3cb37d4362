"""A workspace's home: its portfolios at a glance, and what needs attention."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource.services.attention import attention_items
from crosource.store import jobs, portfolios
from crosource.web.deps import DbSession
from crosource.web.pages.common import Viewer, render, workspace_viewer

router = APIRouter(include_in_schema=False)


@router.get("/w/{workspace_id}", response_class=HTMLResponse)
def home(
    request: Request, viewer: Annotated[Viewer, Depends(workspace_viewer)], session: DbSession
) -> Response:
    assert viewer.workspace is not None
    space = viewer.workspace.id
    if viewer.is_provider:  # a provider's home is its portal
        return RedirectResponse(f"/w/{space}/portal", status_code=303)
    records = portfolios.list_records(session, workspace_id=space, limit=200)
    return render(
        request,
        "home.html.j2",
        viewer=viewer,
        title="Home",
        portfolios=records,
        jobs=jobs.list_jobs(session, workspace_id=space, limit=8),
        attention=attention_items(session, workspace_id=space),
    )
