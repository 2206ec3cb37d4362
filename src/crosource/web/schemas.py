"""Shapes of the API's requests and answers, kept apart from the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class MembershipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    workspace_id: int
    role: str
    provider_id: str | None


class MeOut(BaseModel):
    email: str
    csrf_token: str | None
    memberships: list[MembershipOut]


class PortfolioOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    studies: int
    providers: int
    version: int
    updated_at: datetime


class PortfolioDetail(PortfolioOut):
    document: dict[str, Any]


class PortfolioPage(BaseModel):
    items: list[PortfolioOut]
    limit: int
    offset: int


class PortfolioUpdate(BaseModel):
    version: int = Field(ge=1, description="The version edited; a newer stored one is a conflict.")
    document: dict[str, Any]


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    user_id: int | None
    action: str
    entity: str
    entity_id: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    limit: int
    offset: int
