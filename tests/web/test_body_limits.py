"""Request bodies: refused unread when the caller is not signed in, and capped per route, whether
their size is announced (Content-Length) or not (chunked). Audit issue 10, finding 7."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from starlette import formparsers
from starlette.types import Message, Receive, Scope, Send

from crosource.web.body_limits import SIGN_IN_BYTES, BodyGate
from tests.web.conftest import World

MB = 1_000_000
MULTIPART = {"content-type": "multipart/form-data; boundary=xyz"}


class Stream:
    """A large body sent in chunks, remembering how much of it was taken."""

    def __init__(self, chunks: int, size: int = MB) -> None:
        self.chunks, self.size, self.taken = chunks, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.taken += 1
            yield b"x" * self.size


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many temporary files the multipart parser made."""
    made: list[int] = []
    real = formparsers.SpooledTemporaryFile

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", counting)
    return made


def test_an_anonymous_300_mb_upload_is_refused_unread(world: World, spooled: list[int]) -> None:
    body = Stream(300)
    acme = world.workspaces["Acme"]
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios", content=iter(body), headers=MULTIPART
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"
    assert body.taken == 0 and not spooled


def test_an_anonymous_page_form_is_sent_to_sign_in_unread(world: World, spooled: list[int]) -> None:
    body = Stream(300)
    acme = world.workspaces["Acme"]
    answer = world.client.post(
        f"/w/{acme}/portfolios", content=iter(body), headers=MULTIPART, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert body.taken == 0 and not spooled


def test_an_announced_size_over_the_cap_is_refused_unread(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme = world.workspaces["Acme"]
    body = Stream(12)
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios",
        content=iter(body),
        headers={**MULTIPART, "X-CSRF-Token": csrf, "content-length": str(12 * MB)},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
    assert body.taken == 0


def test_a_chunked_body_over_the_cap_is_cut_off(world: World, spooled: list[int]) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme = world.workspaces["Acme"]
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios",
        content=iter(Stream(30)),
        headers={**MULTIPART, "X-CSRF-Token": csrf},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"


def test_json_routes_have_a_small_cap(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme = world.workspaces["Acme"]
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/ahp/consistency",
        content=iter(Stream(3)),
        headers={"content-type": "application/json", "X-CSRF-Token": csrf},
    )
    assert answer.status_code == 413


def test_sign_in_takes_only_a_tiny_body(world: World) -> None:
    body = Stream(1, 100_000)
    answer = world.client.post(
        "/api/v1/session", content=iter(body), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    page = world.client.post(
        "/login",
        content=b"x" * 100_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 413


def test_a_revoked_api_token_cannot_send_a_body(world: World) -> None:
    acme = world.workspaces["Acme"]
    body = Stream(5)
    answer = TestClient(world.client.app).post(
        f"/api/v1/workspaces/{acme}/portfolios",
        content=iter(body),
        headers={**MULTIPART, "Authorization": "Bearer cst_not-a-token"},
    )
    assert answer.status_code == 401 and body.taken == 0


def test_an_upload_under_the_cap_still_works(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme = world.workspaces["Acme"]
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios",
        files={"file": ("p.yaml", b"not: [a portfolio", "application/yaml")},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 422  # read and judged, not refused for its size


def test_a_streamed_body_is_read_no_further_than_its_cap() -> None:
    """At the ASGI level: the application asks for every chunk; the gate stops at the cap."""
    pulled: list[int] = []
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    async def receive() -> Message:
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 4096, "more_body": len(pulled) < 1000}

    async def send(message: Message) -> None:
        sent.append(message)

    gate = BodyGate(app, factory=cast(Any, None), upload_bytes=MB)
    scope = {"type": "http", "method": "POST", "path": "/api/v1/session", "headers": []}
    asyncio.run(gate(scope, receive, send))
    assert len(pulled) == SIGN_IN_BYTES // 4096 + 1  # the chunk that went past the cap
    assert sent[0]["status"] == 413
    assert b"read it all" not in b"".join(m.get("body", b"") for m in sent)
