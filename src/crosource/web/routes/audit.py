"""The audit trail of a workspace, for its owners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crosource.store.audit import list_events
from crosource.store.tables import Membership
from crosource.web.deps import DbSession, role_in
from crosource.web.schemas import AuditEventOut, AuditPage

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/audit", tags=["audit"])
Owner = Annotated[Membership, Depends(role_in("owner"))]


@router.get("", response_model=AuditPage)
def audit_trail(
    member: Owner,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    events = list_events(session, workspace_id=member.workspace_id, limit=limit, offset=offset)
    return AuditPage(
        items=[AuditEventOut.model_validate(e) for e in events], limit=limit, offset=offset
    )
