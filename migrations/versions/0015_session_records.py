"""The week-to-week loop: what was done in each session, and the change agreed for the next.

The after-session note becomes a session record (new columns on session_notes; the old note is
its "what helped" text), and session_adjustments holds the therapist's accepted suggestion for
a coming session.

Revision ID: 0015_session_records
Revises: 0014_todo_done
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_session_records"
down_revision = "0014_todo_done"
branch_labels = None
depends_on = None

RECORD_COLUMNS = (
    ("hands_on_minutes", sa.Integer()),
    ("pressure", sa.Integer()),
    ("positions", sa.String(length=120)),
    ("areas_worked", sa.String(length=120)),
    ("areas_avoided", sa.String(length=120)),
    ("arrived", sa.String(length=20)),
    ("avoid_next_encrypted", sa.Text()),
)


def upgrade():
    # Plain ADD COLUMNs (not a batch rebuild): the notes already written stay as they are.
    for name, kind in RECORD_COLUMNS:
        op.add_column("session_notes", sa.Column(name, kind, nullable=True))
    op.create_table(
        "session_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("hands_on_minutes", sa.Integer(), nullable=False),
        sa.Column("pressure", sa.Integer(), nullable=False),
        sa.Column("offered_from_minutes", sa.Integer(), nullable=True),
        sa.Column("longer_service_id", sa.Integer(), nullable=True),
        sa.Column("client_answer", sa.String(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["longer_service_id"], ["services.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("booking_id"),
    )


def downgrade():
    op.drop_table("session_adjustments")
    for name, _ in reversed(RECORD_COLUMNS):
        op.execute(f"ALTER TABLE session_notes DROP COLUMN {name}")
