"""The workspace's own pages: members, API tokens and the audit trail, as an owner uses them."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from crosource.store.tables import ApiToken, AuditEvent, Membership
from tests.web.conftest import World


def _post(world: World, url: str, csrf: str, **form: str) -> Any:
    return world.client.post(url, data={"csrf_token": csrf, **form}, follow_redirects=False)


def _events(world: World, entity: str) -> list[AuditEvent]:
    app: Any = world.client.app
    with app.state.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def test_an_owner_adds_a_new_member_who_can_then_sign_in(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("owner@acme.test")
    answer = _post(
        world,
        f"/w/{acme}/members",
        csrf,
        email="New.Analyst@acme.test",
        role="analyst",
        password="first password 1234",
    )
    assert answer.status_code == 303
    page = world.client.get(f"/w/{acme}/members")
    assert "new.analyst@acme.test" in page.text and "is now a member" in page.text
    world.client.post("/logout", data={"csrf_token": csrf})
    signed = world.client.post(
        "/api/v1/session",
        json={"email": "new.analyst@acme.test", "password": "first password 1234"},
    )
    assert signed.status_code == 200
    assert signed.json()["memberships"] == [
        {"workspace_id": acme, "role": "analyst", "provider_id": None}
    ]


def test_a_new_email_without_a_password_is_refused_and_changes_nothing(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("owner@acme.test")
    before = len(_events(world, "membership"))
    answer = _post(world, f"/w/{acme}/members", csrf, email="nobody@acme.test", role="viewer")
    assert answer.status_code == 422
    assert "has no account yet" in answer.text
    assert len(_events(world, "membership")) == before
    bad_role = _post(world, f"/w/{acme}/members", csrf, email="viewer@acme.test", role="emperor")
    assert bad_role.status_code in (409, 422)


def test_the_last_owner_cannot_be_demoted_or_removed(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("owner@acme.test")
    app: Any = world.client.app
    with app.state.sessions() as session:
        owner = session.scalar(
            select(Membership).where(Membership.workspace_id == acme, Membership.role == "owner")
        )
        assert owner is not None
        owner_id = owner.id
    demote = _post(world, f"/w/{acme}/members/{owner_id}/role", csrf, role="viewer")
    assert demote.status_code == 409 and "last owner" in demote.text
    remove = _post(world, f"/w/{acme}/members/{owner_id}/remove", csrf, confirm="yes")
    assert remove.status_code == 409
    # A provider role needs its provider id.
    with app.state.sessions() as session:
        viewer = session.scalar(
            select(Membership).where(Membership.workspace_id == acme, Membership.role == "viewer")
        )
        assert viewer is not None
    refused = _post(world, f"/w/{acme}/members/{viewer.id}/role", csrf, role="provider")
    assert refused.status_code == 422 and "provider id" in refused.text
    changed = _post(world, f"/w/{acme}/members/{viewer.id}/role", csrf, role="analyst")
    assert changed.status_code == 303
    event = _events(world, "membership")[-1]
    assert event.old == {"role": "viewer", "provider_id": None}
    assert event.new == {"role": "analyst", "provider_id": None}


def test_a_token_is_shown_once_works_and_stops_when_revoked(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("analyst@acme.test")
    page = _post(world, f"/w/{acme}/tokens", csrf, name="nightly export")
    assert page.status_code == 200  # the secret is in this answer, and only there
    found = re.search(r'id="new-token">(cst_[^<]+)<', page.text)
    assert found, page.text
    secret = found.group(1)
    assert secret not in world.client.get(f"/w/{acme}/tokens").text  # only once
    bearer = {"Authorization": f"Bearer {secret}"}
    assert (
        world.client.get(f"/api/v1/workspaces/{acme}/portfolios", headers=bearer).status_code == 200
    )
    app: Any = world.client.app
    with app.state.sessions() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == "nightly export"))
        assert token is not None
    revoked = _post(world, f"/w/{acme}/tokens/{token.id}/revoke", csrf, confirm="yes")
    assert revoked.status_code == 303
    assert (
        world.client.get(f"/api/v1/workspaces/{acme}/portfolios", headers=bearer).status_code == 401
    )
    assert [e.action for e in _events(world, "api_token")] == ["create", "revoke"]


def test_removing_a_member_revokes_their_tokens(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("viewer@acme.test")
    made = _post(world, f"/w/{acme}/tokens", csrf, name="viewer script")
    secret = re.search(r'id="new-token">(cst_[^<]+)<', made.text)
    assert secret
    csrf = world.sign_in("owner@acme.test")
    app: Any = world.client.app
    with app.state.sessions() as session:
        viewer = session.scalar(
            select(Membership).where(Membership.workspace_id == acme, Membership.role == "viewer")
        )
        assert viewer is not None
    assert (
        _post(world, f"/w/{acme}/members/{viewer.id}/remove", csrf, confirm="yes").status_code
        == 303
    )
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert (
        world.client.get(f"/api/v1/workspaces/{acme}/portfolios", headers=bearer).status_code == 401
    )


def test_the_audit_page_lists_changes_and_forms_need_their_token(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("owner@acme.test")
    forged = world.client.post(
        f"/w/{acme}/tokens", data={"csrf_token": "forged", "name": "x"}, follow_redirects=False
    )
    assert forged.status_code == 403
    _post(world, f"/w/{acme}/tokens", csrf, name="audited token")
    page = world.client.get(f"/w/{acme}/audit")
    assert page.status_code == 200
    assert "api_token" in page.text and "name: audited token" in page.text
    assert "owner@acme.test" in page.text


def test_the_members_api_adds_changes_and_removes(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("owner@acme.test")
    headers = {"X-CSRF-Token": csrf}
    base = f"/api/v1/workspaces/{acme}/members"
    added = world.client.post(
        base,
        json={"email": "api.member@acme.test", "role": "viewer", "password": "api password 123"},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    member = added.json()
    assert member["email"] == "api.member@acme.test" and member["role"] == "viewer"
    listed = world.client.get(base).json()["items"]
    assert "api.member@acme.test" in [m["email"] for m in listed]
    refused = world.client.patch(
        f"{base}/{member['id']}", json={"role": "provider"}, headers=headers
    )
    assert refused.status_code == 422 and "provider id" in refused.json()["error"]["message"]
    changed = world.client.patch(
        f"{base}/{member['id']}",
        json={"role": "provider", "provider_id": "meridian"},
        headers=headers,
    )
    assert changed.json()["provider_id"] == "meridian"
    owners = [m for m in listed if m["role"] == "owner"]
    assert world.client.delete(f"{base}/{owners[0]['id']}", headers=headers).status_code == 409
    assert world.client.delete(f"{base}/{member['id']}", headers=headers).status_code == 204
    assert world.client.delete(f"{base}/{member['id']}", headers=headers).status_code == 404
    without = world.client.post(
        base, json={"email": "nobody.yet@acme.test", "role": "viewer"}, headers=headers
    )
    assert without.status_code == 422
    assert "nobody.yet@acme.test" not in [
        m["email"] for m in world.client.get(base).json()["items"]
    ]
