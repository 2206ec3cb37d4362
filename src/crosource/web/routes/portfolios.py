"""Portfolios of a workspace: list, read, import a file, replace, export a file, delete."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import Response

from crosource.io.portfolio_io import EXCEL_SUFFIXES, YAML_SUFFIXES
from crosource.services import report_cache
from crosource.store import portfolios
from crosource.store.tables import Membership
from crosource.web.deps import MAX_ID, DbSession, Editor, PortfolioId, Reader, role_in
from crosource.web.disposition import content_disposition
from crosource.web.errors import ApiError
from crosource.web.schemas import PortfolioDetail, PortfolioOut, PortfolioPage, PortfolioUpdate

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/portfolios", tags=["portfolios"])

EXPORT_TYPES = {
    "yaml": "application/yaml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("", response_model=PortfolioPage)
def list_portfolios(
    member: Reader,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PortfolioPage:
    records = portfolios.list_records(
        session, workspace_id=member.workspace_id, limit=limit, offset=offset
    )
    items = [PortfolioOut.model_validate(r) for r in records]
    return PortfolioPage(items=items, limit=limit, offset=offset)


@router.get("/{portfolio_id}", response_model=PortfolioDetail)
def get_portfolio(portfolio_id: PortfolioId, member: Reader, session: DbSession) -> PortfolioDetail:
    record = portfolios.get_record(
        session, workspace_id=member.workspace_id, portfolio_id=portfolio_id
    )
    return PortfolioDetail.model_validate(record)


@router.post("", response_model=PortfolioOut, status_code=201)
async def import_portfolio(
    request: Request,
    member: Editor,
    session: DbSession,
    file: UploadFile,
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> PortfolioOut:
    """Import a YAML, JSON or Excel portfolio file; an invalid file changes nothing."""
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in YAML_SUFFIXES | EXCEL_SUFFIXES:
        raise ApiError(422, "invalid_input", "the file must be .yaml, .yml, .json or .xlsx")
    limit = request.app.state.settings.max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, "too_large", f"the file is larger than {limit} bytes")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{Path(file.filename or 'upload').stem[:100]}{suffix}"
        path.write_bytes(content)
        record = portfolios.import_portfolio_file(
            session,
            workspace_id=member.workspace_id,
            file=path,
            name=name.strip() if name and name.strip() else None,
            actor_id=member.user_id,
        )
    session.commit()
    return PortfolioOut.model_validate(record)


@router.put("/{portfolio_id}", response_model=PortfolioOut)
def replace_portfolio(
    portfolio_id: PortfolioId, body: PortfolioUpdate, member: Editor, session: DbSession
) -> PortfolioOut:
    record = portfolios.replace_document(
        session,
        workspace_id=member.workspace_id,
        portfolio_id=portfolio_id,
        document=body.document,
        expected_version=body.version,
        actor_id=member.user_id,
    )
    session.commit()
    return PortfolioOut.model_validate(record)


@router.get("/{portfolio_id}/export")
def export_portfolio(
    portfolio_id: PortfolioId,
    member: Reader,
    session: DbSession,
    format: Literal["yaml", "xlsx"] = "yaml",
) -> Response:
    record = portfolios.get_record(
        session, workspace_id=member.workspace_id, portfolio_id=portfolio_id
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"portfolio.{format}"
        portfolios.export_portfolio_file(
            session, workspace_id=member.workspace_id, portfolio_id=portfolio_id, file=path
        )
        content = path.read_bytes()
    return Response(
        content,
        media_type=EXPORT_TYPES[format],
        headers={"Content-Disposition": content_disposition(record.name or "portfolio", format)},
    )


@router.delete("/{portfolio_id}", status_code=204)
def delete_portfolio(
    portfolio_id: PortfolioId,
    member: Annotated[Membership, Depends(role_in("owner"))],
    session: DbSession,
    version: Annotated[
        int, Query(ge=1, le=MAX_ID, description="The version deleted; a newer one is a conflict.")
    ],
) -> Response:
    """Delete a portfolio with its runs, RFPs and bids (owner); the audit trail keeps it."""
    portfolios.delete_portfolio(
        session,
        workspace_id=member.workspace_id,
        portfolio_id=portfolio_id,
        expected_version=version,
        actor_id=member.user_id,
    )
    session.commit()
    report_cache.forget_portfolio(
        session, workspace_id=member.workspace_id, portfolio_id=portfolio_id
    )
    return Response(status_code=204)
