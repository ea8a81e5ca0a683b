"""Channels: each outbox message goes by email, text or a phone call, as the client chose.

Revision ID: 0013_channels
Revises: 0012_best_times
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_channels"
down_revision = "0012_best_times"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (not batch rebuilds): SQLite keeps its tables, triggers and keys.
    op.add_column(
        "outbox_messages",
        sa.Column("channel", sa.String(length=10), nullable=False, server_default="email"),
    )
    op.add_column("clients", sa.Column("reminder_channels", sa.String(length=30), nullable=True))
    op.add_column(
        "clients",
        sa.Column("carer_copies", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.execute("ALTER TABLE clients DROP COLUMN carer_copies")
    op.execute("ALTER TABLE clients DROP COLUMN reminder_channels")
    op.execute("ALTER TABLE outbox_messages DROP COLUMN channel")
