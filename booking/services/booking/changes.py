"""Changing a booking: cancel, move, shorten (or lengthen, on a yes to an offer), by the
client's link or (apply_*) the desk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking.domain.messages import Change
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Service
from booking.services.booking import availability
from booking.services.booking.clients import sessions_of
from booking.services.booking.errors import (
    NotChangeable,
    Overlaps,
    TimeNotOffered,
    TimeTaken,
    UnknownService,
)
from booking.services.booking.making import (
    check_pacing,
    nearby_slots,
    not_offered,
    open_despite_hours,
    place,
)
from booking.services.booking.tokens import booking_by_token, find_by_token
from booking.services.messaging import notify
from booking.transactions import retry_conflicts, write_transaction

CANCEL_REASONS = {
    "not_well": "I'm not well enough today",
    "something_came_up": "Something else came up",
    "other": "Another reason",
    "prefer_not_to_say": "I'd rather not say",
}


# A session can be changed online until it starts, unless it was cancelled or has happened.
CHANGEABLE_STATUSES = frozenset({BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW})


def is_changeable(booking: Booking, now: datetime) -> bool:
    """Whether the client may still cancel, move or shorten the session online."""
    return booking.status in CHANGEABLE_STATUSES and booking.start_utc > now


def _locked(token: str) -> Booking:
    """The booking behind a manage token, locked for the change about to be made."""
    booking = booking_by_token(token, lock=True)
    if booking is None:
        raise LookupError("no booking for this link")
    return booking


def ensure_changeable(booking: Booking, now: datetime) -> Booking:
    """The booking, or NotChangeable if it was cancelled or has started."""
    if booking.status == BookingStatus.CANCELLED:
        raise NotChangeable("This session was cancelled, so it cannot be changed.")
    if not is_changeable(booking, now):
        raise NotChangeable("This session has already started or ended.")
    return booking


def _changeable(token: str, now: datetime) -> Booking:
    return ensure_changeable(_locked(token), now)


@retry_conflicts
def cancel(token: str, reason: str | None, now: datetime) -> Booking:
    """Cancel a session, free at any notice; cancelling twice changes nothing."""
    with write_transaction():
        booking = _locked(token)
        if booking.status == BookingStatus.CANCELLED:
            return booking
        ensure_changeable(booking, now)
        apply_cancel(booking, reason if reason in CANCEL_REASONS else None, now, token)
    return booking


def apply_cancel(
    booking: Booking,
    reason: str | None,
    now: datetime,
    manage_token: str | None = None,
    note: str | None = None,
) -> None:
    """Cancel a locked, changeable booking and queue the messages (inside the caller's
    transaction). Shared by the client's manage link and the staff desk."""
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = reason
    booking.cancel_note = note
    booking.ical_sequence += 1
    notify.booking_changed(booking, Change.CANCELLED, now, manage_token)


def reschedule(token: str, new_start: datetime, now: datetime) -> Booking:
    """Move a session to another free time with the same therapist."""
    try:
        return _move(token, new_start, now)
    except TimeNotOffered as problem:
        booking = find_by_token(token)
        assert booking is not None
        problem.alternatives = nearby_slots(
            booking.service, [booking.practitioner], new_start, now, ignore_booking_id=booking.id
        )
        raise


@retry_conflicts
def _move(token: str, new_start: datetime, now: datetime) -> Booking:
    with write_transaction():
        booking = _changeable(token, now)
        if new_start == booking.start_utc:
            return booking
        apply_move(booking, new_start, now, token)
    return booking


def apply_move(
    booking: Booking,
    new_start: datetime,
    now: datetime,
    manage_token: str | None = None,
    *,
    by_staff: bool = False,
    outside_hours: bool = False,
) -> bool:
    """Move a locked, changeable booking with the same therapist and queue the messages
    (inside the caller's transaction). Shared by the client's manage link and the staff desk.

    Staff need no minimum notice. `outside_hours` (staff only) allows a time the availability
    rules do not offer; the database still refuses an overlap. Returns whether the time was
    outside the offered ones.
    """
    service = booking.service
    practitioner = booking.practitioner
    check_pacing(sessions_of(booking.client, ignore_booking_id=booking.id), new_start)
    free = availability.free_practitioners_at(
        service, [practitioner], new_start, now, ignore_booking_id=booking.id, staff=by_staff
    )
    offered = practitioner.id in free
    if not offered and not outside_hours:
        raise not_offered(service, [practitioner], new_start, now)
    if not offered:
        open_despite_hours(service, [practitioner], new_start, now)
    place(booking, service, new_start)
    booking.ical_sequence += 1
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        if not offered:
            raise Overlaps() from None
        raise TimeTaken("Sorry, that time was just taken by someone else.") from None
    notify.booking_changed(booking, Change.MOVED, now, manage_token)
    return not offered


def shorter_services(booking: Booking) -> list[Service]:
    """Active services of the same kind (home visit or not) that are shorter than this one."""
    query = (
        select(Service)
        .where(
            Service.active.is_(True),
            Service.home_visit.is_(booking.service.home_visit),
            Service.minutes < booking.service.minutes,
        )
        .order_by(Service.minutes.desc())
    )
    return list(db.session.scalars(query))


@retry_conflicts
def shorten(token: str, service_slug: str, now: datetime) -> Booking:
    """Switch to a shorter session of the same kind, at the same start time."""
    with write_transaction():
        booking = _changeable(token, now)
        choices = {service.slug: service for service in shorter_services(booking)}
        service = choices.get(service_slug)
        if service is None:
            raise UnknownService("Please choose one of the shorter sessions listed.")
        _switch_service(
            booking,
            service,
            "That shorter session needs a little more rest time before it than is free. "
            "Please call us and we will sort it out.",
        )
        notify.booking_changed(booking, Change.SHORTENED, now, token)
    return booking


def apply_lengthen(booking: Booking, service: Service, now: datetime) -> None:
    """Switch a locked, changeable booking to a longer session at the same start (inside the
    caller's transaction): only after the client said yes to the therapist's offer of more.

    No minimum notice applies (it is the same session, offered by the practice), but the
    longer time must be free with the same therapist: TimeNotOffered says so kindly.
    """
    free = availability.free_practitioners_at(
        service,
        [booking.practitioner],
        booking.start_utc,
        now,
        ignore_booking_id=booking.id,
        staff=True,
    )
    if booking.practitioner_id not in free:
        raise TimeNotOffered(
            "The longer session does not fit at that time, so your session stays as it is. "
            "You can still ask for a little more on the day, if there is time."
        )
    _switch_service(
        booking,
        service,
        "The longer session no longer fits at that time, so your session stays as it is.",
    )
    notify.booking_changed(booking, Change.LENGTHENED, now)


def _switch_service(booking: Booking, service: Service, when_it_does_not_fit: str) -> None:
    """Make the booking this session at the same start; the database refuses an overlap with
    another booking's rest time, which is TimeNotOffered with the words given."""
    place(booking, service, booking.start_utc)
    booking.ical_sequence += 1
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise TimeNotOffered(when_it_does_not_fit) from None
