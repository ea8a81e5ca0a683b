"""A counter moved by triggers on every change to what the public pages show, so a rendered
page can be kept exactly as long as it is true (booking/models/changes.py, which builds the
same for a database made from the models; this copy stays as it was written).

Revision ID: 0017_availability_version
Revises: 0016_worker_heartbeats
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_availability_version"
down_revision = "0016_worker_heartbeats"
branch_labels = None
depends_on = None

WATCHED = {
    "bookings": "status, practitioner_id, service_id, start_utc, end_utc, blocked_from_utc, "
    "blocked_until_utc",
    "opening_hours": None,
    "openings": None,
    "closures": None,
    "services": None,
    "practitioners": None,
    "practice_settings": None,
}
BUMP = "UPDATE availability_version SET version = version + 1 WHERE id = 1"


def upgrade():
    op.create_table(
        "availability_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    generation = "md5(random()::text)" if postgresql else "lower(hex(randomblob(16)))"
    op.execute(
        f"INSERT INTO availability_version (id, generation, version) VALUES (1, {generation}, 0)"  # noqa: S608
    )
    if postgresql:
        op.execute(
            "CREATE OR REPLACE FUNCTION bump_availability_version() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
    for table, columns in WATCHED.items():
        update = f"UPDATE OF {columns}" if columns else "UPDATE"
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_move_availability AFTER INSERT OR {update} OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION bump_availability_version()"
            )
            continue
        for name, when in (("insert", "INSERT"), ("update", update), ("delete", "DELETE")):
            op.execute(
                f"CREATE TRIGGER {table}_move_availability_{name} AFTER {when} ON {table} "
                f"FOR EACH ROW BEGIN {BUMP}; END"
            )


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_move_availability ON {table}")
        else:
            for name in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_move_availability_{name}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS bump_availability_version()")
    op.drop_table("availability_version")
