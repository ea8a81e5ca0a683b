"""The therapist's record after a session: one per booking, editable, partly encrypted.

What was done (hands-on minutes, pressure, positions, areas) is stored plainly, so the timeline
and the next session's suggestion can read it without decrypting; what helped and what to avoid
next time may mention health, so they are stored encrypted like the intake answers
(booking/encryption.py). Shown to the therapist and admin only; the audit trail records that a
record was written or read, never what it says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from booking.clock import local_date
from booking.domain.audit import AuditAction
from booking.domain.intake import BODY_AREAS
from booking.domain.intake_rules import SessionPlan, session_plan
from booking.domain.session_record import (
    ARRIVED,
    MOST_MINUTES,
    POSITIONS,
    PRESSURE_KEYS,
    RecordDraft,
    draft_record,
    join_keys,
    split_keys,
)
from booking.domain.statuses import BookingStatus
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, SessionAdjustment, SessionNote, StaffUser
from booking.services.intake.questionnaire import answers_of, latest_intake
from booking.services.intake.screening import screening_conditions
from booking.services.sessions.agreed import agreed_for
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

NOTE_LIMIT = 2000


class NoteRefused(Exception):
    """The record cannot be saved as asked; the message says why in plain words, and `field`
    names the form field it is about (None: the whole record)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownSession(LookupError):
    """No booking has this id."""


class NoteChangedMeanwhile(Exception):
    """Someone else saved this record after the form was opened; nothing was saved."""


@dataclass(frozen=True)
class SessionRecord:
    """A saved record, decrypted. Records kept from before the session record existed have
    only `helped` (the old note): their other parts are empty."""

    hands_on_minutes: int | None = None
    pressure: int | None = None
    positions: list[str] = field(default_factory=list)
    areas_worked: list[str] = field(default_factory=list)
    areas_avoided: list[str] = field(default_factory=list)
    arrived: str | None = None
    helped: str = ""
    avoid_next: str = ""

    @property
    def has_details(self) -> bool:
        """Whether it says what was done (not only an old note)."""
        return self.hands_on_minutes is not None and self.pressure is not None


@dataclass(frozen=True)
class RecordPage:
    """A session with its record, or the draft the form starts from."""

    booking: Booking
    record: SessionRecord | None
    draft: RecordDraft
    plan: SessionPlan | None
    written_by: str | None  # the email of whoever saved it last
    updated_at: datetime | None
    version: str  # changes whenever the record is saved


def version_of(note: SessionNote | None) -> str:
    """A short digest of the stored record (empty when there is none)."""
    if note is None:
        return ""
    stored = "|".join(
        str(part)
        for part in (
            note.note_encrypted,
            note.avoid_next_encrypted,
            note.hands_on_minutes,
            note.pressure,
            note.positions,
            note.areas_worked,
            note.areas_avoided,
            note.arrived,
        )
    )
    return hashlib.sha256(stored.encode()).hexdigest()[:16]


def why_not_yet(booking: Booking, now: datetime) -> str | None:
    """Why no record can be written for this session now, or None when one can."""
    if booking.status == BookingStatus.CANCELLED:
        return "This session was cancelled, so there is nothing to record."
    if booking.start_utc > now:
        return "You can write the record once the session has started."
    return None


def decrypted(note: SessionNote) -> SessionRecord:
    """The stored record, readable."""
    return SessionRecord(
        hands_on_minutes=note.hands_on_minutes,
        pressure=note.pressure,
        positions=split_keys(note.positions),
        areas_worked=split_keys(note.areas_worked),
        areas_avoided=split_keys(note.areas_avoided),
        arrived=note.arrived,
        helped=cipher().decrypt(note.note_encrypted),
        avoid_next=cipher().decrypt(note.avoid_next_encrypted) if note.avoid_next_encrypted else "",
    )


def booked_hands_on(booking: Booking) -> int:
    """The hands-on minutes the booked session allows."""
    return booking.service.hands_on_minutes or booking.service.minutes


def plan_for(client_id: int, today: date) -> SessionPlan | None:
    """The session plan from the client's latest questionnaire, if they answered anything."""
    intake = latest_intake(client_id)
    if intake is None:
        return None
    return session_plan(answers_of(intake), screening_conditions(include_inactive=True), today)


def record_page(booking_id: int, now: datetime) -> RecordPage | None:
    """The session, its record and the form's starting point; None for an unknown booking."""
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
    plan = plan_for(booking.client_id, local_date(now))
    agreed = agreed_for(booking_id)
    last_time = _last_time(booking)
    minutes = planned_minutes(booking, agreed)
    if agreed is None and last_time and last_time.hands_on_minutes is not None:
        minutes = min(minutes, last_time.hands_on_minutes)  # as last time, never more
    draft = draft_record(
        plan,
        hands_on_minutes=minutes,
        pressure=agreed.pressure if agreed else None,
        checkin=booking.checkin_answer,
        last_time=last_time,
    )
    row = db.session.execute(
        select(SessionNote, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == SessionNote.written_by_id)
        .where(SessionNote.booking_id == booking_id)
    ).one_or_none()
    if row is None:
        return RecordPage(booking, None, draft, plan, None, None, "")
    note, email = row
    return RecordPage(
        booking, decrypted(note), draft, plan, email, note.updated_at, version_of(note)
    )


def planned_minutes(booking: Booking, agreed: SessionAdjustment | None) -> int:
    """The hands-on time planned before the session: what was agreed (an offer of more only
    once the client said yes; until then, what it was offered instead of), else the most the
    booking allows."""
    allowed = booked_hands_on(booking)
    if agreed is None:
        return allowed
    if agreed.offered_from_minutes is not None and agreed.client_answer != "yes":
        return min(agreed.offered_from_minutes, agreed.hands_on_minutes, allowed)
    return min(agreed.hands_on_minutes, allowed)


def _last_time(booking: Booking) -> RecordDraft | None:
    """What was recorded for the client's latest earlier session, as a starting point."""
    note = db.session.scalars(
        select(SessionNote)
        .join(Booking, Booking.id == SessionNote.booking_id)
        .where(
            Booking.client_id == booking.client_id,
            Booking.start_utc < booking.start_utc,
            SessionNote.pressure.is_not(None),
        )
        .order_by(Booking.start_utc.desc())
        .limit(1)
    ).first()
    if note is None:
        return None
    return RecordDraft(
        note.hands_on_minutes,
        note.pressure,
        split_keys(note.positions),
        split_keys(note.areas_worked),
        split_keys(note.areas_avoided),
        note.arrived,
    )


def records_for(booking_ids: set[int]) -> dict[int, SessionRecord]:
    """The records of these bookings, decrypted, by booking id: one query."""
    if not booking_ids:
        return {}
    notes = db.session.scalars(select(SessionNote).where(SessionNote.booking_id.in_(booking_ids)))
    return {note.booking_id: decrypted(note) for note in notes}


def _checked(record: SessionRecord) -> SessionRecord:
    """The record, or NoteRefused saying what to change (the form checks the same first)."""
    minutes = record.hands_on_minutes
    if minutes is None or not 0 <= minutes <= MOST_MINUTES:
        raise NoteRefused(
            f"Please give the hands-on minutes, from 0 to {MOST_MINUTES}.", "hands_on_minutes"
        )
    if record.pressure not in PRESSURE_KEYS:
        raise NoteRefused("Please choose the pressure, from 1 to 5.", "pressure")
    if record.arrived is not None and record.arrived not in dict(ARRIVED):
        raise NoteRefused("Please choose how they arrived from the list.", "arrived")
    for name, text in (("helped", record.helped), ("avoid_next", record.avoid_next)):
        if len(text) > NOTE_LIMIT:
            raise NoteRefused(f"Please keep this to {NOTE_LIMIT:,} characters or fewer.", name)
    return record


@retry_conflicts
def save_record(
    booking_id: int, record: SessionRecord, seen: str, staff_user_id: int, now: datetime
) -> bool:
    """Write or change the session's record; True if it changed, False if it was the same.

    Raises UnknownSession, NoteRefused (too early, cancelled, or a value out of range), or
    NoteChangedMeanwhile when `seen` is not the version the form was opened with.
    """
    record = _checked(record)
    with write_transaction():
        # Locked, so two people saving at once write one record, one after the other.
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
        if note is not None and decrypted(note) == record:
            return False
        if note is None:
            note = SessionNote(booking_id=booking_id, created_at=now)
            db.session.add(note)
            detail = "record added"
        else:
            detail = "record changed"
        note.hands_on_minutes = record.hands_on_minutes
        note.pressure = record.pressure
        note.positions = join_keys(record.positions, POSITIONS)
        note.areas_worked = join_keys(record.areas_worked, BODY_AREAS)
        note.areas_avoided = join_keys(record.areas_avoided, BODY_AREAS)
        note.arrived = record.arrived
        note.note_encrypted = cipher().encrypt(record.helped)
        avoid = record.avoid_next
        note.avoid_next_encrypted = cipher().encrypt(avoid) if avoid else None
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
