"""A workspace's members, for its owners: list, add, change a role, remove; every change audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from crosource.store import members
from crosource.store.tables import Membership
from crosource.web.deps import MAX_ID, DbSession, role_in

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/members", tags=["members"])
Owner = Annotated[Membership, Depends(role_in("owner"))]
MemberId = Annotated[int, Path(ge=1, le=MAX_ID, description="The membership's id.")]


class MemberOut(BaseModel):
    id: int
    email: str
    role: str
    provider_id: str | None


class MemberPage(BaseModel):
    items: list[MemberOut]
    limit: int
    offset: int


class MemberIn(BaseModel):
    email: str = Field(max_length=254)
    role: str = Field(max_length=16, description="owner, analyst, viewer or provider")
    provider_id: str | None = Field(
        None, max_length=64, description="Required with the provider role, refused otherwise."
    )
    password: str | None = Field(
        None,
        max_length=1024,
        description="A first password, only for an email without an account (12+ characters).",
    )


class MemberUpdate(BaseModel):
    role: str = Field(max_length=16)
    provider_id: str | None = Field(None, max_length=64)


def _out(member: Membership, email: str) -> MemberOut:
    return MemberOut(id=member.id, email=email, role=member.role, provider_id=member.provider_id)


@router.get("", response_model=MemberPage)
def list_members(
    owner: Owner,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> MemberPage:
    rows = members.list_members(session, workspace_id=owner.workspace_id)
    items = [_out(m, u.email) for m, u in rows[offset : offset + limit]]
    return MemberPage(items=items, limit=limit, offset=offset)


@router.post("", response_model=MemberOut, status_code=201)
def add_member(body: MemberIn, owner: Owner, session: DbSession) -> MemberOut:
    member = members.invite(
        session,
        workspace_id=owner.workspace_id,
        email=body.email,
        role=body.role,
        provider_id=body.provider_id,
        password=body.password,
        actor_id=owner.user_id,
    )
    session.commit()
    return _out(member, members.email_of(session, member))


@router.patch("/{member_id}", response_model=MemberOut)
def change_role(
    member_id: MemberId, body: MemberUpdate, owner: Owner, session: DbSession
) -> MemberOut:
    member = members.change_role(
        session,
        workspace_id=owner.workspace_id,
        member_id=member_id,
        role=body.role,
        provider_id=body.provider_id,
        actor_id=owner.user_id,
    )
    session.commit()
    return _out(member, members.email_of(session, member))


@router.delete("/{member_id}", status_code=204)
def remove_member(member_id: MemberId, owner: Owner, session: DbSession) -> Response:
    members.remove_member(
        session, workspace_id=owner.workspace_id, member_id=member_id, actor_id=owner.user_id
    )
    session.commit()
    return Response(status_code=204)
