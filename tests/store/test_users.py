from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crosource.store.audit import list_events
from crosource.store.errors import Conflict, Invalid, NotFound
from crosource.store.users import (
    add_member,
    authenticate,
    create_api_token,
    create_user,
    memberships_of,
    revoke_api_token,
    token_membership,
)
from crosource.store.workspaces import create_workspace

PASSWORD = "a long enough passphrase"


def test_passwords_are_hashed_with_argon2_and_checked(session: Session) -> None:
    user = create_user(session, email=" Ann@Example.COM ", password=PASSWORD)
    assert user.email == "ann@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert authenticate(session, email="ann@example.com", password=PASSWORD) is user
    assert authenticate(session, email="ANN@example.com", password=PASSWORD) is user
    assert authenticate(session, email="ann@example.com", password=PASSWORD + "x") is None
    assert authenticate(session, email="nobody@example.com", password=PASSWORD) is None


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", PASSWORD, "not an email"),
        ("ann@example.com", "short", "at least 12"),
        ("ann@example.com", "x" * 2000, "at most"),
    ],
)
def test_bad_accounts_are_refused(
    session: Session, email: str, password: str, message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        create_user(session, email=email, password=password)


def test_duplicate_user_is_refused(session: Session) -> None:
    create_user(session, email="ann@example.com", password=PASSWORD)
    with pytest.raises(Conflict, match="exists"):
        create_user(session, email="ANN@example.com", password=PASSWORD)


def test_memberships_roles_and_providers(session: Session) -> None:
    user = create_user(session, email="ann@example.com", password=PASSWORD)
    acme = create_workspace(session, name="Acme")
    other = create_workspace(session, name="Other")
    add_member(session, user_id=user.id, workspace_id=acme.id, role="owner")
    add_member(session, user_id=user.id, workspace_id=other.id, role="provider", provider_id="P1")
    assert [(m.role, m.provider_id) for m in memberships_of(session, user_id=user.id)] == [
        ("owner", None),
        ("provider", "P1"),
    ]
    with pytest.raises(Conflict, match="already a member"):
        add_member(session, user_id=user.id, workspace_id=acme.id, role="viewer")
    with pytest.raises(Invalid, match="unknown role"):
        add_member(session, user_id=user.id, workspace_id=acme.id, role="admin")
    third = create_workspace(session, name="Third")
    with pytest.raises(Invalid, match="provider id"):
        add_member(session, user_id=user.id, workspace_id=third.id, role="provider")
    with pytest.raises(Invalid, match="provider id"):
        add_member(session, user_id=user.id, workspace_id=third.id, role="viewer", provider_id="P")
    actions = [(e.action, e.entity) for e in list_events(session, workspace_id=acme.id)]
    assert ("create", "membership") in actions


def test_api_tokens_act_as_their_membership_until_revoked(session: Session) -> None:
    user = create_user(session, email="ann@example.com", password=PASSWORD)
    acme = create_workspace(session, name="Acme")
    outsider = create_workspace(session, name="Outsider")
    add_member(session, user_id=user.id, workspace_id=acme.id, role="analyst")
    with pytest.raises(NotFound):
        create_api_token(session, user_id=user.id, workspace_id=outsider.id, name="x")
    token, secret = create_api_token(session, user_id=user.id, workspace_id=acme.id, name="ci")
    assert secret not in token.secret_hash
    member = token_membership(session, secret=secret)
    assert member is not None and (member.workspace_id, member.role) == (acme.id, "analyst")
    assert token_membership(session, secret=secret + "x") is None
    assert token_membership(session, secret="not a token") is None
    revoke_api_token(session, user_id=user.id, token_id=token.id)
    assert token_membership(session, secret=secret) is None
