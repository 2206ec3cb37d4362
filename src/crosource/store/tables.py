"""The tables of the web application's database.

A portfolio is kept as its validated document (the same data as its YAML file) so that import and
export lose nothing and every change passes through the domain's validation; the columns beside it
(name, counts) serve listings without loading documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("owner", "analyst", "viewer", "provider")
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
BID_STATUSES = ("received", "rejected")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


# SQLite reuses the id of a deleted last row unless a table says AUTOINCREMENT; an id that comes
# back would let anything keyed by it (a cache, a link, an audit line) meet another row's data.
# PostgreSQL's sequences never go back.
NO_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}


class Workspace(Base):
    __tablename__ = "workspace"
    __table_args__ = NO_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = NO_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    """A user's role in a workspace; a provider member is tied to one provider of it."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"), NO_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A token for scripts, scoped to one membership; only a hash of the secret is kept."""

    __tablename__ = "api_token"
    __table_args__ = NO_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PortfolioRecord(Base):
    __tablename__ = "portfolio"
    __table_args__ = (UniqueConstraint("workspace_id", "name"), NO_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]]
    studies: Mapped[int] = mapped_column(default=0)
    providers: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Job(Base):
    """A long computation run in the background: its progress and, once done, its result."""

    __tablename__ = "job"
    __table_args__ = NO_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    request: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    portfolio_id: Mapped[int | None] = mapped_column(ForeignKey("portfolio.id", ondelete="CASCADE"))
    # What the job does now, and when its runner last said it was alive: a job whose runner
    # went away (a restarted process) is seen as failed once its heartbeat is old.
    stage: Mapped[str] = mapped_column(String(200), default="")
    heartbeat_at: Mapped[datetime | None]
    # Set when someone asks to stop the job; the runner stops at its next progress report.
    cancel_requested_at: Mapped[datetime | None]
    # How many times a runner has started it (a worker that died mid-job leaves it to a retry).
    attempts: Mapped[int] = mapped_column(default=0)
    # Who runs it: "inprocess" (a thread of a web process, stale once its heartbeat stops) or
    # "procrastinate" (a queue in PostgreSQL that `crosource worker` processes take work from).
    runner: Mapped[str] = mapped_column(String(16), default="inprocess")
    # The queue's id of its first task, to take it out of the queue when it is cancelled.
    queue_id: Mapped[int | None] = mapped_column(BigInteger)


class JobPart(Base):
    """One part of a Monte Carlo split across workers: its chunks of draws, who ran it, and its
    summaries (packed arrays) until the last part merges them into the job's result."""

    __tablename__ = "job_part"
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[int] = mapped_column(primary_key=True)
    first_chunk: Mapped[int]
    end_chunk: Mapped[int]
    draws: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(default=0)  # draws simulated so far, for the progress bar
    worker: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(default=0)
    queue_id: Mapped[int | None] = mapped_column(BigInteger)
    # The portfolio's version that the first part simulated: every part must use the same.
    portfolio_version: Mapped[int]
    summary: Mapped[bytes | None] = mapped_column(LargeBinary)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class EvaluationRecord(Base):
    """A provider evaluation: the document of an evaluation file (criteria, weights, scores)."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("workspace_id", "name"), NO_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Rfp(Base):
    """A request for proposals: one study of a portfolio, the providers invited to bid on it."""

    __tablename__ = "rfp"
    __table_args__ = NO_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolio.id", ondelete="CASCADE"))
    study_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    invited: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BidRecord(Base):
    """One provider's answer to an RFP: its bid grid and its questionnaire answers."""

    __tablename__ = "bid"
    __table_args__ = (UniqueConstraint("rfp_id", "provider_id"), NO_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    rfp_id: Mapped[int] = mapped_column(ForeignKey("rfp.id", ondelete="CASCADE"))
    provider_id: Mapped[str] = mapped_column(String(64))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    assumptions: Mapped[dict[str, Any]]
    answers: Mapped[dict[str, Any]]
    filename: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The sponsor may set a bid aside (rejected, with a reason): it is then left out of the
    # comparison and the evaluation but kept, and the provider sees that it was rejected.
    status: Mapped[str] = mapped_column(String(16), default="received")
    status_reason: Mapped[str] = mapped_column(Text, default="")


class Assessment(Base):
    """The questionnaire as a user fills it in, saved at every step, until it makes a portfolio."""

    __tablename__ = "assessment"
    __table_args__ = NO_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    answers: Mapped[dict[str, Any]]
    step: Mapped[int] = mapped_column(default=0)
    portfolio_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEvent(Base):
    """One change: who, when, what, the old and new values. Rows are only ever added."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_workspace_at", "workspace_id", "at"), NO_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    old: Mapped[dict[str, Any] | None]
    new: Mapped[dict[str, Any] | None]


class WebSession(Base):
    """A signed-in browser. The cookie carries only a random key; the row (found by the key's
    hash) says who it is and whether it still holds, so that signing out, changing a password or
    losing a role ends it at once in every process."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user", "user_id"),)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]  # short-lived page state such as notices; never a secret
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SignInCounter(Base):
    """Sign-in attempts within a window, per key (an email, a source address, or both); updated
    with one atomic statement so that every process counts every attempt."""

    __tablename__ = "sign_in_counter"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime]


class SetupToken(Base):
    """The one first-run setup link of a database (one row, id 1); only its hash is kept."""

    __tablename__ = "setup_token"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
