"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from booking.extensions import db
from config import database_url as normalise_url
from tests.schema import schema_snapshot


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
