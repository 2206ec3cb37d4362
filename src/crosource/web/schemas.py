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
