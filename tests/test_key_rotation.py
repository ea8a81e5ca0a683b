"""Rotating the encryption key re-encrypts every encrypted column, session notes and manage
tokens too: a column left out would be unreadable once the old key is taken away."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from booking.encryption import EncryptionKeyError, cipher
from booking.extensions import db
from booking.models import Booking, SessionNote
from booking.services.booking.tokens import give_token, stored_token
from booking.services.sessions.records import notes_for
from tests.support.factories import make_booking


def test_a_session_note_survives_a_key_rotation(app, make_app):
    # `app` empties the tables afterwards; the apps made here differ only in their keys.
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with make_app(FIELD_ENCRYPTION_KEY=old).app_context():
        booking = make_booking()
        db.session.flush()
        db.session.add(
            SessionNote(
                booking_id=booking.id,
                note_encrypted=cipher().encrypt("Lighter on the left shoulder."),
                created_at=booking.start_utc,
                updated_at=booking.start_utc,
            )
        )
        db.session.commit()
        booking_id = booking.id

    both = make_app(FIELD_ENCRYPTION_KEY=f"{new},{old}")
    result = both.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 stored values" in result.output

    with make_app(FIELD_ENCRYPTION_KEY=new).app_context():
        assert notes_for({booking_id}) == {booking_id: "Lighter on the left shoulder."}
    with make_app(FIELD_ENCRYPTION_KEY=old).app_context():
        stored = db.session.scalars(select(SessionNote)).one()
        with pytest.raises(EncryptionKeyError):
            cipher().decrypt(stored.note_encrypted)


def test_a_kept_manage_token_survives_a_key_rotation(app, make_app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with make_app(FIELD_ENCRYPTION_KEY=old).app_context():
        booking = make_booking()
        give_token(booking, "the-clients-own-link")
        db.session.commit()
        booking_id = booking.id

    both = make_app(FIELD_ENCRYPTION_KEY=f"{new},{old}")
    result = both.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 stored values" in result.output

    with make_app(FIELD_ENCRYPTION_KEY=new).app_context():
        assert stored_token(db.session.get(Booking, booking_id)) == "the-clients-own-link"
