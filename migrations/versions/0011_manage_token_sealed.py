"""The manage link's token, encrypted, so every message about a booking can carry the link.

Revision ID: 0011_manage_token_sealed
Revises: 0010_followup_lasted
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_manage_token_sealed"
down_revision = "0010_followup_lasted"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (not a batch rebuild), so SQLite keeps the bookings table and the
    # overlap triggers on it. Bookings made before this have no sealed token: the next message
    # about one issues a new link (tokens.manage_link_token).
    op.add_column("bookings", sa.Column("manage_token_sealed", sa.Text(), nullable=True))


def downgrade():
    # Likewise a plain DROP COLUMN (SQLite 3.35 or newer), never a rebuild.
    op.execute("ALTER TABLE bookings DROP COLUMN manage_token_sealed")
