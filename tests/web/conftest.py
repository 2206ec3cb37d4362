"""A running application on a fresh database, with a workspace whose members hold every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crosource.store.users import add_member, create_user
from crosource.store.workspaces import create_workspace
from crosource.web.app import create_app
from crosource.web.settings import Settings

PASSWORD = "a long test passphrase"
MEMBERS = {
    "owner@acme.test": ("Acme", "owner", None),
    "analyst@acme.test": ("Acme", "analyst", None),
    "viewer@acme.test": ("Acme", "viewer", None),
    "cro@acme.test": ("Acme", "provider", "meridian"),
    "owner@other.test": ("Other", "owner", None),
}


@dataclass
class World:
    client: TestClient
    workspaces: dict[str, int]
    portfolio_ids: dict[str, int] = field(default_factory=dict)
    # Per workspace name: the ids of one of everything in it (tests/web/seed.py).
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def sign_in(self, email: str) -> str:
        """Sign in; the CSRF token to send with changes."""
        answer = self.client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        token = answer.json()["csrf_token"]
        assert isinstance(token, str)
        return token


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    # Jobs run in this process on both databases here; the queue has tests of its own
    # (tests/tasks, tests/multiprocess).
    app = create_app(Settings(database_url=database_url, job_backend="inprocess"))
    workspaces: dict[str, int] = {}
    with app.state.sessions() as session:
        for email, (space, role, provider) in MEMBERS.items():
            if space not in workspaces:
                workspaces[space] = create_workspace(session, name=space).id
            user = create_user(session, email=email, password=PASSWORD)
            add_member(
                session,
                user_id=user.id,
                workspace_id=workspaces[space],
                role=role,
                provider_id=provider,
            )
        session.commit()
    with TestClient(app) as client:
        yield World(client, workspaces)


@pytest.fixture
def seeded(world: World) -> World:
    """The world with one of everything in each workspace."""
    from tests.web.seed import seed_workspace

    app: Any = world.client.app
    with app.state.sessions() as session:
        for name, workspace_id in world.workspaces.items():
            world.ids[name] = seed_workspace(session, workspace_id=workspace_id)
            world.portfolio_ids[name] = world.ids[name]["portfolio_id"]
        session.commit()
    return world
