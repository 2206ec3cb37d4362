"""Pages: the provider portal. A provider sees the RFPs it is invited to, what it may know of
each study, its questionnaire and its own bid; an RFP it is not invited to answers 404. Nothing
here reads the sponsor's cost model, scores, evaluations or other providers' bids."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from crosource.io.errors import InvalidInput
from crosource.services import rfps as service
from crosource.store import rfps
from crosource.store.errors import Conflict
from crosource.store.tables import Rfp
from crosource.web.deps import MAX_ID, DbSession
from crosource.web.disposition import content_disposition
from crosource.web.pages.common import Csrf, ProviderViewer, Viewer, flash, render
from crosource.web.uploads_evaluate import GRID_SUFFIXES, uploaded

router = APIRouter(include_in_schema=False)
RfpId = Annotated[int, Path(ge=1, le=MAX_ID)]
BASE = "/w/{workspace_id}/portal"


def _provider(viewer: Viewer) -> str | None:
    return viewer.member.provider_id if viewer.member else None


def _invited(session: DbSession, viewer: Viewer, rfp_id: int) -> Rfp:
    assert viewer.workspace is not None
    return rfps.invited_rfp(
        session, workspace_id=viewer.workspace.id, rfp_id=rfp_id, provider_id=_provider(viewer)
    )


@router.get(BASE, response_class=HTMLResponse)
def portal(request: Request, viewer: ProviderViewer, session: DbSession) -> Response:
    assert viewer.workspace is not None
    provider = _provider(viewer)
    found = rfps.list_rfps(
        session, workspace_id=viewer.workspace.id, provider_id=provider, for_provider=True
    )
    mine = {r.id: rfps.answer_of(session, rfp_id=r.id, provider_id=provider or "") for r in found}
    return render(
        request,
        "portal_list.html.j2",
        viewer=viewer,
        title="Invited RFPs",
        provider=provider,
        rfps=found,
        mine=mine,
        has_bid=rfps.has_bid,
    )


def _rfp_page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    rfp: Rfp,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    provider = _provider(viewer) or ""
    answer = rfps.answer_of(session, rfp_id=rfp.id, provider_id=provider)
    return render(
        request,
        "portal_rfp.html.j2",
        viewer=viewer,
        status=status,
        title=rfp.title,
        rfp=rfp,
        provider=provider,
        study=service.study_brief(session, rfp),
        questions=service.questionnaire(session, rfp),
        answer=answer,
        bid=answer if rfps.has_bid(answer) else None,
        quoted=rfps.quoted_total_usd(answer) if answer else 0.0,
        problems=problems or [],
    )


@router.get(BASE + "/rfps/{rfp_id}", response_class=HTMLResponse)
def invited_rfp(
    request: Request, rfp_id: RfpId, viewer: ProviderViewer, session: DbSession
) -> Response:
    return _rfp_page(request, viewer, session, _invited(session, viewer, rfp_id))


@router.get(BASE + "/rfps/{rfp_id}/template.csv")
def grid_template(rfp_id: RfpId, viewer: ProviderViewer, session: DbSession) -> Response:
    """The bid grid's columns with example lines, ready to fill in."""
    rfp = _invited(session, viewer, rfp_id)
    text = service.grid_template(_provider(viewer) or "", service.study_brief(session, rfp))
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": content_disposition(f"bid-{rfp.study_id}", "csv")},
    )


@router.post(BASE + "/rfps/{rfp_id}/bid", dependencies=[Csrf])
async def upload_bid(
    request: Request, rfp_id: RfpId, viewer: ProviderViewer, session: DbSession
) -> Response:
    """Store the uploaded grid; an invalid one shows every problem and stores nothing."""
    assert viewer.workspace is not None
    rfp = _invited(session, viewer, rfp_id)
    form = await request.form()
    upload = form.get("file")
    file = upload if isinstance(upload, UploadFile) and upload.filename else None
    try:
        with uploaded(request, file, GRID_SUFFIXES, "bid grid") as (path, filename):
            rfps.submit_bid(
                session,
                workspace_id=viewer.workspace.id,
                rfp_id=rfp.id,
                provider_id=_provider(viewer),
                file=path,
                filename=filename,
                actor_id=viewer.user.id,
            )
    except InvalidInput as exc:
        session.rollback()
        problems = exc.details()
        return _rfp_page(request, viewer, session, rfp, problems, 422)
    except Conflict as exc:
        session.rollback()
        return _rfp_page(request, viewer, session, rfp, [{"where": "", "message": str(exc)}], 409)
    session.commit()
    flash(request, "Your bid is in. You may replace it while the RFP is open.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/portal/rfps/{rfp.id}", status_code=303)


@router.post(BASE + "/rfps/{rfp_id}/answers", dependencies=[Csrf])
async def save_answers(
    request: Request, rfp_id: RfpId, viewer: ProviderViewer, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    rfp = _invited(session, viewer, rfp_id)
    form = await request.form()
    answers = {
        key[2:]: value
        for key, value in form.multi_items()
        if key.startswith("a:") and isinstance(value, str)
    }
    try:
        rfps.save_answers(
            session,
            workspace_id=viewer.workspace.id,
            rfp_id=rfp.id,
            provider_id=_provider(viewer),
            answers=answers,
            actor_id=viewer.user.id,
        )
    except InvalidInput as exc:
        session.rollback()
        problems = exc.details()
        return _rfp_page(request, viewer, session, rfp, problems, 422)
    except Conflict as exc:
        session.rollback()
        return _rfp_page(request, viewer, session, rfp, [{"where": "", "message": str(exc)}], 409)
    session.commit()
    flash(request, "Your answers are saved.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/portal/rfps/{rfp.id}", status_code=303)
