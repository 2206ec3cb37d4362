"""Sessions live in the database: the cookie is only a random key, and ending a session ends it
for every copy of the cookie (sign-out, losing a role, expiry). Audit issue 10, finding 6."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from crosource.store.tables import Membership, WebSession, utcnow
from crosource.store.users import create_user
from crosource.web.app import create_app
from crosource.web.settings import Settings
from tests.web.conftest import PASSWORD, World

COOKIE = "crosource_session"


def _app(world: World) -> Any:
    return world.client.app


def _other_client(world: World, email: str) -> tuple[TestClient, str]:
    """A second browser of the same application, signed in as this user."""
    client = TestClient(_app(world))
    answer = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, str(answer.json()["csrf_token"])


def _member_id(world: World, role: str) -> int:
    with _app(world).state.sessions() as session:
        member = session.scalar(
            select(Membership).where(
                Membership.workspace_id == world.workspaces["Acme"], Membership.role == role
            )
        )
        assert member is not None
        return member.id


def test_the_cookie_is_only_a_key_to_a_stored_session(world: World) -> None:
    world.sign_in("owner@acme.test")
    cookie = world.client.cookies.get(COOKIE)
    assert cookie and re.fullmatch(r"[A-Za-z0-9_-]{40,}", cookie), cookie
    with _app(world).state.sessions() as session:
        row = session.get(WebSession, hashlib.sha256(cookie.encode()).hexdigest())
        assert row is not None and row.revoked_at is None


def test_a_copied_cookie_stops_working_after_sign_out(world: World) -> None:
    csrf = world.sign_in("owner@acme.test")
    copied = world.client.cookies.get(COOKIE)
    assert copied
    assert world.client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    replay = TestClient(_app(world), cookies={COOKIE: copied})
    assert replay.get("/api/v1/me").status_code == 401
    page = replay.get(f"/w/{world.workspaces['Acme']}/audit", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_signing_out_in_the_browser_ends_the_session(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    copied = world.client.cookies.get(COOKIE)
    out = world.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    replay = TestClient(_app(world), cookies={COOKIE: str(copied)})
    assert replay.get("/api/v1/me").status_code == 401


def test_signing_in_makes_a_new_session_each_time(world: World) -> None:
    world.sign_in("viewer@acme.test")
    first = world.client.cookies.get(COOKIE)
    world.sign_in("analyst@acme.test")
    second = world.client.cookies.get(COOKIE)
    assert first and second and first != second
    replay = TestClient(_app(world), cookies={COOKIE: first})
    assert replay.get("/api/v1/me").status_code == 401  # the replaced session was ended


def test_removing_a_member_ends_their_sessions(world: World) -> None:
    viewer, _ = _other_client(world, "viewer@acme.test")
    assert viewer.get("/api/v1/me").status_code == 200
    csrf = world.sign_in("owner@acme.test")
    acme, member_id = world.workspaces["Acme"], _member_id(world, "viewer")
    gone = world.client.delete(
        f"/api/v1/workspaces/{acme}/members/{member_id}", headers={"X-CSRF-Token": csrf}
    )
    assert gone.status_code == 204
    assert viewer.get("/api/v1/me").status_code == 401
    page = viewer.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_changing_a_role_ends_that_users_sessions(world: World) -> None:
    analyst, _ = _other_client(world, "analyst@acme.test")
    csrf = world.sign_in("owner@acme.test")
    acme, member_id = world.workspaces["Acme"], _member_id(world, "analyst")
    changed = world.client.patch(
        f"/api/v1/workspaces/{acme}/members/{member_id}",
        json={"role": "viewer", "provider_id": None},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200, changed.text
    assert analyst.get("/api/v1/me").status_code == 401
    assert world.client.get("/api/v1/me").status_code == 200  # the owner's own session holds


def test_an_expired_session_is_refused(world: World) -> None:
    world.sign_in("owner@acme.test")
    with _app(world).state.sessions.begin() as session:
        session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert world.client.get("/api/v1/me").status_code == 401
    page = world.client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_new_api_token_is_shown_in_the_answer_and_never_put_in_a_cookie(world: World) -> None:
    acme = world.workspaces["Acme"]
    csrf = world.sign_in("analyst@acme.test")
    answer = world.client.post(
        f"/w/{acme}/tokens", data={"csrf_token": csrf, "name": "export"}, follow_redirects=False
    )
    assert answer.status_code == 200
    found = re.search(r'id="new-token">(cst_[^<]+)<', answer.text)
    assert found, answer.text
    secret = found.group(1)
    assert "no-store" in answer.headers.get("cache-control", "")
    assert secret not in " ".join(answer.headers.get_list("set-cookie"))
    assert secret not in (world.client.cookies.get(COOKIE) or "")
    with _app(world).state.sessions() as session:
        for row in session.scalars(select(WebSession)):
            assert secret not in str(row.data)
    assert secret not in world.client.get(f"/w/{acme}/tokens").text


def test_cookies_are_secure_behind_https(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, https_only=True))
    with app.state.sessions.begin() as session:
        create_user(session, email="ann@acme.test", password=PASSWORD)
    client = TestClient(app, base_url="https://testserver")
    assert "secure" in client.get("/login").headers["set-cookie"].lower()
    answer = client.post("/api/v1/session", json={"email": "ann@acme.test", "password": PASSWORD})
    cookie = answer.headers["set-cookie"].lower()
    assert all(part in cookie for part in ("httponly", "samesite=lax", "secure", "max-age=28800"))
