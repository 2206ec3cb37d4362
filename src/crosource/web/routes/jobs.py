"""API: jobs (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["jobs"])
