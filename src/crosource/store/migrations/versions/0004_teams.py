"""teams: ids never reused on SQLite, server-side sessions, a shared sign-in throttle, one setup
link per database, bids set aside, jobs that can be cancelled and retried

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
# Parents before children, so that each recreated table's foreign keys find their parent.
ID_TABLES = (
    "workspace",
    "app_user",
    "membership",
    "api_token",
    "portfolio",
    "job",
    "evaluation",
    "rfp",
    "bid",
    "assessment",
    "audit_event",
)


def upgrade() -> None:
    # Changes that rebuild a table on SQLite come first: a rebuild forgets AUTOINCREMENT unless
    # told (later migrations pass NO_REUSE to every batch operation on these tables).
    with op.batch_alter_table("job") as job:
        job.add_column(sa.Column("cancel_requested_at", WHEN, nullable=True))
        job.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("job") as job:
        job.alter_column("attempts", server_default=None)
    with op.batch_alter_table("bid") as bid:
        bid.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="received")
        )
        bid.add_column(sa.Column("status_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("bid") as bid:
        bid.alter_column("status", server_default=None)
        bid.alter_column("status_reason", server_default=None)
    if op.get_bind().dialect.name == "sqlite":
        # AUTOINCREMENT can only be given when a table is made: each is rebuilt with its rows
        # (foreign keys are off during migrations, see crosource.store.migrate).
        for name in ID_TABLES:
            with op.batch_alter_table(
                name, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
    op.create_table(
        "web_session",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index("ix_web_session_user", "web_session", ["user_id"])
    op.create_table(
        "sign_in_counter",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_start", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "setup_token",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("setup_token")
    op.drop_table("sign_in_counter")
    op.drop_index("ix_web_session_user", table_name="web_session")
    op.drop_table("web_session")
    with op.batch_alter_table("bid") as bid:
        bid.drop_column("status_reason")
        bid.drop_column("status")
    with op.batch_alter_table("job") as job:
        job.drop_column("attempts")
        job.drop_column("cancel_requested_at")
