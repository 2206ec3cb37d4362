"""Two owners demoting each other at the same moment: one wins, one owner remains, the other gets a
conflict. Audit issue 10, finding 11."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from crosource.store import members
from crosource.store.tables import Membership
from tests.web.conftest import PASSWORD, World


@pytest.fixture
def two_owners(world: World) -> tuple[int, int]:
    """The Acme owner and the analyst made a second owner: their membership ids."""
    app: Any = world.client.app
    acme = world.workspaces["Acme"]
    with app.state.sessions.begin() as session:
        rows = {
            m.role: m
            for m in session.scalars(select(Membership).where(Membership.workspace_id == acme))
        }
        rows["analyst"].role = "owner"
        return rows["owner"].id, rows["analyst"].id


@pytest.fixture
def both_count_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each demotion counts the owners, then waits for the other to have counted too (or
    gives up after a moment, when a lock keeps the other from counting)."""
    real = members._owners
    met = threading.Barrier(2)

    def slow(*args: Any, **kwargs: Any) -> int:
        found = real(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            met.wait(timeout=2)
        return found

    monkeypatch.setattr(members, "_owners", slow)


def _owners_left(world: World) -> int:
    app: Any = world.client.app
    with app.state.sessions() as session:
        return len(
            list(
                session.scalars(
                    select(Membership).where(
                        Membership.workspace_id == world.workspaces["Acme"],
                        Membership.role == "owner",
                    )
                )
            )
        )


@pytest.mark.usefixtures("both_count_first")
def test_store_keeps_one_owner(world: World, two_owners: tuple[int, int]) -> None:
    app: Any = world.client.app
    acme = world.workspaces["Acme"]
    first, second = two_owners

    def demote(actor: int, target: int) -> str:
        with app.state.sessions() as session:
            try:
                members.change_role(
                    session,
                    workspace_id=acme,
                    member_id=target,
                    role="viewer",
                    provider_id=None,
                    actor_id=actor,
                )
                session.commit()
                return "done"
            except members.Conflict:
                session.rollback()
                return "conflict"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(demote, (first, second), (second, first)))
    assert sorted(outcomes) == ["conflict", "done"]
    assert _owners_left(world) == 1


@pytest.mark.usefixtures("both_count_first")
def test_api_answers_409_to_the_loser(world: World, two_owners: tuple[int, int]) -> None:
    app: Any = world.client.app
    acme = world.workspaces["Acme"]
    first, second = two_owners

    def demote(email: str, target: int) -> int:
        client = TestClient(app)
        signed = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
        csrf = signed.json()["csrf_token"]
        answer = client.patch(
            f"/api/v1/workspaces/{acme}/members/{target}",
            json={"role": "viewer", "provider_id": None},
            headers={"X-CSRF-Token": csrf},
        )
        return int(answer.status_code)

    with ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(demote, ("owner@acme.test", "analyst@acme.test"), (second, first)))
    assert sorted(codes) == [200, 409]
    assert _owners_left(world) == 1
