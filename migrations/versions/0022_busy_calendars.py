"""Therapists' own calendars as busy time: the private ICS address (encrypted with the field
cipher), what the server said of its copy (ETag, Last-Modified), how the last reads went, and
the busy blocks read from it as plain UTC start and end (no titles, no details). Busy blocks
move the availability counter like closures do, so kept pages never outlive them.

Revision ID: 0022_busy_calendars
Revises: 0021_waitlist
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_busy_calendars"
down_revision = "0021_waitlist"
branch_labels = None
depends_on = None

BUMP = "UPDATE availability_version SET version = version + 1 WHERE id = 1"
FUNCTION = "bump_availability_version()"


def upgrade():
    op.create_table(
        "busy_calendars",
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("address_encrypted", sa.Text(), nullable=False),
        sa.Column("address_host", sa.String(length=255), nullable=False),
        sa.Column("etag", sa.String(length=255), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("expanded_until_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_problem", sa.String(length=40), nullable=True),
        sa.Column("read_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_busy_calendars_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practitioner_id", name=op.f("pk_busy_calendars")),
    )
    op.create_table(
        "busy_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("start_utc < end_utc", name=op.f("ck_busy_blocks_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["busy_calendars.practitioner_id"],
            name=op.f("fk_busy_blocks_practitioner_id_busy_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_busy_blocks")),
    )
    with op.batch_alter_table("busy_blocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_busy_blocks_practitioner_start", ["practitioner_id", "start_utc"], unique=False
        )
    # The same triggers as booking/models/changes.py installs for the other watched tables.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE CONSTRAINT TRIGGER busy_blocks_move_availability AFTER INSERT OR UPDATE "
            "OR DELETE ON busy_blocks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {FUNCTION}"
        )
        op.execute(
            "CREATE TRIGGER busy_blocks_truncate_moves_availability AFTER TRUNCATE ON "
            f"busy_blocks FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}"
        )
    else:
        for name, when in (("insert", "INSERT"), ("update", "UPDATE"), ("delete", "DELETE")):
            op.execute(
                f"CREATE TRIGGER busy_blocks_move_availability_{name} AFTER {when} ON "
                f"busy_blocks FOR EACH ROW BEGIN {BUMP}; END"
            )


def downgrade():
    with op.batch_alter_table("busy_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_busy_blocks_practitioner_start")
    op.drop_table("busy_blocks")
    op.drop_table("busy_calendars")
