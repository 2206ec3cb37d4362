"""Pages: a workspace's portfolios (list, import a file, the empty Excel template) and the
deletion of one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource.io import excel_io
from crosource.io.errors import InvalidInput
from crosource.services import portfolio_edit, report_cache
from crosource.store import portfolios
from crosource.store.errors import Conflict, Invalid
from crosource.web.deps import MAX_ID, DbSession, PortfolioId
from crosource.web.disposition import content_disposition
from crosource.web.pages.common import (
    Csrf,
    Owner,
    SponsorEditor,
    SponsorReader,
    Viewer,
    flash,
    render,
)
from crosource.web.routes.portfolios import EXPORT_TYPES

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 500


def _space(viewer: Viewer) -> int:
    assert viewer.workspace is not None
    return viewer.workspace.id


def _list_page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    *,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    message: str = "",
    name: str = "",
) -> Response:
    return render(
        request,
        "pf_list.html.j2",
        viewer=viewer,
        status=status,
        title="Portfolios",
        portfolios=portfolios.list_records(session, workspace_id=_space(viewer), limit=LIST_LIMIT),
        problems=problems or [],
        message=message,
        name=name,
        max_upload_mb=request.app.state.settings.max_upload_bytes / 1_000_000,
    )


@router.get("/w/{workspace_id}/portfolios", response_class=HTMLResponse)
def portfolio_list(request: Request, viewer: SponsorReader, session: DbSession) -> Response:
    return _list_page(request, viewer, session)


@router.post("/w/{workspace_id}/portfolios", dependencies=[Csrf])
async def import_file(
    request: Request,
    viewer: SponsorEditor,
    session: DbSession,
    file: Annotated[UploadFile | None, File()] = None,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Import an uploaded file; an invalid one shows every problem and adds nothing."""
    if file is None or not file.filename:
        return _list_page(
            request, viewer, session, status=422, message="Choose a file to import.", name=name
        )
    limit = request.app.state.settings.max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        message = f"{file.filename} is larger than {limit:,} bytes; nothing was imported."
        return _list_page(request, viewer, session, status=413, message=message, name=name)
    try:
        record = portfolio_edit.import_upload(
            session,
            workspace_id=_space(viewer),
            filename=file.filename,
            content=content,
            name=name.strip() or None,
            actor_id=viewer.user.id,
        )
    except InvalidInput as exc:
        session.rollback()
        problems = [{"file": p.file, "where": p.where, "message": p.message} for p in exc.problems]
        count = len(problems)
        message = f"{count} problem{'s' if count != 1 else ''} in the file; nothing was imported."
        return _list_page(
            request, viewer, session, status=422, problems=problems, message=message, name=name
        )
    except (Conflict, Invalid) as exc:
        session.rollback()
        status = 409 if isinstance(exc, Conflict) else 422
        message = f"{exc}; nothing was imported. Give the portfolio another name."
        return _list_page(request, viewer, session, status=status, message=message, name=name)
    session.commit()
    flash(
        request, f"Imported {record.name}: {record.studies} studies, {record.providers} providers."
    )
    return RedirectResponse(f"/w/{_space(viewer)}/p/{record.id}", status_code=303)


@router.get("/w/{workspace_id}/portfolios/template.xlsx")
def excel_template(viewer: SponsorReader) -> Response:
    """The empty workbook to fill in, with a README sheet explaining every sheet."""
    del viewer
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crosource-portfolio-template.xlsx"
        excel_io.write_template(path)
        content = path.read_bytes()
    return Response(
        content,
        media_type=EXPORT_TYPES["xlsx"],
        headers={
            "Content-Disposition": content_disposition("crosource-portfolio-template", "xlsx")
        },
    )


@router.get("/w/{workspace_id}/p/{portfolio_id}/delete", response_class=HTMLResponse)
def delete_page(
    request: Request, portfolio_id: PortfolioId, viewer: Owner, session: DbSession
) -> Response:
    record = portfolios.get_record(session, workspace_id=_space(viewer), portfolio_id=portfolio_id)
    return render(
        request,
        "pf_delete.html.j2",
        viewer=viewer,
        title=f"Delete {record.name}",
        portfolio=record,
        error="",
    )


@router.post("/w/{workspace_id}/p/{portfolio_id}/delete", dependencies=[Csrf])
def delete(
    request: Request,
    portfolio_id: PortfolioId,
    viewer: Owner,
    session: DbSession,
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    confirm: Annotated[str, Form(max_length=200)],
) -> Response:
    """Delete a portfolio once its owner has typed its name (audited, with the document)."""
    record = portfolios.get_record(session, workspace_id=_space(viewer), portfolio_id=portfolio_id)
    if confirm.strip() != record.name:
        return render(
            request,
            "pf_delete.html.j2",
            viewer=viewer,
            status=422,
            title=f"Delete {record.name}",
            portfolio=record,
            error="Type the portfolio's name exactly as shown to confirm; nothing was deleted.",
        )
    name = record.name
    portfolios.delete_portfolio(
        session,
        workspace_id=_space(viewer),
        portfolio_id=record.id,
        expected_version=version,
        actor_id=viewer.user.id,
    )
    session.commit()
    report_cache.forget_portfolio(session, workspace_id=_space(viewer), portfolio_id=portfolio_id)
    flash(request, f"Deleted {name}. The audit trail keeps its content.")
    return RedirectResponse(f"/w/{_space(viewer)}/portfolios", status_code=303)
