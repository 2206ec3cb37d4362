"""A workspace's members as its owners manage them, and each member's API tokens; all audited."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crosource.store.audit import record_change
from crosource.store.errors import Conflict, Invalid, NotFound
from crosource.store.scoped import in_workspace
from crosource.store.sessions import end_user_sessions
from crosource.store.tables import ROLES, ApiToken, Membership, User, Workspace, utcnow
from crosource.store.users import (
    add_member,
    check_password,
    create_api_token,
    create_user,
    user_by_email,
)


def list_members(session: Session, *, workspace_id: int) -> list[tuple[Membership, User]]:
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.email)
    )
    return [(m, u) for m, u in session.execute(query).all()]


def invite(
    session: Session,
    *,
    workspace_id: int,
    email: str,
    role: str,
    provider_id: str | None,
    password: str | None,
    actor_id: int,
) -> Membership:
    """Add a user to the workspace; a new user needs the first password the owner gives them."""
    user = user_by_email(session, email=email)
    if user is None:
        if not password:
            raise Invalid(f"{email.strip()} has no account yet: give a first password for it")
        check_password(password)
        user = create_user(session, email=email, password=password)
    return add_member(
        session,
        user_id=user.id,
        workspace_id=workspace_id,
        role=role,
        provider_id=provider_id or None,
        actor_id=actor_id,
    )


def _member(session: Session, *, workspace_id: int, member_id: int) -> Membership:
    return in_workspace(
        session, Membership, workspace_id=workspace_id, row_id=member_id, what="member"
    )


def _lock_owners(session: Session, workspace_id: int) -> None:
    """Hold the workspace's memberships still until the transaction ends, so that counting its
    owners and then changing one is a single step: two owners demoting each other at the same
    moment must not both see the other still an owner."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks; any write takes the database's one write lock for the rest of
        # the transaction (a second writer waits for it), and this write changes nothing.
        touch = update(Workspace).where(Workspace.id == workspace_id)
        session.execute(touch.values(name=Workspace.name))
    else:
        lock = select(Workspace.id).where(Workspace.id == workspace_id).with_for_update()
        session.execute(lock)


def _owners(session: Session, workspace_id: int) -> int:
    query = select(func.count()).where(
        Membership.workspace_id == workspace_id, Membership.role == "owner"
    )
    return int(session.scalar(query) or 0)


def change_role(
    session: Session,
    *,
    workspace_id: int,
    member_id: int,
    role: str,
    provider_id: str | None,
    actor_id: int,
) -> Membership:
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    provider_id = provider_id or None
    if (role == "provider") != (provider_id is not None):
        raise Invalid("a provider member needs a provider id, and only a provider member has one")
    _lock_owners(session, workspace_id)
    member = _member(session, workspace_id=workspace_id, member_id=member_id)
    session.refresh(member)  # as it is now that nobody else can change it
    if member.role == "owner" and role != "owner" and _owners(session, workspace_id) == 1:
        raise Conflict("this is the workspace's last owner; make another owner first")
    old = {"role": member.role, "provider_id": member.provider_id}
    if old != {"role": role, "provider_id": provider_id}:
        # Signed-in browsers of the user start again from a fresh sign-in with the new role.
        end_user_sessions(session, user_id=member.user_id)
    member.role, member.provider_id = role, provider_id
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="update",
        entity="membership",
        entity_id=str(member.id),
        old=old,
        new={"role": role, "provider_id": provider_id},
    )
    return member


def remove_member(session: Session, *, workspace_id: int, member_id: int, actor_id: int) -> None:
    _lock_owners(session, workspace_id)
    member = _member(session, workspace_id=workspace_id, member_id=member_id)
    session.refresh(member)
    if member.role == "owner" and _owners(session, workspace_id) == 1:
        raise Conflict("this is the workspace's last owner; make another owner first")
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="delete",
        entity="membership",
        entity_id=str(member.id),
        old={"user_id": member.user_id, "role": member.role, "provider_id": member.provider_id},
    )
    # A removed member's tokens for this workspace stop working with the membership.
    for token in session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == member.user_id,
            ApiToken.workspace_id == workspace_id,
            ApiToken.revoked_at.is_(None),
        )
    ):
        token.revoked_at = utcnow()
    end_user_sessions(session, user_id=member.user_id)  # their open pages stop at once
    session.delete(member)


def list_tokens(session: Session, *, user_id: int, workspace_id: int) -> list[ApiToken]:
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.workspace_id == workspace_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(session.scalars(query))


def issue_token(
    session: Session, *, user_id: int, workspace_id: int, name: str
) -> tuple[ApiToken, str]:
    token, secret = create_api_token(session, user_id=user_id, workspace_id=workspace_id, name=name)
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=user_id,
        action="create",
        entity="api_token",
        entity_id=str(token.id),
        new={"name": token.name},
    )
    return token, secret


def revoke_token(session: Session, *, user_id: int, workspace_id: int, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id or token.workspace_id != workspace_id:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_change(
            session,
            workspace_id=workspace_id,
            user_id=user_id,
            action="revoke",
            entity="api_token",
            entity_id=str(token.id),
            old={"name": token.name},
        )


def email_of(session: Session, member: Membership) -> str:
    user = session.get(User, member.user_id)
    return user.email if user is not None else ""
