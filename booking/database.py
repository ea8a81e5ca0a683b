"""Database plumbing: the declarative base, an aware-UTC column type, SQLite connection set-up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Engine, MetaData, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

# Named constraints, so migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


def utc_now() -> datetime:
    """The current time, aware, in UTC (for row timestamps; domain code takes `now` instead)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive values are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store aware datetimes only")
        value = value.astimezone(UTC)
        # SQLite has no time zone type; store the UTC wall time and restore the zone on read.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class epoch_seconds(FunctionElement[int]):
    """A UTC timestamp column as whole seconds since 1970, rounded down (or up, `up=True`).

    For reading many times at once: the database hands back small integers, which cost far
    less to fetch and compare than datetimes.
    """

    type = BigInteger()
    inherit_cache = True

    def __init__(self, column: Any, up: bool = False) -> None:
        self.up = up
        super().__init__(column)


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    rounding = "ceil" if element.up else "floor"
    column = compiler.process(element.clauses, **kw)
    return f"CAST({rounding}(extract(epoch FROM {column})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC. The whole seconds are read without the
    # fraction (strftime would round it, through milliseconds); rounding up adds a second when
    # the fraction is not zero.
    column = compiler.process(element.clauses, **kw)
    seconds = f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER)"
    if element.up:
        return f"({seconds} + (CAST(substr({column}, 21) AS INTEGER) > 0))"
    return seconds


class Base(DeclarativeBase):
    """Declarative base for every model."""

    # One registry holding both, as SQLAlchemy 2.1 asks when a subclass (Flask-SQLAlchemy's
    # db.Model) is made from this base.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite safe for concurrent web requests.

    WAL lets readers carry on while one connection writes; the busy timeout makes a second
    writer wait instead of failing at once; foreign keys are off in SQLite unless asked for.
    pysqlite's own transaction handling is switched off so that every transaction starts with
    an explicit BEGIN: DEFERRED for reads (they never block anyone under WAL), IMMEDIATE for
    writes, asked for with ``sqlite_begin="IMMEDIATE"`` (see `booking.transactions`). Measured
    here: with pysqlite's default (no BEGIN before a SELECT) two concurrent writers both see a
    time as free and both book it; with a deferred BEGIN most concurrent writers fail with
    "database is locked" when they try to turn their read into a write.

    A SQLite read transaction sees the database as it was when it began (PostgreSQL's READ
    COMMITTED sees each new commit), so long-lived loops such as workers must end their
    transaction (commit or rollback) on every pass.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop pysqlite from issuing its own BEGIN; the "begin" listener below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, not left in free pages: an erased client's
        # details must not survive in the file (booking/services/privacy/erasure.py).
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode not in SQLITE_BEGIN_MODES:
            raise ValueError(f"unknown sqlite_begin mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")
