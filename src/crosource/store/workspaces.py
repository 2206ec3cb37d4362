"""Workspaces: one sponsor organisation's data each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.store.audit import add_created
from crosource.store.errors import Conflict, NotFound, check_text
from crosource.store.tables import Workspace


def create_workspace(session: Session, *, name: str, actor_id: int | None = None) -> Workspace:
    name = check_text(name, "a workspace's name", 120)
    if session.scalar(select(Workspace).where(Workspace.name == name)) is not None:
        raise Conflict(f"a workspace named {name!r} already exists")
    workspace = Workspace(name=name)
    session.add(workspace)
    session.flush()  # the workspace's own id is the event's workspace
    return add_created(
        session,
        workspace,
        workspace_id=workspace.id,
        actor_id=actor_id,
        entity="workspace",
        new={"name": name},
    )


def workspace_by_name(session: Session, *, name: str) -> Workspace:
    name = check_text(name, "a workspace's name", 120)
    workspace = session.scalar(select(Workspace).where(Workspace.name == name))
    if workspace is None:
        raise NotFound(f"no workspace named {name!r}")
    return workspace


def find_workspace(session: Session, *, name: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.name == name.strip()))
