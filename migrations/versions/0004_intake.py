"""The intake questionnaire: encrypted answers, consents, the screening list, call requests.

Answers live in `intakes.answers_encrypted` as MultiFernet tokens; no health answer has a
column of its own. The screening list starts with DOMAIN.md's conditions (a frozen copy of
booking.domain.intake.DEFAULT_SCREENING); the therapist edits it afterwards.

Revision ID: 0004_intake
Revises: 0003_carer_contact_counts
Create Date: 2026-11-21
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_intake"
down_revision = "0003_carer_contact_counts"
branch_labels = None
depends_on = None

# (key, label, hint, group, flag, follow-up), in the order they are asked.
DEFAULT_SCREENING = [
    ("fever", "A fever, or an infection such as flu or Covid", "", "now", "stop", "none"),
    (
        "contagious",
        "Something catching, such as a stomach bug or a skin infection",
        "",
        "now",
        "stop",
        "none",
    ),
    (
        "clot",
        "A possible blood clot: a painful, swollen, warm calf or leg",
        "",
        "now",
        "stop",
        "none",
    ),
    ("acute_injury", "A new injury, sprain or strain", "", "now", "stop", "area"),
    (
        "surgery",
        "An operation in the last three months",
        "When was it, and what for?",
        "history",
        "review",
        "details",
    ),
    ("cancer", "Cancer, or treatment for cancer", "", "history", "review", "details"),
    (
        "heart",
        "A heart condition, or high or low blood pressure",
        "",
        "history",
        "review",
        "details",
    ),
    ("clot_history", "A blood clot or stroke in the past", "", "history", "review", "details"),
    ("epilepsy", "Epilepsy or seizures", "", "history", "review", "none"),
    ("diabetes", "Diabetes", "", "history", "review", "none"),
    ("osteoporosis", "Osteoporosis (fragile bones)", "", "history", "review", "none"),
    ("neurological", "A neurological condition, such as MS", "", "history", "review", "details"),
    ("pregnancy", "Pregnancy", "How many weeks?", "history", "review", "details"),
    ("blood_thinners", "Taking blood thinners", "", "history", "review", "none"),
    ("new_symptoms", "New symptoms no one has explained yet", "", "history", "review", "details"),
    ("varicose_veins", "Varicose veins", "", "local", "adapt", "area"),
    ("skin", "A skin condition, rash or broken skin", "", "local", "adapt", "area"),
    ("lumps", "A lump or swelling", "", "local", "adapt", "area"),
    ("fracture", "A broken bone in the last year", "", "local", "adapt", "area"),
    ("scar", "A recent or tender scar", "", "local", "adapt", "area"),
]


def upgrade():
    op.create_table(
        "screening_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("hint", sa.String(length=200), nullable=False),
        sa.Column(
            "group",
            sa.Enum(
                "now",
                "history",
                "local",
                name="screening_group",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "flag",
            sa.Enum(
                "stop",
                "review",
                "adapt",
                "info",
                name="screening_flag",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "follow_up",
            sa.Enum(
                "none",
                "area",
                "details",
                name="screening_follow_up",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_conditions")),
        sa.UniqueConstraint("key", name=op.f("uq_screening_conditions_key")),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                name="intake_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("answers_encrypted", sa.Text(), nullable=False),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("reconfirm_only", sa.Boolean(), nullable=False),
        sa.Column("current_step", sa.String(length=40), nullable=True),
        sa.Column("filled_by_carer", sa.Boolean(), nullable=False),
        sa.Column("carer_name", sa.String(length=120), nullable=True),
        sa.Column("carer_relationship", sa.String(length=60), nullable=True),
        sa.Column("shown_with_booking_id", sa.Integer(), nullable=True),
        sa.Column("link_nonce", sa.String(length=32), nullable=False),
        sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "review_state",
            sa.Enum(
                "not_needed",
                "pending",
                "released",
                "contacted",
                name="review_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_note_encrypted", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["based_on_id"],
            ["intakes.id"],
            name=op.f("fk_intakes_based_on_id_intakes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_intakes_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shown_with_booking_id"],
            ["bookings.id"],
            name=op.f("fk_intakes_shown_with_booking_id_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_intakes_reviewed_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index("ix_intakes_client", ["client_id", "created_at"], unique=False)

    op.create_table(
        "call_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("best_time", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_call_requests_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["staff_users.id"],
            name=op.f("fk_call_requests_handled_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_call_requests_intake_id_intakes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_requests")),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "treatment",
                "health_data",
                "gp_contact",
                "reminders",
                name="consent_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("wording_version", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=120), nullable=True),
        sa.Column("signed_name", sa.String(length=120), nullable=False),
        sa.Column("on_behalf_relationship", sa.String(length=60), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= given_at",
            name=op.f("ck_consents_withdrawn_after_given"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_consents_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_consents_intake_id_intakes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index("ix_consents_client_kind", ["client_id", "kind"], unique=False)

    columns = ("key", "label", "hint", "group", "flag", "follow_up")
    screening = sa.table(
        "screening_conditions",
        *(sa.column(name, sa.String) for name in columns),
        sa.column("active", sa.Boolean),
        sa.column("sort_order", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        screening,
        [
            dict(
                zip(columns, row, strict=True),
                active=True,
                sort_order=(order + 1) * 10,
                created_at=now,
                updated_at=now,
            )
            for order, row in enumerate(DEFAULT_SCREENING)
        ],
    )


def downgrade():
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index("ix_consents_client_kind")

    op.drop_table("consents")
    op.drop_table("call_requests")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index("ix_intakes_client")

    op.drop_table("intakes")
    op.drop_table("screening_conditions")
