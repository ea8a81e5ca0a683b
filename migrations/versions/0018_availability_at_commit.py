"""On PostgreSQL, move the availability counter when a transaction commits, not at each write:
the one row's lock is then held for the commit alone, so bookings for different therapists no
longer wait for each other's whole transaction (booking/models/changes.py builds the same for a
database made from the models; this copy stays as it was written). SQLite has one writer at a
time anyway and keeps its row triggers.

Revision ID: 0018_availability_at_commit
Revises: 0017_availability_version
Create Date: 2026-12-05
"""

from alembic import op

revision = "0018_availability_at_commit"
down_revision = "0017_availability_version"
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
FUNCTION = "bump_availability_version()"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in WATCHED.items():
        update = f"UPDATE OF {columns}" if columns else "UPDATE"
        op.execute(f"DROP TRIGGER {table}_move_availability ON {table}")
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_move_availability AFTER INSERT OR {update} "
            f"OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {FUNCTION}"
        )
        op.execute(
            f"CREATE TRIGGER {table}_truncate_moves_availability AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in WATCHED.items():
        update = f"UPDATE OF {columns}" if columns else "UPDATE"
        op.execute(f"DROP TRIGGER {table}_move_availability ON {table}")
        op.execute(f"DROP TRIGGER {table}_truncate_moves_availability ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_move_availability AFTER INSERT OR {update} OR DELETE "
            f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}"
        )
