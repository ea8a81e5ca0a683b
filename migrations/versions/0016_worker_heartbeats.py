"""When each outbox worker was last seen, so a monitor can tell when none is running.

Revision ID: 0016_worker_heartbeats
Revises: 0015_session_records
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_worker_heartbeats"
down_revision = "0015_session_records"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_heartbeats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def downgrade():
    op.drop_table("worker_heartbeats")
