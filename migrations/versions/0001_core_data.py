"""Core data: practitioners, services, availability, clients, bookings, staff.

Reviewed by hand: every constraint is named (batch mode on SQLite needs names), all
timestamps are TIMESTAMP WITH TIME ZONE holding UTC, and enums are VARCHAR + CHECK so the
same schema works on SQLite and PostgreSQL.

Revision ID: 0001_core_data
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001_core_data"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("preferred_name", sa.String(length=80), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("contact_channel", sa.String(length=10), nullable=False),
        sa.Column("quiet_from_local", sa.Time(), nullable=True),
        sa.Column("quiet_until_local", sa.Time(), nullable=True),
        sa.Column("carer_name", sa.String(length=120), nullable=True),
        sa.Column("carer_relationship", sa.String(length=60), nullable=True),
        sa.Column("carer_email", sa.String(length=254), nullable=True),
        sa.Column("carer_phone", sa.String(length=32), nullable=True),
        sa.Column("send_to_carer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "contact_channel IN ('email', 'phone', 'sms')",
            name=op.f("ck_clients_contact_channel_known"),
        ),
        sa.CheckConstraint(
            "email IS NOT NULL OR phone IS NOT NULL", name=op.f("ck_clients_reachable")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index("ix_clients_email", ["email"], unique=False)
        batch_op.create_index("ix_clients_phone", ["phone"], unique=False)

    op.create_table(
        "practitioners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("feed_token_hash", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioners")),
        sa.UniqueConstraint("email", name=op.f("uq_practitioners_email")),
        sa.UniqueConstraint("feed_token_hash", name=op.f("uq_practitioners_feed_token_hash")),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("hands_on_minutes", sa.Integer(), nullable=True),
        sa.Column("buffer_before_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_after_minutes", sa.Integer(), nullable=False),
        sa.Column("first_visit", sa.Boolean(), nullable=False),
        sa.Column("home_visit", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "buffer_before_minutes >= 0 AND buffer_after_minutes >= 0",
            name=op.f("ck_services_buffers_not_negative"),
        ),
        sa.CheckConstraint(
            "hands_on_minutes IS NULL OR (hands_on_minutes > 0 AND hands_on_minutes <= minutes)",
            name=op.f("ck_services_hands_on_within_booking"),
        ),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_services_minutes_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("slug", name=op.f("uq_services_slug")),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_from_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "held_for_review",
                "confirmed",
                "cancelled",
                "attended",
                "no_show",
                name="booking_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ical_uid", sa.String(length=80), nullable=False),
        sa.Column("ical_sequence", sa.Integer(), nullable=False),
        sa.Column("manage_token_hash", sa.String(length=64), nullable=True),
        sa.Column("checkin_answer", sa.String(length=40), nullable=True),
        sa.Column("followup_answer", sa.String(length=40), nullable=True),
        sa.Column("cancel_reason", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "blocked_from_utc <= start_utc AND end_utc <= blocked_until_utc",
            name=op.f("ck_bookings_blocked_covers_session"),
        ),
        sa.CheckConstraint("ical_sequence >= 0", name=op.f("ck_bookings_sequence_not_negative")),
        sa.CheckConstraint("start_utc < end_utc", name=op.f("ck_bookings_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_bookings_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_bookings_practitioner_id_practitioners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_bookings_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("ical_uid", name=op.f("uq_bookings_ical_uid")),
        sa.UniqueConstraint("manage_token_hash", name=op.f("uq_bookings_manage_token_hash")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index("ix_bookings_client_start", ["client_id", "start_utc"], unique=False)
        batch_op.create_index(
            "ix_bookings_practitioner_blocked",
            ["practitioner_id", "blocked_from_utc"],
            unique=False,
        )

    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("start_utc < end_utc", name=op.f("ck_closures_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_closures_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.create_index("ix_closures_start", ["start_utc"], unique=False)

    op.create_table(
        "opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_local", sa.Time(), nullable=False),
        sa.Column("end_local", sa.Time(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "start_local < end_local", name=op.f("ck_opening_hours_starts_before_end")
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from <= valid_to", name=op.f("ck_opening_hours_valid_range")
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_opening_hours_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
    )
    with op.batch_alter_table("opening_hours", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opening_hours_practitioner_weekday", ["practitioner_id", "weekday"], unique=False
        )

    op.create_table(
        "openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("start_utc < end_utc", name=op.f("ck_openings_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_openings_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openings")),
    )
    with op.batch_alter_table("openings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_openings_practitioner_start", ["practitioner_id", "start_utc"], unique=False
        )

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "therapist",
                "reception",
                name="staff_role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_staff_users_practitioner_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_users_email")),
    )


def downgrade():
    op.drop_table("staff_users")
    with op.batch_alter_table("openings", schema=None) as batch_op:
        batch_op.drop_index("ix_openings_practitioner_start")

    op.drop_table("openings")
    with op.batch_alter_table("opening_hours", schema=None) as batch_op:
        batch_op.drop_index("ix_opening_hours_practitioner_weekday")

    op.drop_table("opening_hours")
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.drop_index("ix_closures_start")

    op.drop_table("closures")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_practitioner_blocked")
        batch_op.drop_index("ix_bookings_client_start")

    op.drop_table("bookings")
    op.drop_table("services")
    op.drop_table("practitioners")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_phone")
        batch_op.drop_index("ix_clients_email")

    op.drop_table("clients")
