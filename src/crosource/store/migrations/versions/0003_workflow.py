"""the workflow: evaluations, RFPs and bids, assessments, job owners and heartbeats

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _workspace() -> sa.Column[int]:
    return sa.Column("workspace_id", sa.Integer(), nullable=False)


def _workspace_key() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE")


def upgrade() -> None:
    with op.batch_alter_table("job") as job:
        job.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        job.add_column(sa.Column("portfolio_id", sa.Integer(), nullable=True))
        job.add_column(sa.Column("stage", sa.String(length=200), nullable=False, server_default=""))
        job.add_column(sa.Column("heartbeat_at", WHEN, nullable=True))
        job.create_foreign_key("fk_job_user", "app_user", ["user_id"], ["id"], ondelete="SET NULL")
        job.create_foreign_key(
            "fk_job_portfolio", "portfolio", ["portfolio_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("job") as job:
        job.alter_column("stage", server_default=None)
    op.create_table(
        "evaluation",
        _id(),
        _workspace(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        _workspace_key(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "rfp",
        _id(),
        _workspace(),
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("invited", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _workspace_key(),
        sa.ForeignKeyConstraint(["portfolio_id"], ["portfolio.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "bid",
        _id(),
        sa.Column("rfp_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("assumptions", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["rfp_id"], ["rfp.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rfp_id", "provider_id"),
    )
    op.create_table(
        "assessment",
        _id(),
        _workspace(),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("portfolio_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        _workspace_key(),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["portfolio_id"], ["portfolio.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("assessment")
    op.drop_table("bid")
    op.drop_table("rfp")
    op.drop_table("evaluation")
    with op.batch_alter_table("job") as job:
        job.drop_constraint("fk_job_portfolio", type_="foreignkey")
        job.drop_constraint("fk_job_user", type_="foreignkey")
        job.drop_column("heartbeat_at")
        job.drop_column("stage")
        job.drop_column("portfolio_id")
        job.drop_column("user_id")
