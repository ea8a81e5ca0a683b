"""Keeping health data private: re-encrypting it when the key changes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, BusyCalendar, Intake, SessionNote
from booking.transactions import write_transaction

BATCH = 200


def rotate_encryption() -> int:
    """Re-encrypt every encrypted value with the newest key; returns how many were rewritten.

    Every encrypted column is covered: intake answers and review notes, both texts of the
    therapist's session records, the bookings' manage tokens and the therapists' own calendar
    addresses (a column left out would be
    unreadable once the old key is removed). Runs in batches of one transaction each, so a long
    run holds no lock for long; a second run after an interruption simply finishes the job
    (rotating twice is harmless).
    """
    return (
        _rotate_rows(Intake, _rotate_intake)
        + _rotate_rows(SessionNote, _rotate_note)
        + _rotate_rows(Booking, _rotate_manage_token)
        + _rotate_calendar_addresses()
    )


def _rotate_intake(intake: Intake) -> int:
    intake.answers_encrypted = cipher().rotate(intake.answers_encrypted)
    if not intake.review_note_encrypted:
        return 1
    intake.review_note_encrypted = cipher().rotate(intake.review_note_encrypted)
    return 2


def _rotate_note(note: SessionNote) -> int:
    note.note_encrypted = cipher().rotate(note.note_encrypted)
    if not note.avoid_next_encrypted:
        return 1
    note.avoid_next_encrypted = cipher().rotate(note.avoid_next_encrypted)
    return 2


def _rotate_manage_token(booking: Booking) -> int:
    if not booking.manage_token_sealed:
        return 0
    booking.manage_token_sealed = cipher().rotate(booking.manage_token_sealed)
    return 1


def _rotate_calendar_addresses() -> int:
    """The therapists' own calendar addresses: one a therapist, so one transaction."""
    with write_transaction():
        rows = db.session.scalars(select(BusyCalendar)).all()
        for row in rows:
            row.address_encrypted = cipher().rotate(row.address_encrypted)
    return len(rows)


def _rotate_rows(model: type, rotate: Callable[..., int]) -> int:
    rewritten = 0
    last_id = 0
    while True:
        with write_transaction():
            rows = db.session.scalars(
                select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)
            ).all()
            for row in rows:
                rewritten += rotate(row)
        if len(rows) < BATCH:
            return rewritten
        last_id = rows[-1].id
