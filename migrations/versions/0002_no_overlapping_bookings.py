"""No two live bookings of one practitioner overlap: enforced by the database.

PostgreSQL: an exclusion constraint over (practitioner, [blocked_from, blocked_until)) for
every booking that is not cancelled (btree_gist gives the "=" on an integer). SQLite: BEFORE
INSERT/UPDATE triggers that refuse the same rows. Ranges are half-open, so back-to-back
bookings are fine. A later batch migration that rebuilds `bookings` on SQLite drops these
triggers and must create them again (tests/test_migrations.py compares triggers too).

Revision ID: 0002_no_overlapping_bookings
Revises: 0001_core_data
Create Date: 2026-11-21
"""

from alembic import op

revision = "0002_no_overlapping_bookings"
down_revision = "0001_core_data"
branch_labels = None
depends_on = None

SQLITE_OVERLAP_CHECK = """
    SELECT RAISE(ABORT, 'no_overlapping_bookings: that time overlaps another booking')
    WHERE NEW.status <> 'cancelled' AND EXISTS (
        SELECT 1 FROM bookings AS other
        WHERE other.practitioner_id = NEW.practitioner_id
          AND other.id IS NOT NEW.id
          AND other.status <> 'cancelled'
          AND julianday(other.blocked_from_utc) < julianday(NEW.blocked_until_utc)
          AND julianday(NEW.blocked_from_utc) < julianday(other.blocked_until_utc)
    );
"""

EXISTING_OVERLAPS = """
    SELECT a.id, b.id FROM bookings AS a JOIN bookings AS b
      ON a.practitioner_id = b.practitioner_id AND a.id < b.id
     AND a.status <> 'cancelled' AND b.status <> 'cancelled'
     AND julianday(a.blocked_from_utc) < julianday(b.blocked_until_utc)
     AND julianday(b.blocked_from_utc) < julianday(a.blocked_until_utc)
    LIMIT 1
"""


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT no_overlapping_bookings EXCLUDE USING gist "
            "(practitioner_id WITH =, tstzrange(blocked_from_utc, blocked_until_utc) WITH &&) "
            "WHERE (status <> 'cancelled')"
        )
    elif dialect == "sqlite":
        # PostgreSQL refuses to add its constraint over rows that already overlap; so do we.
        clash = op.get_bind().exec_driver_sql(EXISTING_OVERLAPS).first()
        if clash:
            raise RuntimeError(f"bookings {clash[0]} and {clash[1]} overlap; resolve them first")
        for when in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER no_overlapping_bookings_{when.lower()} BEFORE {when} ON bookings "
                f"FOR EACH ROW BEGIN {SQLITE_OVERLAP_CHECK} END"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.drop_constraint("no_overlapping_bookings", "bookings")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS no_overlapping_bookings_insert")
        op.execute("DROP TRIGGER IF EXISTS no_overlapping_bookings_update")
