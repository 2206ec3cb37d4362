"""A workspace's own pages: the audit trail and members (owners), and one's API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource.store import members
from crosource.store.audit import list_events
from crosource.store.tables import ROLES, User
from crosource.web.deps import MAX_ID, DbSession
from crosource.web.pages.common import Csrf, Owner, Viewer, flash, render, workspace_viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
MemberId = Annotated[int, Path(ge=1, le=MAX_ID)]
TokenId = Annotated[int, Path(ge=1, le=MAX_ID)]
AnyMember = Annotated[Viewer, Depends(workspace_viewer)]
Confirm = Annotated[str, Form(pattern="^yes$", description="yes: the user confirmed")]


def _summary(value: dict[str, Any] | None) -> str:
    """A short view of an audited value; whole documents are reduced to their keys."""
    if not value:
        return ""
    parts = []
    for key, item in value.items():
        if isinstance(item, dict | list):
            parts.append(f"{key}: …")
        else:
            parts.append(f"{key}: {item}")
    text = ", ".join(parts)
    return text if len(text) <= 200 else text[:199] + "…"


@router.get("/w/{workspace_id}/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    viewer: Owner,
    session: DbSession,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    assert viewer.workspace is not None
    events = list_events(
        session, workspace_id=viewer.workspace.id, limit=PAGE_SIZE + 1, offset=offset
    )
    emails = {
        u.id: u.email for u in (session.get(User, e.user_id) for e in events if e.user_id) if u
    }
    rows = [
        {
            "at": e.at,
            "who": emails.get(e.user_id or 0, "the system"),
            "action": e.action,
            "entity": f"{e.entity} {e.entity_id}",
            "old": _summary(e.old),
            "new": _summary(e.new),
        }
        for e in events[:PAGE_SIZE]
    ]
    return render(
        request,
        "ws_audit.html.j2",
        viewer=viewer,
        title="Audit trail",
        rows=rows,
        offset=offset,
        page_size=PAGE_SIZE,
        more=len(events) > PAGE_SIZE,
    )


@router.get("/w/{workspace_id}/members", response_class=HTMLResponse)
def members_page(request: Request, viewer: Owner, session: DbSession) -> Response:
    assert viewer.workspace is not None
    return render(
        request,
        "ws_members.html.j2",
        viewer=viewer,
        title="Members",
        members=members.list_members(session, workspace_id=viewer.workspace.id),
        roles=ROLES,
    )


@router.post("/w/{workspace_id}/members", dependencies=[Csrf])
def invite_member(
    request: Request,
    viewer: Owner,
    session: DbSession,
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[str, Form(max_length=16)],
    provider_id: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    assert viewer.workspace is not None
    members.invite(
        session,
        workspace_id=viewer.workspace.id,
        email=email,
        role=role,
        provider_id=provider_id.strip() or None,
        password=password or None,
        actor_id=viewer.user.id,
    )
    session.commit()
    flash(request, f"{email.strip()} is now a member, as {role}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/members", status_code=303)


@router.post("/w/{workspace_id}/members/{member_id}/role", dependencies=[Csrf])
def change_member_role(
    request: Request,
    member_id: MemberId,
    viewer: Owner,
    session: DbSession,
    role: Annotated[str, Form(max_length=16)],
    provider_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    assert viewer.workspace is not None
    members.change_role(
        session,
        workspace_id=viewer.workspace.id,
        member_id=member_id,
        role=role,
        provider_id=provider_id.strip() or None,
        actor_id=viewer.user.id,
    )
    session.commit()
    flash(request, f"The role is now {role}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/members", status_code=303)


@router.post("/w/{workspace_id}/members/{member_id}/remove", dependencies=[Csrf])
def remove_member(
    request: Request, member_id: MemberId, viewer: Owner, session: DbSession, confirm: Confirm
) -> Response:
    assert viewer.workspace is not None
    del confirm
    members.remove_member(
        session, workspace_id=viewer.workspace.id, member_id=member_id, actor_id=viewer.user.id
    )
    session.commit()
    flash(request, "The member was removed; their API tokens for this workspace are revoked.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/members", status_code=303)


def _tokens_page(request: Request, viewer: Viewer, session: DbSession, secret: str) -> Response:
    assert viewer.workspace is not None
    page = render(
        request,
        "ws_tokens.html.j2",
        viewer=viewer,
        title="API tokens",
        tokens=members.list_tokens(
            session, user_id=viewer.user.id, workspace_id=viewer.workspace.id
        ),
        secret=secret,
    )
    page.headers["Cache-Control"] = "no-store"
    return page


@router.get("/w/{workspace_id}/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, viewer: AnyMember, session: DbSession) -> Response:
    return _tokens_page(request, viewer, session, "")


@router.post("/w/{workspace_id}/tokens", dependencies=[Csrf])
def create_token(
    request: Request,
    viewer: AnyMember,
    session: DbSession,
    name: Annotated[str, Form(min_length=1, max_length=120)],
) -> Response:
    """The new token's secret is shown in this answer only: it is never stored (only its hash)
    nor put in a cookie or the session, and the answer is not cached."""
    assert viewer.workspace is not None
    _, secret = members.issue_token(
        session, user_id=viewer.user.id, workspace_id=viewer.workspace.id, name=name
    )
    session.commit()
    return _tokens_page(request, viewer, session, secret)


@router.post("/w/{workspace_id}/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_token(
    request: Request, token_id: TokenId, viewer: AnyMember, session: DbSession, confirm: Confirm
) -> Response:
    assert viewer.workspace is not None
    del confirm
    members.revoke_token(
        session, user_id=viewer.user.id, workspace_id=viewer.workspace.id, token_id=token_id
    )
    session.commit()
    flash(request, "The token is revoked: scripts using it are refused from now on.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/tokens", status_code=303)
