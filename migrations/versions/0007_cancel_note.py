"""A short note with a cancellation, beside its reason code (staff cancellations).

Revision ID: 0007_cancel_note
Revises: 0006_staff_desk
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_cancel_note"
down_revision = "0006_staff_desk"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (not a batch rebuild), so SQLite keeps the bookings table and the
    # overlap triggers on it.
    op.add_column("bookings", sa.Column("cancel_note", sa.String(length=200), nullable=True))


def downgrade():
    # Likewise a plain DROP COLUMN (SQLite 3.35 or newer), never a rebuild.
    op.execute("ALTER TABLE bookings DROP COLUMN cancel_note")
