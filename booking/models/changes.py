"""A counter the database moves on with every change to what the public pages show.

Pages such as the times page are kept, rendered, for as long as nothing they show can have
changed (views/page_cache.py). "Nothing changed" must hold for every writer, so the counter
is moved by triggers on the tables themselves, in the writer's own transaction (on PostgreSQL
as it commits): a cached page can never outlive a booking, an opening, a closure or a setting,
whoever made it.

The one row also carries a `generation`, new whenever the row is made again (a database
emptied or made afresh), so counting from 0 again never matches a page kept from before. A
database restored from a dump brings back the dump's generation and version: restart the web
workers after a restore (their kept pages last at most five minutes anyway).
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, String, event
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db


class AvailabilityVersion(db.Model):
    """The one row: (1, generation, version)."""

    __tablename__ = "availability_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger)


# Table -> the columns whose change matters (None: any change). A booking's answers, tokens
# and notes change often and never change what is free.
WATCHED: dict[str, tuple[str, ...] | None] = {
    "bookings": (
        "status",
        "practitioner_id",
        "service_id",
        "start_utc",
        "end_utc",
        "blocked_from_utc",
        "blocked_until_utc",
    ),
    "opening_hours": None,
    "openings": None,
    "closures": None,
    "busy_blocks": None,
    "services": None,
    "practitioners": None,
    "practice_settings": None,
}

BUMP = "UPDATE availability_version SET version = version + 1 WHERE id = 1"
_FUNCTION = "bump_availability_version"


def first_row_sql(dialect: str) -> str:
    """The row, with a generation of its own."""
    generation = "md5(random()::text)" if dialect == "postgresql" else "lower(hex(randomblob(16)))"
    return f"INSERT INTO availability_version (id, generation, version) VALUES (1, {generation}, 0)"  # noqa: S608 - constants


def trigger_sql(dialect: str) -> list[str]:
    """The statements that install the triggers (after the tables exist)."""
    if dialect == "postgresql":
        statements = [
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        ]
        for table, columns in WATCHED.items():
            update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
            # Deferred to commit: the one row's lock is held for the commit alone, so two
            # bookings never wait for each other's whole transaction.
            statements.append(
                f"CREATE CONSTRAINT TRIGGER {table}_move_availability AFTER INSERT OR {update} "
                f"OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"EXECUTE FUNCTION {_FUNCTION}()"
            )
            statements.append(
                f"CREATE TRIGGER {table}_truncate_moves_availability AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            )
        return statements
    statements = []
    for table, columns in WATCHED.items():
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        for event_name, when in (("insert", "INSERT"), ("update", update), ("delete", "DELETE")):
            statements.append(
                f"CREATE TRIGGER {table}_move_availability_{event_name} AFTER {when} ON {table} "
                f"FOR EACH ROW BEGIN {BUMP}; END"
            )
    return statements


def _install(target, connection, **_kw) -> None:
    dialect = connection.dialect.name
    connection.execute(DDL(first_row_sql(dialect)))
    for statement in trigger_sql(dialect):
        connection.execute(DDL(statement))


# db.create_all() (a fresh database without migrations) gets the same as migrations 0017-0018.
event.listen(db.metadata, "after_create", _install)
