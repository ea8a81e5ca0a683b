"""When a client's worsening usually starts: the follow-up is timed to it.

Revision ID: 0009_worsening_starts
Revises: 0008_reminder_choice
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_worsening_starts"
down_revision = "0008_reminder_choice"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, so SQLite keeps the clients table as it is.
    op.add_column("clients", sa.Column("worsening_starts", sa.String(length=20), nullable=True))


def downgrade():
    op.execute("ALTER TABLE clients DROP COLUMN worsening_starts")
