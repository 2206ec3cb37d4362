"""API: the provider portal. Only the provider role, only RFPs its provider is invited to, only
its own bid; an RFP it is not invited to answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, UploadFile
from sqlalchemy.orm import Session

from crosource.services import rfps as service
from crosource.store import rfps
from crosource.store.tables import Membership, Rfp
from crosource.web.deps import MAX_ID, DbSession, role_in
from crosource.web.errors import ApiError
from crosource.web.routes.rfps import bid_out
from crosource.web.schemas_evaluate import (
    AnswersIn,
    BidOut,
    PortalRfpDetail,
    PortalRfpOut,
    PortalRfpPage,
)
from crosource.web.uploads_evaluate import GRID_SUFFIXES, uploaded

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/portal", tags=["portal"])
RfpId = Annotated[int, Path(ge=1, le=MAX_ID, description="The RFP's id.")]
ProviderMember = Annotated[Membership, Depends(role_in("provider"))]


def portal_rfp(session: Session, rfp: Rfp, provider_id: str | None) -> PortalRfpOut:
    answer = rfps.answer_of(session, rfp_id=rfp.id, provider_id=provider_id or "")
    return PortalRfpOut(
        id=rfp.id,
        title=rfp.title,
        status=rfp.status,
        study_id=rfp.study_id,
        created_at=rfp.created_at,
        has_bid=rfps.has_bid(answer),
        bid_status=answer.status if rfps.has_bid(answer) and answer else None,
        bid_status_reason=answer.status_reason if answer else "",
    )


@router.get("/rfps", response_model=PortalRfpPage)
def list_invited(
    member: ProviderMember,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PortalRfpPage:
    found = rfps.list_rfps(
        session,
        workspace_id=member.workspace_id,
        provider_id=member.provider_id,
        for_provider=True,
        limit=limit,
        offset=offset,
    )
    items = [portal_rfp(session, r, member.provider_id) for r in found]
    return PortalRfpPage(items=items, limit=limit, offset=offset)


@router.get("/rfps/{rfp_id}", response_model=PortalRfpDetail)
def get_invited(rfp_id: RfpId, member: ProviderMember, session: DbSession) -> PortalRfpDetail:
    rfp = rfps.invited_rfp(
        session, workspace_id=member.workspace_id, rfp_id=rfp_id, provider_id=member.provider_id
    )
    return PortalRfpDetail(
        **portal_rfp(session, rfp, member.provider_id).model_dump(),
        study=service.study_brief(session, rfp),
        questions=service.questionnaire(session, rfp),
    )


@router.put("/rfps/{rfp_id}/bid", response_model=BidOut)
def submit_bid(
    rfp_id: RfpId, request: Request, member: ProviderMember, session: DbSession, file: UploadFile
) -> BidOut:
    """Upload the bid grid (CSV or .xlsx); it replaces an earlier one. An invalid grid, or one
    with rows for another provider, answers 422 with every problem and stores nothing."""
    rfps.invited_rfp(
        session, workspace_id=member.workspace_id, rfp_id=rfp_id, provider_id=member.provider_id
    )
    with uploaded(request, file, GRID_SUFFIXES, "bid grid") as (path, filename):
        record = rfps.submit_bid(
            session,
            workspace_id=member.workspace_id,
            rfp_id=rfp_id,
            provider_id=member.provider_id,
            file=path,
            filename=filename,
            actor_id=member.user_id,
        )
    session.commit()
    return bid_out(record)


@router.get("/rfps/{rfp_id}/bid", response_model=BidOut)
def own_bid(rfp_id: RfpId, member: ProviderMember, session: DbSession) -> BidOut:
    rfp = rfps.invited_rfp(
        session, workspace_id=member.workspace_id, rfp_id=rfp_id, provider_id=member.provider_id
    )
    record = rfps.answer_of(session, rfp_id=rfp.id, provider_id=member.provider_id or "")
    if record is None:
        raise ApiError(404, "not_found", "you have not answered this RFP yet")
    return bid_out(record)


@router.put("/rfps/{rfp_id}/answers", response_model=BidOut)
def save_answers(
    rfp_id: RfpId, body: AnswersIn, member: ProviderMember, session: DbSession
) -> BidOut:
    record = rfps.save_answers(
        session,
        workspace_id=member.workspace_id,
        rfp_id=rfp_id,
        provider_id=member.provider_id,
        answers=body.answers,
        actor_id=member.user_id,
    )
    session.commit()
    return bid_out(record)
