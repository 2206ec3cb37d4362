"""API: requests for proposals, the sponsor's side (providers use the portal's routes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from crosource.services import rfps as service
from crosource.store import rfps
from crosource.store.tables import BidRecord, Rfp
from crosource.web.deps import MAX_ID, DbSession, Editor, Reader
from crosource.web.schemas_evaluate import (
    BidOut,
    EvaluationOut,
    RejectIn,
    RfpIn,
    RfpOut,
    RfpPage,
    RfpStatusOut,
)

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["rfps"])
RfpId = Annotated[int, Path(ge=1, le=MAX_ID, description="The RFP's id.")]
BidId = Annotated[int, Path(ge=1, le=MAX_ID, description="The bid's id (`id` of a bid).")]


def bid_out(record: BidRecord) -> BidOut:
    return BidOut.model_validate(
        {
            "id": record.id,
            "provider_id": record.provider_id,
            "status": record.status,
            "status_reason": record.status_reason,
            "filename": record.filename,
            "submitted_at": record.submitted_at,
            "quoted_total_usd": rfps.quoted_total_usd(record),
            "lines": record.lines,
            "assumptions": record.assumptions,
            "answers": record.answers,
        }
    )


def _status(session: DbSession, rfp: Rfp) -> RfpStatusOut:
    answers = {a.provider_id: rfps.has_bid(a) for a in rfps.answers_of(session, rfp_id=rfp.id)}
    out = RfpOut.model_validate(rfp).model_dump()
    return RfpStatusOut(**out, bids={p: answers.get(p, False) for p in rfp.invited})


@router.get("/rfps", response_model=RfpPage)
def list_rfps(
    member: Reader,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RfpPage:
    found = rfps.list_rfps(session, workspace_id=member.workspace_id, limit=limit, offset=offset)
    return RfpPage(items=[RfpOut.model_validate(r) for r in found], limit=limit, offset=offset)


@router.post("/rfps", response_model=RfpOut, status_code=201)
def create_rfp(body: RfpIn, member: Editor, session: DbSession) -> RfpOut:
    rfp = rfps.create_rfp(
        session,
        workspace_id=member.workspace_id,
        portfolio_id=body.portfolio_id,
        study_id=body.study_id.strip(),
        title=body.title,
        invited=[p.strip() for p in body.invited],
        actor_id=member.user_id,
    )
    session.commit()
    return RfpOut.model_validate(rfp)


@router.get("/rfps/{rfp_id}", response_model=RfpStatusOut)
def get_rfp(rfp_id: RfpId, member: Reader, session: DbSession) -> RfpStatusOut:
    return _status(session, rfps.get_rfp(session, workspace_id=member.workspace_id, rfp_id=rfp_id))


@router.post("/rfps/{rfp_id}/close", response_model=RfpOut)
def close_rfp(rfp_id: RfpId, member: Editor, session: DbSession) -> RfpOut:
    rfp = rfps.close_rfp(
        session, workspace_id=member.workspace_id, rfp_id=rfp_id, actor_id=member.user_id
    )
    session.commit()
    return RfpOut.model_validate(rfp)


@router.get("/rfps/{rfp_id}/bids", response_model=list[BidOut])
def list_bids(rfp_id: RfpId, member: Reader, session: DbSession) -> list[BidOut]:
    rfp = rfps.get_rfp(session, workspace_id=member.workspace_id, rfp_id=rfp_id)
    return [bid_out(a) for a in rfps.answers_of(session, rfp_id=rfp.id)]


@router.post("/rfps/{rfp_id}/bids/{bid_id}/reject", response_model=BidOut)
def reject_bid(
    rfp_id: RfpId, bid_id: BidId, body: RejectIn, member: Editor, session: DbSession
) -> BidOut:
    """Reject a bid with a reason its provider reads: kept, but left out of the comparison and
    the evaluation until the provider uploads a new grid."""
    record = rfps.reject_bid(
        session,
        workspace_id=member.workspace_id,
        rfp_id=rfp_id,
        bid_id=bid_id,
        reason=body.reason,
        actor_id=member.user_id,
    )
    session.commit()
    return bid_out(record)


@router.delete("/rfps/{rfp_id}/bids/{bid_id}", status_code=204)
def remove_bid(
    rfp_id: RfpId,
    bid_id: BidId,
    member: Editor,
    session: DbSession,
    provider: Annotated[
        str, Query(max_length=64, description="The bid's provider, as a check (409 otherwise).")
    ],
) -> Response:
    """Delete a bid; the audit event keeps it. The provider may bid again while it is open."""
    rfps.remove_bid(
        session,
        workspace_id=member.workspace_id,
        rfp_id=rfp_id,
        bid_id=bid_id,
        provider_id=provider,
        actor_id=member.user_id,
    )
    session.commit()
    return Response(status_code=204)


@router.get("/rfps/{rfp_id}/comparison")
def compare_bids(rfp_id: RfpId, member: Reader, session: DbSession) -> dict[str, Any]:
    """The bids re-priced at the sponsor's quantities, as `crosource bids --format json`."""
    rfp = rfps.get_rfp(session, workspace_id=member.workspace_id, rfp_id=rfp_id)
    result = service.comparison(session, rfp)
    return {"rfp_id": rfp.id, "result": result}


@router.post("/rfps/{rfp_id}/evaluation", response_model=EvaluationOut, status_code=201)
def evaluate_bids(rfp_id: RfpId, member: Editor, session: DbSession) -> EvaluationOut:
    """Store an evaluation of the bidders (their scores and normalized cost)."""
    rfp = rfps.get_rfp(session, workspace_id=member.workspace_id, rfp_id=rfp_id)
    record = service.evaluate_bids(session, rfp, member.user_id)
    session.commit()
    return EvaluationOut.model_validate(record)
