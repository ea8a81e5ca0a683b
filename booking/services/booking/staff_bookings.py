"""Staff changing a booking by its id: reschedule, cancel, attended or no-show.

Each change is one transaction that locks the booking, checks the form saw the booking as it
is now (a stale form changes nothing), makes the change through the same code as the
client's manage link (booking/services/booking/changes.py), and writes its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import practice_zone
from booking.domain.audit import AuditAction
from booking.domain.desk_rules import (
    STAFF_CANCEL_REASONS,
    attendance_problem,
    booking_version,
    cancel_note_value,
)
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import AuditEvent, Booking
from booking.services import booking as bookings
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction


class StaleBooking(bookings.BookingError):
    """Someone changed the booking after the form was opened: nothing was changed."""

    field = "version"

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this booking while you had the page open, so nothing was "
            "changed. Here is how it is now; please check before trying again."
        )


class UnknownBooking(LookupError):
    """No booking has this id."""


def version_of(booking: Booking) -> str:
    """The fingerprint a form carries to prove it saw the booking as it is now."""
    return booking_version(
        booking.status,
        booking.ical_sequence,
        booking.updated_at,
        booking.start_utc,
        booking.practitioner_id,
    )


def find_booking(booking_id: int) -> Booking | None:
    """The booking with its client, therapist and service (one query), or None."""
    return db.session.scalars(
        select(Booking)
        .options(
            joinedload(Booking.client),
            joinedload(Booking.practitioner),
            joinedload(Booking.service),
        )
        .where(Booking.id == booking_id)
    ).first()


def history(booking_id: int) -> list[AuditEvent]:
    """What staff did to this booking, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.booking_id == booking_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


def _locked(booking_id: int, version: str) -> Booking:
    booking = db.session.scalars(
        select(Booking).where(Booking.id == booking_id).with_for_update()
    ).first()
    if booking is None:
        raise UnknownBooking(booking_id)
    if version != version_of(booking):
        raise StaleBooking()
    return booking


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(practice_zone()):%a %d %b %Y %H:%M}"


@dataclass(frozen=True)
class MoveOutcome:
    """A moved booking, and whether the new time was outside the offered ones."""

    booking: Booking
    outside_hours: bool


def reschedule(
    booking_id: int,
    new_start: datetime,
    version: str,
    staff_user_id: int,
    now: datetime,
    outside_hours_reason: str | None = None,
) -> MoveOutcome:
    """Move a session to another time with the same therapist, as the client's link does.

    With `outside_hours_reason` (the explicit override) a time the rules do not offer is
    allowed; the database still refuses an overlap (`bookings.Overlaps`).
    """
    try:
        return _reschedule(booking_id, new_start, version, staff_user_id, now, outside_hours_reason)
    except bookings.TimeNotOffered as problem:
        booking = find_booking(booking_id)
        assert booking is not None
        problem.alternatives = bookings.nearby_slots(
            booking.service, [booking.practitioner], new_start, now, ignore_booking_id=booking.id
        )
        raise


@retry_conflicts
def _reschedule(
    booking_id: int,
    new_start: datetime,
    version: str,
    staff_user_id: int,
    now: datetime,
    outside_hours_reason: str | None,
) -> MoveOutcome:
    with write_transaction():
        booking = _locked(booking_id, version)
        bookings.ensure_changeable(booking, now)
        if new_start == booking.start_utc:
            return MoveOutcome(booking, False)
        was = booking.start_utc
        outside = bookings.apply_move(
            booking, new_start, now, by_staff=True, outside_hours=bool(outside_hours_reason)
        )
        detail = f"moved from {_local(was)} to {_local(new_start)}"
        if outside:
            detail += f"; outside opening hours, reason: {outside_hours_reason}"
        audit.record_booking_change(
            audit.actor_for(staff_user_id), AuditAction.RESCHEDULED, booking, now, detail=detail
        )
    return MoveOutcome(booking, outside)


@retry_conflicts
def cancel(
    booking_id: int, reason: str, note: str, version: str, staff_user_id: int, now: datetime
) -> Booking:
    """Cancel a session for the client, always free; the client is told (no charge)."""
    if reason not in STAFF_CANCEL_REASONS:
        raise bookings.BookingError("Please choose why the session is cancelled.")
    with write_transaction():
        booking = _locked(booking_id, version)
        bookings.ensure_changeable(booking, now)
        bookings.apply_cancel(booking, reason, now, note=cancel_note_value(note))
        audit.record_booking_change(
            audit.actor_for(staff_user_id),
            AuditAction.CANCELLED,
            booking,
            now,
            detail=f"{_local(booking.start_utc)}; reason: {reason}",
        )
    return booking


class NotMarkable(bookings.BookingError):
    """The session cannot be marked attended or a no-show (yet, or ever)."""


@retry_conflicts
def mark_attendance(
    booking_id: int, attended: bool, version: str, staff_user_id: int, now: datetime
) -> Booking:
    """Record that the client came, or did not; marking the same thing twice changes nothing."""
    wanted = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    with write_transaction():
        booking = _locked(booking_id, version)
        problem = attendance_problem(
            booking.status, booking.cancel_reason, booking.start_utc, now, attended=attended
        )
        if problem is not None:
            raise NotMarkable(problem)
        if booking.status == wanted:
            return booking
        was = booking.status
        booking.status = wanted
        action = AuditAction.MARKED_ATTENDED if attended else AuditAction.MARKED_NO_SHOW
        detail = f"{_local(booking.start_utc)}; was {was.value}"
        audit.record_booking_change(audit.actor_for(staff_user_id), action, booking, now, detail)
    return booking


def book_for_client(
    service_slug: str,
    start: datetime,
    practitioner_id: int,
    details: bookings.ClientDetails | None,
    client_id: int | None,
    booking_key: str,
    staff_user_id: int,
    now: datetime,
    outside_hours_reason: str | None = None,
) -> bookings.BookingResult:
    """Book on a client's behalf through the public flow's rules, audited in its transaction."""
    staff = bookings.StaffBooking(
        actor=audit.actor_for(staff_user_id),
        client_id=client_id,
        outside_hours_reason=outside_hours_reason or None,
    )
    return bookings.book(service_slug, start, practitioner_id, details, booking_key, now, staff)
