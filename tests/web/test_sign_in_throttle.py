"""The sign-in throttle: attempts are counted in the database, atomically and before the password
is checked, per email and source address, per source address, and per email; a stranger cannot
lock an owner out. Audit issue 10, finding 8."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crosource.store import users
from crosource.web.app import create_app
from crosource.web.settings import Settings
from tests.web.conftest import PASSWORD, World

WRONG = "not the password at all"


class CountingHasher:
    """The password hasher, counting how many passwords it checks."""

    def __init__(self, real: Any) -> None:
        self.real, self.checks, self._lock = real, 0, threading.Lock()

    def _count(self) -> None:
        with self._lock:
            self.checks += 1

    def verify(self, *args: Any) -> Any:
        self._count()
        return self.real.verify(*args)

    def verify_and_update(self, *args: Any) -> Any:
        self._count()
        return self.real.verify_and_update(*args)

    def hash(self, *args: Any) -> Any:
        return self.real.hash(*args)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingHasher]:
    counting = CountingHasher(users.hasher)
    monkeypatch.setattr(users, "hasher", counting)
    yield counting


def _sign_in(app: Any, email: str, password: str, host: str = "192.0.2.1") -> Any:
    client = TestClient(app, client=(host, 40000))
    return client.post("/api/v1/session", json={"email": email, "password": password})


def test_sixty_simultaneous_guesses_get_at_most_five_password_checks(
    world: World, hasher: CountingHasher
) -> None:
    app = world.client.app
    start = threading.Barrier(60)

    def guess(_: int) -> int:
        start.wait()
        return int(_sign_in(app, "viewer@acme.test", WRONG).status_code)

    with ThreadPoolExecutor(60) as pool:
        codes = list(pool.map(guess, range(60)))
    assert hasher.checks <= 5, hasher.checks
    assert codes.count(401) == hasher.checks
    assert codes.count(429) == 60 - hasher.checks


def test_the_page_counts_the_same_way(world: World, hasher: CountingHasher) -> None:
    app = world.client.app
    client = TestClient(app, client=("192.0.2.3", 40000))
    client.get("/login")
    for _ in range(8):
        answer = client.post(
            "/login",
            data={
                "email": "viewer@acme.test",
                "password": WRONG,
                "csrf_token": client.cookies.get("crosource_login_csrf") or "",
            },
        )
        assert answer.status_code in (401, 429)
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    assert hasher.checks == 5


def test_two_processes_share_the_count(world: World, database_url: str) -> None:
    first = world.client.app
    second = create_app(Settings(database_url=database_url))
    for app in (first, second, first, second, first):
        assert _sign_in(app, "viewer@acme.test", WRONG).status_code == 401
    blocked = _sign_in(second, "viewer@acme.test", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "try again" in blocked.json()["error"]["message"]


def test_a_stranger_cannot_lock_the_owner_out(world: World) -> None:
    app = world.client.app
    for _ in range(60):
        assert _sign_in(app, "owner@acme.test", WRONG, host="203.0.113.66").status_code in (
            401,
            429,
        )
    assert _sign_in(app, "owner@acme.test", PASSWORD, host="203.0.113.66").status_code == 429
    assert _sign_in(app, "owner@acme.test", PASSWORD, host="198.51.100.7").status_code == 200


def test_one_address_guessing_many_emails_is_stopped(world: World, hasher: CountingHasher) -> None:
    app = world.client.app
    for n in range(40):
        _sign_in(app, f"someone{n}@acme.test", WRONG, host="203.0.113.77")
    assert hasher.checks == 30
    assert _sign_in(app, "owner@acme.test", PASSWORD, host="203.0.113.77").status_code == 429
    assert _sign_in(app, "owner@acme.test", PASSWORD, host="203.0.113.78").status_code == 200


def test_success_clears_the_count_for_that_email(world: World) -> None:
    app = world.client.app
    for _ in range(4):
        assert _sign_in(app, "analyst@acme.test", WRONG).status_code == 401
    assert _sign_in(app, "analyst@acme.test", PASSWORD).status_code == 200
    for _ in range(4):
        assert _sign_in(app, "analyst@acme.test", WRONG).status_code == 401
    assert _sign_in(app, "analyst@acme.test", PASSWORD).status_code == 200
