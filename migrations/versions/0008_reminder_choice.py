"""Whether a client wants reminders: "No reminders, thank you" stops every reminder.

Revision ID: 0008_reminder_choice
Revises: 0007_cancel_note
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_reminder_choice"
down_revision = "0007_cancel_note"
branch_labels = None
depends_on = None


def upgrade():
    # Everyone on file keeps getting reminders until they say otherwise. A plain ADD COLUMN,
    # so SQLite keeps the clients table as it is.
    op.add_column(
        "clients",
        sa.Column("wants_reminders", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade():
    op.execute("ALTER TABLE clients DROP COLUMN wants_reminders")
