"""job parts: jobs run by a queue (procrastinate) and Monte Carlo runs split across workers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
# A batch operation that rebuilds an SQLite table must say AUTOINCREMENT again, or ids come back.
NO_REUSE = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("job", table_kwargs=NO_REUSE) as job:
        job.add_column(
            sa.Column("runner", sa.String(length=16), nullable=False, server_default="inprocess")
        )
        job.add_column(sa.Column("queue_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("job", table_kwargs=NO_REUSE) as job:
        job.alter_column("runner", server_default=None)
    op.create_table(
        "job_part",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("first_chunk", sa.Integer(), nullable=False),
        sa.Column("end_chunk", sa.Integer(), nullable=False),
        sa.Column("draws", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.BigInteger(), nullable=True),
        sa.Column("portfolio_version", sa.Integer(), nullable=False),
        sa.Column("summary", sa.LargeBinary(), nullable=True),
        sa.Column("started_at", WHEN, nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "part"),
    )


def downgrade() -> None:
    op.drop_table("job_part")
    with op.batch_alter_table("job", table_kwargs=NO_REUSE) as job:
        job.drop_column("queue_id")
        job.drop_column("runner")
