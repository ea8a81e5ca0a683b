"""Shared fixtures. Every database test runs on SQLite and, when TEST_DATABASE_URL is set, on
PostgreSQL too. In CI (CI=true) a missing PostgreSQL is a failure, not a skip."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from alembic import command
from argon2 import PasswordHasher, profiles
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import make_server

from booking import create_app, passwords
from booking.extensions import db
from booking.models.audit import SQLITE_GUARDS
from booking.models.changes import first_row_sql
from booking.services.demo import seed_demo
from config import TestingConfig
from tests.support import DEFAULT_NOW, IN_CI, missing, postgres_url
from tests.support import sms as fake_twilio
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LIVE
from tests.support.mail import Inbox, free_port


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests (they start servers of their own) run in CI, or with RUN_SLOW=1, so that a
    developer's `make test` stays within a few minutes."""
    if IN_CI or os.environ.get("RUN_SLOW"):
        return
    later = pytest.mark.skip(reason="slow: runs in CI, or locally with RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(later)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Hash test passwords with argon2's cheapest profile: real hashes, a hundredth of the time.

    Production keeps the strong defaults (booking/passwords.py); hashes made here still verify
    with any parameters, because argon2 reads them from the hash itself.
    """
    strong = passwords._hasher
    passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    passwords._hasher = strong


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One URL per database backend; tests using it run once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    return postgres_url()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance folder outside the project, so tests never touch a developer's files."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture
def make_app(database_url: str, instance_dir: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database with config overrides; disposes its engine after."""
    apps: list[Flask] = []

    def build(**overrides: object) -> Flask:
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
        app = create_app(TestingConfig(environ={}, **overrides), instance_path=str(instance_dir))
        app.extensions["clock"] = lambda: DEFAULT_NOW
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["page_cache"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def _schema(database_url: str, instance_dir: Path) -> Iterator[None]:
    """Build the schema once per backend with the real migrations, and drop it afterwards."""
    app = create_app(
        TestingConfig(environ={}, SQLALCHEMY_DATABASE_URI=database_url),
        instance_path=str(instance_dir),
    )
    with app.app_context():
        drop_everything()
        # Alembic itself rather than Flask-Migrate's wrapper, so a failure shows its traceback.
        command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")
    yield
    with app.app_context():
        drop_everything()
        db.engine.dispose()


def drop_everything() -> None:
    """Remove every table, including ones the models no longer know and Alembic's record."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(_schema: None, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """An app on a clean test database, with the clock frozen at DEFAULT_NOW."""
    app = make_app()
    yield app
    with app.app_context():
        db.session.remove()
        empty_all_tables()


def empty_all_tables() -> None:
    """Delete every row, children first, so the next test starts clean."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # The audit trail refuses DELETE; lift the guard while emptying, then put it back.
            for name in SQLITE_GUARDS:
                connection.execute(text(f"DROP TRIGGER IF EXISTS audit_events_no_{name.lower()}"))
            for table in tables:
                connection.execute(table.delete())
            for statement in SQLITE_GUARDS.values():
                connection.execute(text(statement))
        # Pages are kept in every test, as in production: a test that changes the diary and
        # reloads a page checks the kept page was thrown away.
        connection.execute(text(first_row_sql(connection.dialect.name)))


@pytest.fixture
def client(app: Flask):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def freeze(app: Flask) -> Callable[[datetime], None]:
    """Set the app's clock to a fixed moment."""

    def set_now(moment: datetime) -> None:
        app.extensions["clock"] = lambda: moment

    return set_now


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (skipped locally, a failure in CI, if missing)."""
    if not CHROMIUM.exists():
        missing("Chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served on a free local port, for the browser: its base URL.

    Only the server: the data a test needs comes from its other fixtures (practice, or a
    module's own), which may add rows before or after this one starts.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    LIVE["app"] = app
    yield f"http://127.0.0.1:{server.server_port}"
    LIVE.clear()
    server.shutdown()
    thread.join()


@pytest.fixture
def inbox(app):
    """A real SMTP server on a free port, with the app pointed at it."""
    handler = Inbox()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), data_size_limit=200_000
    )
    controller.start()
    handler.port = controller.port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield handler
    controller.stop()


@pytest.fixture
def texts(app):
    """A local server speaking Twilio's Messages API, with the app's SMS settings on it."""
    state, server = fake_twilio.start()
    app.config.update(
        TWILIO_ACCOUNT_SID=fake_twilio.ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=fake_twilio.AUTH_TOKEN,
        SMS_FROM="StillWaters",
        SMS_API_BASE_URL=state.url,
    )
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def practice(app):
    with app.app_context():
        seed_demo(DEFAULT_NOW, app.config["PRACTICE_TIMEZONE"])
