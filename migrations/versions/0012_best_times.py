"""The days and parts of the day that usually suit a client: their times are shown first.

Revision ID: 0012_best_times
Revises: 0011_manage_token_sealed
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_best_times"
down_revision = "0011_manage_token_sealed"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (not a batch rebuild): the bookings' foreign keys stay as they are.
    op.add_column("clients", sa.Column("best_days", sa.String(length=30), nullable=True))
    op.add_column("clients", sa.Column("best_parts", sa.String(length=30), nullable=True))


def downgrade():
    op.execute("ALTER TABLE clients DROP COLUMN best_parts")
    op.execute("ALTER TABLE clients DROP COLUMN best_days")
