"""Accounts: users with argon2-hashed passwords, their roles per workspace, and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.store.audit import add_created
from crosource.store.errors import Conflict, Invalid, NotFound, check_text
from crosource.store.tables import ROLES, ApiToken, Membership, User, utcnow

# Assumption: 12 characters is the shortest password accepted, after NIST SP 800-63B's advice to
# favour length over composition rules (it sets 8 as the floor; we ask for more).
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
TOKEN_PREFIX = "cst_"

hasher = PasswordHash.recommended()
# Verified against when the email is unknown, so that a login takes as long either way.
_DUMMY_HASH = hasher.hash(secrets.token_hex(16))


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise Invalid(f"{email!r} is not an email address")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


def create_user(session: Session, *, email: str, password: str) -> User:
    email = normalise_email(email)
    check_password(password)
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise Conflict(f"a user {email} exists already")
    user = User(email=email, password_hash=hasher.hash(password))
    return add_created(
        session, user, workspace_id=None, actor_id=None, entity="user", new={"email": email}
    )


def user_by_email(session: Session, *, email: str) -> User | None:
    if not EMAIL.match(email.strip()):
        return None  # never a user; and NUL would not even reach PostgreSQL
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The user whose password this is, or None; the same work is done for unknown emails."""
    user = user_by_email(session, email=email)
    if user is None:
        hasher.verify(password, _DUMMY_HASH)
        return None
    valid, rehashed = hasher.verify_and_update(password, user.password_hash)
    if not valid:
        return None
    if rehashed is not None:  # the recommended parameters changed since this hash was made
        user.password_hash = rehashed
    return user


def add_member(
    session: Session,
    *,
    user_id: int,
    workspace_id: int,
    role: str,
    provider_id: str | None = None,
    actor_id: int | None = None,
) -> Membership:
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if (role == "provider") != (provider_id is not None):
        raise Invalid("a provider member needs a provider id, and only a provider member has one")
    existing = membership(session, user_id=user_id, workspace_id=workspace_id)
    if existing is not None:
        raise Conflict(f"the user is already a member of this workspace, as {existing.role}")
    member = Membership(
        user_id=user_id, workspace_id=workspace_id, role=role, provider_id=provider_id
    )
    return add_created(
        session,
        member,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity="membership",
        new={"user_id": user_id, "role": role, "provider_id": provider_id},
    )


def membership(session: Session, *, user_id: int, workspace_id: int) -> Membership | None:
    query = select(Membership).where(
        Membership.user_id == user_id, Membership.workspace_id == workspace_id
    )
    return session.scalar(query)


def memberships_of(session: Session, *, user_id: int) -> list[Membership]:
    query = select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
    return list(session.scalars(query))


def _digest(secret: str) -> str:
    # Tokens are long random strings, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(
    session: Session, *, user_id: int, workspace_id: int, name: str
) -> tuple[ApiToken, str]:
    """The token row and its secret, which is shown once and never stored."""
    if membership(session, user_id=user_id, workspace_id=workspace_id) is None:
        raise NotFound("the user is not a member of this workspace")
    name = check_text(name, "a token's name", 120)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id, workspace_id=workspace_id, name=name, secret_hash=_digest(secret)
    )
    session.add(token)
    session.flush()
    return token, secret


def token_membership(session: Session, *, secret: str) -> Membership | None:
    """The membership a live token acts as, or None for an unknown or revoked token."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == _digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return membership(session, user_id=token.user_id, workspace_id=token.workspace_id)


def revoke_api_token(session: Session, *, user_id: int, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(f"no token {token_id}")
    token.revoked_at = utcnow()
