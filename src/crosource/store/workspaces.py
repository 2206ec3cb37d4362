"""Workspaces: one sponsor organisation's data each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.store.audit import record_change
from crosource.store.errors import Conflict, NotFound
from crosource.store.tables import Workspace


def create_workspace(session: Session, *, name: str, actor_id: int | None = None) -> Workspace:
    name = name.strip()
    if not name:
        raise Conflict("a workspace needs a name")
    if session.scalar(select(Workspace).where(Workspace.name == name)) is not None:
        raise Conflict(f"a workspace named {name!r} already exists")
    workspace = Workspace(name=name)
    session.add(workspace)
    session.flush()
    record_change(
        session,
        workspace_id=workspace.id,
        user_id=actor_id,
        action="create",
        entity="workspace",
        entity_id=str(workspace.id),
        new={"name": name},
    )
    return workspace


def workspace_by_name(session: Session, *, name: str) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.name == name))
    if workspace is None:
        raise NotFound(f"no workspace named {name!r}")
    return workspace
