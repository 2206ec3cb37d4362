from __future__ import annotations

from tests.web.conftest import PASSWORD, World


def test_sign_in_me_and_sign_out(world: World) -> None:
    client = world.client
    assert client.get("/api/v1/me").status_code == 401
    world.sign_in("Owner@Acme.test")
    me = client.get("/api/v1/me").json()
    assert me["email"] == "owner@acme.test"
    assert me["memberships"] == [
        {"workspace_id": world.workspaces["Acme"], "role": "owner", "provider_id": None}
    ]
    cookie = client.cookies.get("crosource_session")
    assert cookie and PASSWORD not in cookie
    # Signing out changes state, so it needs the CSRF token like every other change.
    assert client.delete("/api/v1/session").status_code == 403
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_has_the_error_shape_and_is_throttled(world: World) -> None:
    client = world.client
    wrong = {"email": "viewer@acme.test", "password": "not the password"}
    first = client.post("/api/v1/session", json=wrong)
    assert first.status_code == 401
    assert first.json()["error"]["code"] == "unauthenticated"
    for _ in range(4):
        client.post("/api/v1/session", json=wrong)
    blocked = client.post("/api/v1/session", json={**wrong, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "try again" in blocked.json()["error"]["message"]
    # Another account is not held up by the first one's failures.
    world.sign_in("analyst@acme.test")


def test_session_cookie_attributes(world: World) -> None:
    answer = world.client.post(
        "/api/v1/session", json={"email": "viewer@acme.test", "password": PASSWORD}
    )
    header = answer.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=lax" in header


def test_bad_requests_get_4xx_in_the_error_shape(world: World) -> None:
    client = world.client
    for answer in (
        client.post("/api/v1/session", json={"email": 3}),
        client.post(
            "/api/v1/session", content=b"{not json", headers={"content-type": "application/json"}
        ),
        client.get("/api/v1/no-such-thing"),
    ):
        assert 400 <= answer.status_code < 500
        error = answer.json()["error"]
        assert set(error) == {"code", "message", "details"}
