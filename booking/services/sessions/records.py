"""The therapist's short note after a session: one per booking, encrypted, editable.

A note may mention the client's health, so it is stored encrypted like the intake answers
(booking/encryption.py), shown to the therapist and admin only, and the audit trail records
that it was written, never what it says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, SessionNote, StaffUser
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

NOTE_LIMIT = 2000


class NoteRefused(Exception):
    """The note cannot be saved as asked; the message says why in plain words."""


class UnknownSession(LookupError):
    """No booking has this id."""


class NoteChangedMeanwhile(Exception):
    """Someone else saved this note after the form was opened; nothing was saved."""


@dataclass(frozen=True)
class NotePage:
    """A session with its note, for the note page."""

    booking: Booking
    note: str | None
    written_by: str | None  # the email of whoever saved it last
    updated_at: datetime | None
    version: str  # changes whenever the note is saved


def version_of(note: SessionNote | None) -> str:
    """A short digest of the stored note (empty when there is none)."""
    if note is None:
        return ""
    return hashlib.sha256(note.note_encrypted.encode()).hexdigest()[:16]


def why_not_yet(booking: Booking, now: datetime) -> str | None:
    """Why no note can be written for this session now, or None when one can."""
    if booking.status == BookingStatus.CANCELLED:
        return "This session was cancelled, so there is nothing to note."
    if booking.start_utc > now:
        return "You can write a note once the session has started."
    return None


def decrypted(note: SessionNote) -> str:
    """The note's text."""
    return cipher().decrypt(note.note_encrypted)


def note_page(booking_id: int) -> NotePage | None:
    """The session and its note; None for an unknown booking. Two queries."""
    booking = db.session.scalars(
        select(Booking)
        .options(
            joinedload(Booking.client),
            joinedload(Booking.service),
            joinedload(Booking.practitioner),
        )
        .where(Booking.id == booking_id)
    ).one_or_none()
    if booking is None:
        return None
    row = db.session.execute(
        select(SessionNote, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == SessionNote.written_by_id)
        .where(SessionNote.booking_id == booking_id)
    ).one_or_none()
    if row is None:
        return NotePage(booking, None, None, None, "")
    note, email = row
    return NotePage(booking, decrypted(note), email, note.updated_at, version_of(note))


def notes_for(booking_ids: set[int]) -> dict[int, str]:
    """The notes of these bookings, decrypted, by booking id: one query."""
    if not booking_ids:
        return {}
    notes = db.session.scalars(select(SessionNote).where(SessionNote.booking_id.in_(booking_ids)))
    return {note.booking_id: decrypted(note) for note in notes}


@retry_conflicts
def save_note(booking_id: int, text: str, seen: str, staff_user_id: int, now: datetime) -> bool:
    """Write or change the session's note; True if it changed, False if it was the same.

    Raises UnknownSession, NoteRefused (too early, cancelled, empty or too long), or
    NoteChangedMeanwhile when `seen` is not the version the form was opened with.
    """
    text = text.strip()
    if not text:
        raise NoteRefused("Please write the note.")
    if len(text) > NOTE_LIMIT:
        raise NoteRefused(f"Please keep the note to {NOTE_LIMIT:,} characters or fewer.")
    with write_transaction():
        # Locked, so two people saving at once write one note, one after the other.
        booking = db.session.scalars(
            select(Booking).where(Booking.id == booking_id).with_for_update()
        ).one_or_none()
        if booking is None:
            raise UnknownSession(booking_id)
        refusal = why_not_yet(booking, now)
        if refusal:
            raise NoteRefused(refusal)
        note = db.session.scalars(
            select(SessionNote).where(SessionNote.booking_id == booking_id)
        ).one_or_none()
        if version_of(note) != seen:
            raise NoteChangedMeanwhile(booking_id)
        if note is not None and decrypted(note) == text:
            return False
        if note is None:
            note = SessionNote(booking_id=booking_id, created_at=now)
            db.session.add(note)
            detail = "note added"
        else:
            detail = "note changed"
        note.note_encrypted = cipher().encrypt(text)
        note.written_by_id = staff_user_id
        note.updated_at = now
        flag_modified(note, "updated_at")  # written even when equal, so onupdate never wins
        audit.record_booking_change(
            audit.actor_for(staff_user_id),
            AuditAction.WROTE_SESSION_NOTE,
            booking,
            now,
            detail=detail,
        )
    return True
