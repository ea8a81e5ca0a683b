"""The waiting list: clients waiting for a time that suits them (waitlist_entries), and the
free times offered to them, each with its own link (waitlist_offers).

Revision ID: 0021_waitlist
Revises: 0020_second_factor
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_waitlist"
down_revision = "0020_second_factor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("days", sa.String(length=30), nullable=True),
        sa.Column("parts", sa.String(length=30), nullable=True),
        sa.Column("until_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'booked', 'left', 'removed', 'expired')",
            name=op.f("ck_waitlist_entries_waitlist_status_known"),
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'sms', 'phone')",
            name=op.f("ck_waitlist_entries_waitlist_channel_known"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_waitlist_entries_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_waitlist_entries_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_waitlist_entries_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["staff_users.id"],
            name=op.f("fk_waitlist_entries_added_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_waitlist_entries_token_hash")),
    )
    op.create_index(
        "ix_waitlist_entries_status", "waitlist_entries", ["status", "created_at"], unique=False
    )
    op.create_index("ix_waitlist_entries_client", "waitlist_entries", ["client_id"], unique=False)
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'taken', 'gone', 'expired', 'withdrawn')",
            name=op.f("ck_waitlist_offers_offer_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["waitlist_entries.id"],
            name=op.f("fk_waitlist_offers_entry_id_waitlist_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_waitlist_offers_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_waitlist_offers_booking_id_bookings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_offers")),
        sa.UniqueConstraint(
            "entry_id", "practitioner_id", "start_utc", name=op.f("one_offer_per_time")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_waitlist_offers_token_hash")),
    )
    op.create_index(
        "ix_waitlist_offers_open", "waitlist_offers", ["status", "expires_at"], unique=False
    )
    op.create_index(
        "ix_waitlist_offers_time", "waitlist_offers", ["practitioner_id", "start_utc"], unique=False
    )


def downgrade() -> None:
    op.drop_table("waitlist_offers")
    op.drop_table("waitlist_entries")
