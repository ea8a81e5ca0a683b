"""How long a worsening after a session lasted, the follow-up's second question.

Revision ID: 0010_followup_lasted
Revises: 0009_worsening_starts
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_followup_lasted"
down_revision = "0009_worsening_starts"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (not a batch rebuild), so SQLite keeps the bookings table and the
    # overlap triggers on it.
    op.add_column("bookings", sa.Column("followup_lasted", sa.String(length=20), nullable=True))


def downgrade():
    # Likewise a plain DROP COLUMN (SQLite 3.35 or newer), never a rebuild.
    op.execute("ALTER TABLE bookings DROP COLUMN followup_lasted")
