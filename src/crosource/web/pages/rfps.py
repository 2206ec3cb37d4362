"""Pages: requests for proposals, the sponsor's side. The list with a form to send one, and one
RFP with who has bid, the bids compared at the sponsor's quantities and "evaluate these bids"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from crosource.io.errors import InvalidInput
from crosource.services import rfps as service
from crosource.store import portfolios, rfps
from crosource.store.errors import NotFound
from crosource.store.tables import Rfp
from crosource.web.deps import MAX_ID, DbSession
from crosource.web.pages.common import (
    Csrf,
    SponsorEditor,
    SponsorReader,
    Viewer,
    flash,
    markup,
    render,
)

router = APIRouter(include_in_schema=False)
RfpId = Annotated[int, Path(ge=1, le=MAX_ID)]
BidId = Annotated[int, Path(ge=1, le=MAX_ID)]
BASE = "/w/{workspace_id}/rfps"


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _list_page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    portfolio_id: int | None,
    problems: list[dict[str, str]] | None = None,
    entered: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    assert viewer.workspace is not None
    space = viewer.workspace.id
    records = portfolios.list_records(session, workspace_id=space, limit=500)
    names = {r.id: r.name for r in records}
    chosen = None
    if viewer.can_edit and records:
        pick = portfolio_id if portfolio_id in names else records[0].id
        chosen = {
            "record": portfolios.get_record(session, workspace_id=space, portfolio_id=pick),
            "portfolio": portfolios.load(session, workspace_id=space, portfolio_id=pick),
        }
    found = rfps.list_rfps(session, workspace_id=space, limit=500)
    bids = {
        r.id: sum(rfps.is_received(a) for a in rfps.answers_of(session, rfp_id=r.id)) for r in found
    }
    return render(
        request,
        "rfp_list.html.j2",
        viewer=viewer,
        status=status,
        title="RFPs and bids",
        rfps=found,
        bids=bids,
        names=names,
        portfolios=records,
        chosen=chosen,
        problems=problems or [],
        entered=entered or {},
    )


@router.get(BASE, response_class=HTMLResponse)
def rfp_list(
    request: Request,
    viewer: SponsorReader,
    session: DbSession,
    portfolio_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    return _list_page(request, viewer, session, portfolio_id)


@router.post(BASE, dependencies=[Csrf])
async def create_rfp(request: Request, viewer: SponsorEditor, session: DbSession) -> Response:
    assert viewer.workspace is not None
    form = await request.form()
    pid = _text(form, "portfolio_id")
    invited = [v for v in form.getlist("invited") if isinstance(v, str)]
    entered: dict[str, Any] = {
        "title": _text(form, "title"),
        "study_id": _text(form, "study_id"),
        "invited": invited,
    }
    portfolio_id = int(pid) if pid.isdigit() and 1 <= int(pid) <= MAX_ID else None
    try:
        if portfolio_id is None:
            raise InvalidInput.single("rfp", "choose a portfolio", "portfolio_id")
        rfp = rfps.create_rfp(
            session,
            workspace_id=viewer.workspace.id,
            portfolio_id=portfolio_id,
            study_id=_text(form, "study_id"),
            title=_text(form, "title"),
            invited=invited,
            actor_id=viewer.user.id,
        )
    except InvalidInput as exc:
        problems = exc.details()
        return _list_page(request, viewer, session, portfolio_id, problems, entered, 422)
    except NotFound as exc:
        problems = [{"where": "portfolio_id", "message": str(exc)}]
        return _list_page(request, viewer, session, None, problems, entered, 422)
    session.commit()
    flash(request, f"Sent the RFP {rfp.title} to {', '.join(rfp.invited)}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/rfps/{rfp.id}", status_code=303)


@router.get(BASE + "/{rfp_id}", response_class=HTMLResponse)
def rfp_page(
    request: Request, rfp_id: RfpId, viewer: SponsorReader, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    rfp = rfps.get_rfp(session, workspace_id=viewer.workspace.id, rfp_id=rfp_id)
    return _detail_page(request, viewer, session, rfp)


def _detail_page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    rfp: Rfp,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    assert viewer.workspace is not None
    answers = {a.provider_id: a for a in rfps.answers_of(session, rfp_id=rfp.id)}
    problems = list(problems or [])
    report = None
    try:
        made = service.comparison_fragment(session, rfp)
        report = markup(made) if made is not None else None
    except InvalidInput as exc:
        problems += exc.details()
    record = portfolios.get_record(
        session, workspace_id=viewer.workspace.id, portfolio_id=rfp.portfolio_id
    )
    questions = {q["id"]: q["text"] for q in service.questionnaire(session, rfp)}
    return render(
        request,
        "rfp_detail.html.j2",
        viewer=viewer,
        status=status,
        charts=True,
        title=rfp.title,
        rfp=rfp,
        portfolio_record=record,
        answers=answers,
        has_bid=rfps.has_bid,
        quoted=rfps.quoted_total_usd,
        bidders=sum(rfps.is_received(a) for a in answers.values()),
        questions=questions,
        report=report,
        problems=problems,
    )


@router.post(BASE + "/{rfp_id}/close", dependencies=[Csrf])
def close_rfp(
    request: Request, rfp_id: RfpId, viewer: SponsorEditor, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    rfp = rfps.close_rfp(
        session, workspace_id=viewer.workspace.id, rfp_id=rfp_id, actor_id=viewer.user.id
    )
    session.commit()
    flash(request, f"Closed the RFP {rfp.title}: providers can no longer change their bids.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/rfps/{rfp.id}", status_code=303)


@router.post(BASE + "/{rfp_id}/bids/{bid_id}/reject", dependencies=[Csrf])
async def reject_bid(
    request: Request, rfp_id: RfpId, bid_id: BidId, viewer: SponsorEditor, session: DbSession
) -> Response:
    """Reject a bid with a reason for its provider; it stays, left out of the comparison."""
    assert viewer.workspace is not None
    form = await request.form()
    rfp = rfps.get_rfp(session, workspace_id=viewer.workspace.id, rfp_id=rfp_id)
    try:
        record = rfps.reject_bid(
            session,
            workspace_id=viewer.workspace.id,
            rfp_id=rfp.id,
            bid_id=bid_id,
            reason=_text(form, "reason"),
            actor_id=viewer.user.id,
        )
    except InvalidInput as exc:
        session.rollback()
        return _detail_page(request, viewer, session, rfp, exc.details(), 422)
    session.commit()
    flash(
        request,
        f"Rejected the bid of {record.provider_id}: it is no longer compared. The provider sees "
        "why and may upload a new grid while the RFP is open.",
    )
    return RedirectResponse(f"/w/{viewer.workspace.id}/rfps/{rfp.id}", status_code=303)


@router.post(BASE + "/{rfp_id}/bids/{bid_id}/remove", dependencies=[Csrf])
async def remove_bid(
    request: Request, rfp_id: RfpId, bid_id: BidId, viewer: SponsorEditor, session: DbSession
) -> Response:
    """Delete a bid, once confirmed; the audit trail keeps it."""
    assert viewer.workspace is not None
    form = await request.form()
    space = viewer.workspace.id
    rfp = rfps.get_rfp(session, workspace_id=space, rfp_id=rfp_id)
    record = rfps.get_bid(session, workspace_id=space, rfp_id=rfp.id, bid_id=bid_id)
    if _text(form, "confirm") != "yes":
        problem = {"where": "confirm", "message": "confirm the removal; nothing was removed"}
        return _detail_page(request, viewer, session, rfp, [problem], 422)
    provider = record.provider_id
    rfps.remove_bid(
        session,
        workspace_id=space,
        rfp_id=rfp.id,
        bid_id=bid_id,
        provider_id=provider,
        actor_id=viewer.user.id,
    )
    session.commit()
    flash(request, f"Removed the bid of {provider}.")
    return RedirectResponse(f"/w/{space}/rfps/{rfp.id}", status_code=303)


@router.post(BASE + "/{rfp_id}/evaluate", dependencies=[Csrf])
def evaluate_bids(
    request: Request, rfp_id: RfpId, viewer: SponsorEditor, session: DbSession
) -> Response:
    """An evaluation of the bidders (their scores and normalized cost), then its page."""
    assert viewer.workspace is not None
    rfp = rfps.get_rfp(session, workspace_id=viewer.workspace.id, rfp_id=rfp_id)
    record = service.evaluate_bids(session, rfp, viewer.user.id)
    session.commit()
    flash(request, f"Made the evaluation {record.name} from the bids; set its weights next.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations/{record.id}", status_code=303)
