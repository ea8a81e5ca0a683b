"""Health answers are encrypted at rest, readable by the app, and survive a key rotation."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from booking.encryption import EncryptionKeyError, cipher
from booking.extensions import db
from booking.models import Intake
from booking.services import booking as bookings
from booking.services.demo import seed_demo
from booking.services.intake import questionnaire as intakes
from config import Config, ConfigError, ProductionConfig
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client
from tests.support.intake import intake_link, post_page


def book_and_answer(app, medications: str) -> str:
    """Book a first session and save a health answer through the service; the intake's link."""
    with app.app_context():
        seed_demo(DEFAULT_NOW, app.config["PRACTICE_TIMEZONE"])
        token = bookings.new_manage_token()
        details = bookings.ClientDetails(name="Ann Smith", email="ann@example.com")
        result = bookings.book("first-gentle-session", MONDAY, None, details, token, DEFAULT_NOW)
        intake = intakes.latest_intake(result.booking.client_id)
        link = intakes.link_token(intake)
        answers = {"now": ["none"], "history": ["none"], "medications": medications}
        intakes.save_page(link, "screening", answers, DEFAULT_NOW)
        intakes.save_draft(link, "care", {"other_practitioners": medications}, DEFAULT_NOW)
        return link


def raw_dump(app) -> str:
    """Every row of every table as the database returns it, plus SQLite's files on disk."""
    parts = []
    with app.app_context(), db.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            quoted = connection.dialect.identifier_preparer.quote(table)
            if connection.dialect.name == "postgresql":
                rows = connection.execute(text(f"SELECT t::text FROM {quoted} AS t"))
            else:
                rows = connection.execute(text(f"SELECT * FROM {quoted}"))
            parts.extend(repr(tuple(row)) for row in rows)
        if connection.dialect.name == "sqlite":
            database = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
            for path in (database, Path(f"{database}-wal")):
                if path.exists():
                    parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_a_canary_answer_appears_nowhere_in_the_database_but_the_app_reads_it(app, caplog):
    canary = f"canary-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)
    book_and_answer(app, canary)

    dump = raw_dump(app)
    assert "Ann Smith" in dump  # the dump is real: plain columns show up
    assert canary not in dump
    assert canary not in caplog.text
    with app.app_context():
        intake = db.session.scalars(select(Intake)).one()
        assert intakes.answers_of(intake)["screening"]["medications"] == canary
        assert intakes._blob(intake)["drafts"]["care"]["other_practitioners"] == canary


def test_a_canary_typed_into_the_pages_reaches_neither_database_nor_logs(
    app, client, practice, caplog
):
    canary = f"canary-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)
    link = intake_link(client, book_as_client(app))
    fields = {"now": ["none"], "history": ["none"], "medications": canary}
    assert post_page(client, link, "screening", fields).status_code == 303
    assert post_page(client, link, "senses", {"light": canary}).status_code == 422  # a bad choice
    assert canary not in raw_dump(app)
    assert canary not in caplog.text
    assert canary in client.get(f"{link}/screening").get_data(as_text=True)


def test_the_development_key_is_generated_once_and_kept_private(app):
    key_file = Path(app.instance_path) / "field_encryption_key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_keys_rotate_without_losing_an_answer(app, make_app):
    # `app` empties the tables afterwards; the apps made here differ only in their keys.
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = make_app(FIELD_ENCRYPTION_KEY=old)
    link = book_and_answer(first, "my-medicines")

    both = make_app(FIELD_ENCRYPTION_KEY=f"{new},{old}")
    result = both.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert result.exit_code == 0, result.output
    # The answers, and the booking's manage token kept for its messages.
    assert "Re-encrypted 2 stored values" in result.output

    only_new = make_app(FIELD_ENCRYPTION_KEY=new)
    with only_new.app_context():
        state = intakes.open_intake(link, DEFAULT_NOW)
        assert state.answers["screening"]["medications"] == "my-medicines"
    only_old = make_app(FIELD_ENCRYPTION_KEY=old)
    with only_old.app_context(), pytest.raises(EncryptionKeyError):
        intakes.open_intake(link, DEFAULT_NOW)


def test_rotating_with_a_missing_old_key_says_what_to_do(app, make_app):
    book_and_answer(make_app(FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode()), "x")
    stranger = make_app(FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode())
    result = stranger.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert result.exit_code != 0
    assert "Keep the old key in the list" in result.output


def test_a_malformed_key_is_refused_at_start_up():
    with pytest.raises(ConfigError, match="key 2 is not a Fernet key"):
        Config(environ={"FIELD_ENCRYPTION_KEY": f"{Fernet.generate_key().decode()},nonsense"})


def test_production_needs_an_encryption_key():
    environ = {"SECRET_KEY": "s" * 48}
    with pytest.raises(ConfigError, match="FIELD_ENCRYPTION_KEY is not set"):
        ProductionConfig(environ=environ)
    key = Fernet.generate_key().decode()
    assert ProductionConfig(environ={**environ, "FIELD_ENCRYPTION_KEY": key, "MAIL_SERVER": "mx"})


def test_the_cipher_round_trips_unicode_and_refuses_tampering(app):
    with app.app_context():
        token = cipher().encrypt({"note": "Zoë — café ☕"})
        assert cipher().decrypt(token) == {"note": "Zoë — café ☕"}
        with pytest.raises(EncryptionKeyError):
            cipher().decrypt(token[:-4] + "AAAA")
