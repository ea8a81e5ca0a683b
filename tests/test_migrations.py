"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from booking.extensions import db
from config import database_url as normalise_url
from tests.support import sqlite_only
from tests.support.schema import schema_snapshot

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@pytest.fixture
def new_database(database_url: str, tmp_path) -> Iterator[Callable[[], str]]:
    """Make brand-new, empty databases on the same backend; drop them afterwards."""
    created: list[str] = []
    server = make_url(normalise_url(database_url))
    admin = (
        None
        if database_url.startswith("sqlite")
        else create_engine(server, isolation_level="AUTOCOMMIT")
    )

    def make() -> str:
        name = f"migr_{uuid.uuid4().hex[:10]}"
        if admin is None:
            return f"sqlite:///{tmp_path / (name + '.db')}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as connection:
            for name in created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_migrations_build_the_same_schema_as_the_models(make_app, new_database):
    migrated = make_app(SQLALCHEMY_DATABASE_URI=new_database())
    result = migrated.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    from_models = make_app(SQLALCHEMY_DATABASE_URI=new_database())

    with migrated.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []  # Alembic's own view: nothing pending
        migrated_schema = schema_snapshot(connection)
    with from_models.app_context():
        db.create_all()
        with db.engine.connect() as connection:
            model_schema = schema_snapshot(connection)

    # Autogenerate does not compare CHECKs, triggers or exclusion constraints; this does.
    assert migrated_schema == model_schema
    assert set(migrated_schema) >= set(db.metadata.tables)


def test_migrations_downgrade_to_nothing_and_leave_foreign_keys_on(make_app, new_database):
    app = make_app(SQLALCHEMY_DATABASE_URI=new_database())
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        if connection.dialect.name == "sqlite":
            # The migration switches foreign keys off while it runs; the app gets them back.
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


BROKEN_MIGRATION = """
from alembic import op

revision = "9999_orphan"
down_revision = "0002_no_overlapping_bookings"


def upgrade():
    op.execute(
        "INSERT INTO opening_hours (practitioner_id, weekday, start_local, end_local, valid_from,"
        " created_at) VALUES (424242, 0, '10:00:00', '12:00:00', '2026-12-01', '2026-11-21')"
    )
"""


@sqlite_only
def test_a_sqlite_migration_that_breaks_foreign_keys_changes_nothing(
    make_app, new_database, tmp_path
):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9999_orphan.py").write_text(BROKEN_MIGRATION)
    app = make_app(SQLALCHEMY_DATABASE_URI=new_database())
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0002_no_overlapping_bookings"]).exit_code == 0

    result = runner.invoke(args=["db", "upgrade", "-d", str(migrations)])

    assert result.exit_code != 0
    with app.app_context(), db.engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == "0002_no_overlapping_bookings"
        assert connection.exec_driver_sql("SELECT count(*) FROM opening_hours").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_overlap_rule_will_not_install_over_existing_overlaps(make_app, new_database):
    app = make_app(SQLALCHEMY_DATABASE_URI=new_database())
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0001_core_data"]).exit_code == 0
    tables = db.metadata.tables
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(tables["practitioners"].insert(), {"id": 1, "name": "M", "email": "m@x"})
        connection.execute(tables["clients"].insert(), {"id": 1, "name": "A", "email": "a@x"})
        connection.execute(
            tables["services"].insert(), {"id": 1, "slug": "s", "name": "S", "minutes": 60}
        )
        for uid, minute in (("a", 0), ("b", 30)):  # 10:00 to 11:00 and 10:30 to 11:30
            start = datetime(2026, 12, 1, 10, minute, tzinfo=UTC)
            end = start + timedelta(hours=1)
            connection.execute(
                tables["bookings"].insert(),
                {
                    "client_id": 1,
                    "practitioner_id": 1,
                    "service_id": 1,
                    "start_utc": start,
                    "end_utc": end,
                    "blocked_from_utc": start,
                    "blocked_until_utc": end,
                    "ical_uid": uid,
                },
            )

    result = runner.invoke(args=["db", "upgrade"])

    assert result.exit_code != 0  # as PostgreSQL refuses to add its constraint, so does SQLite
    with app.app_context(), db.engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == "0001_core_data"
