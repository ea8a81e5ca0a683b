"""Rotating the encryption key re-encrypts every encrypted column, both texts of the session
records and manage tokens too: a column left out would be unreadable once the old key is taken
away."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from booking.encryption import EncryptionKeyError, cipher
from booking.extensions import db
from booking.models import Booking, SessionNote
from booking.services.booking.tokens import give_token, stored_token
from booking.services.sessions.records import SessionRecord, records_for
from tests.support.factories import make_booking


@pytest.mark.parametrize(
    ("avoid_next", "rewritten"),
    [
        pytest.param(None, 1, id="a note kept from before the session record"),
        pytest.param("Nothing on the neck.", 2, id="a record with what to avoid next time"),
    ],
)
def test_a_session_record_survives_a_key_rotation(app, make_app, avoid_next, rewritten):
    # `app` empties the tables afterwards; the apps made here differ only in their keys.
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with make_app(FIELD_ENCRYPTION_KEY=old).app_context():
        booking = make_booking()
        db.session.flush()
        db.session.add(
            SessionNote(
                booking_id=booking.id,
                note_encrypted=cipher().encrypt("Lighter on the left shoulder."),
                avoid_next_encrypted=cipher().encrypt(avoid_next) if avoid_next else None,
                created_at=booking.start_utc,
                updated_at=booking.start_utc,
            )
        )
        db.session.commit()
        booking_id = booking.id

    both = make_app(FIELD_ENCRYPTION_KEY=f"{new},{old}")
    result = both.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert result.exit_code == 0, result.output
    assert f"Re-encrypted {rewritten} stored values" in result.output

    with make_app(FIELD_ENCRYPTION_KEY=new).app_context():
        assert records_for({booking_id}) == {
            booking_id: SessionRecord(
                helped="Lighter on the left shoulder.", avoid_next=avoid_next or ""
            )
        }
    with make_app(FIELD_ENCRYPTION_KEY=old).app_context():
        stored = db.session.scalars(select(SessionNote)).one()
        for encrypted in filter(None, [stored.note_encrypted, stored.avoid_next_encrypted]):
            with pytest.raises(EncryptionKeyError):
                cipher().decrypt(encrypted)


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


def test_an_own_calendar_address_survives_a_key_rotation(app, make_app):
    from booking.models import BusyCalendar
    from booking.services.busy_calendar import addresses
    from booking.services.staff import audit
    from tests.support import DEFAULT_NOW
    from tests.support.factories import make_practitioner

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    address = "https://calendar.example.test/private-abc/basic.ics"
    with make_app(FIELD_ENCRYPTION_KEY=old).app_context():
        practitioner = make_practitioner()
        db.session.commit()
        practitioner_id = practitioner.id
        addresses.save_address(practitioner_id, address, audit.SYSTEM_ACTOR, DEFAULT_NOW)

    both = make_app(FIELD_ENCRYPTION_KEY=f"{new},{old}")
    result = both.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 stored values" in result.output

    with make_app(FIELD_ENCRYPTION_KEY=new).app_context():
        row = db.session.get(BusyCalendar, practitioner_id)
        assert cipher().decrypt(row.address_encrypted) == address
