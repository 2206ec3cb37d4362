"""Settings of the web application, each read from a CROSOURCE_* environment variable."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from crosource.store.db import DEFAULT_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CROSOURCE_")

    database_url: str = Field(
        DEFAULT_URL,
        description="SQLAlchemy URL of the database; PostgreSQL as postgresql://user@host/db.",
    )
    secret_key: str | None = Field(
        None,
        description="Unused: sessions are kept in the database and nothing is signed any more. "
        "Still accepted so that existing configurations start.",
    )
    https_only: bool = Field(
        False, description="Mark cookies Secure: set it when the service is behind HTTPS."
    )
    login_attempts: int = Field(
        5,
        ge=1,
        description="Sign-in attempts allowed per email and source address within the "
        "window (assumption).",
    )
    login_attempts_per_address: int = Field(
        30,
        ge=1,
        description="Sign-in attempts allowed per source address, whatever the emails, "
        "within the window (assumption).",
    )
    login_attempts_per_email: int = Field(
        50,
        ge=1,
        description="Sign-in attempts allowed per email from all addresses together "
        "within the window (assumption).",
    )
    login_window_seconds: int = Field(
        900, ge=1, description="The window of the sign-in throttle, in seconds (assumption)."
    )
    max_upload_bytes: int = Field(
        10_000_000, ge=1, description="Largest portfolio file accepted for import."
    )
    job_workers: int = Field(
        1, ge=1, le=16, description="Threads running background analyses in each process."
    )
    job_backend: Literal["auto", "inprocess", "procrastinate"] = Field(
        "auto",
        description="Who runs background analyses: threads of the web process (inprocess), or "
        "`crosource worker` processes taking them from a queue in PostgreSQL (procrastinate); "
        "auto: procrastinate on PostgreSQL, inprocess on SQLite.",
    )
    setup_workspace: str = Field(
        "Demo",
        max_length=120,
        description="The workspace that the first-run setup link makes its account the owner of.",
    )
