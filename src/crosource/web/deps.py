"""Who is asking, and may they: the dependencies every route declares.

A request acts as a user through its session (browser; see sessions.py) or as one membership through
an API token (`Authorization: Bearer cst_...`, scripts). Cookie requests that change anything must
carry the session's CSRF token in the `X-CSRF-Token` header; token requests cannot be forged by
another site, so they need none. A workspace the actor does not belong to answers 404, as if it
did not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from crosource.store.tables import Membership, User
from crosource.store.users import membership, token_membership
from crosource.web import sessions
from crosource.web.errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Ids are 32-bit integers in PostgreSQL: larger ones are refused as bad input, not sent to it.
MAX_ID = 2**31 - 1
WorkspaceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The workspace's id.")]
PortfolioId = Annotated[int, Path(ge=1, le=MAX_ID, description="The portfolio's id.")]
CSRF_HEADER = "X-CSRF-Token"


def db_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]


@dataclass(frozen=True)
class Actor:
    user: User
    token_member: Membership | None  # set when the request came with an API token


def csrf_token(request: Request) -> str:
    """The signed-in session's CSRF token ("" when not signed in)."""
    return sessions.csrf(request)


def current_actor(request: Request, session: DbSession) -> Actor:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        member = token_membership(session, secret=header[7:].strip())
        user = session.get(User, member.user_id) if member is not None else None
        if member is None or user is None:
            raise ApiError(401, "unauthenticated", "the API token is unknown or revoked")
        return Actor(user, member)
    live = sessions.current(request)
    user = session.get(User, live.user_id) if live is not None else None
    if live is None or user is None:
        raise ApiError(401, "unauthenticated", "sign in first")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent.encode(), live.csrf.encode()):
            raise ApiError(403, "csrf", f"missing or wrong {CSRF_HEADER} header")
    return Actor(user, None)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def workspace_member(
    workspace_id: WorkspaceId, actor: CurrentActor, session: DbSession
) -> Membership:
    if actor.token_member is not None:
        found = actor.token_member if actor.token_member.workspace_id == workspace_id else None
    else:
        found = membership(session, user_id=actor.user.id, workspace_id=workspace_id)
    if found is None:
        raise ApiError(404, "not_found", f"no workspace {workspace_id}")
    return found


def role_in(*roles: str) -> Callable[[Membership], Membership]:
    """A dependency: the actor's membership of the path's workspace, if its role is one of these."""

    def check(member: Annotated[Membership, Depends(workspace_member)]) -> Membership:
        if member.role not in roles:
            raise ApiError(403, "forbidden", f"the {member.role} role cannot do this")
        return member

    return check


Reader = Annotated[Membership, Depends(role_in("owner", "analyst", "viewer"))]
Editor = Annotated[Membership, Depends(role_in("owner", "analyst"))]
