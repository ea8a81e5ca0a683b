"""Making a booking: check it early for kind messages, then book it in one transaction.

The database has the last word on overlaps (see models/bookings.py); these functions check
the rules first so the client gets a clear reason, and turn a lost race into `TimeTaken`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking.clock import practice_zone
from booking.domain import availability as domain
from booking.domain.audit import AuditAction
from booking.domain.booking_rules import PastSession, is_new_client, pacing_clash
from booking.domain.messages import Change
from booking.domain.statuses import BookingStatus, IntakeStatus
from booking.extensions import db
from booking.models import Booking, Client, Closure, Practitioner, Service
from booking.services.booking import availability
from booking.services.booking.clients import (
    ClientDetails,
    chosen_client,
    client_for,
    sessions_of,
)
from booking.services.booking.errors import (
    BookingError,
    FirstVisitFirst,
    Overlaps,
    OverrideRefused,
    TimeNotOffered,
    TimeTaken,
    TooClose,
    UnknownPractitioner,
    UnknownService,
)
from booking.services.booking.tokens import booking_by_token, give_token
from booking.services.intake import questionnaire as intakes
from booking.services.messaging import notify
from booking.services.practice.settings import current as current_settings
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction
from booking.web import public_url

ALTERNATIVES_SHOWN = 6


@dataclass(frozen=True)
class StaffBooking:
    """A booking made by staff on a client's behalf, e.g. on the phone.

    `client_id` names a client chosen from the list (otherwise the details find or add one);
    `outside_hours_reason` is the explicit, audited override that allows a time the
    availability rules do not offer (the database still refuses overlaps).
    """

    actor: audit.Actor
    client_id: int | None = None
    outside_hours_reason: str | None = None


@dataclass
class BookingResult:
    """A booking made (or found again, when the same form was sent twice)."""

    booking: Booking
    manage_token: str
    repeated: bool = False


def active_service(slug: str) -> Service:
    """The active service with this slug, or UnknownService."""
    service = db.session.scalars(
        select(Service).where(Service.slug == slug, Service.active.is_(True))
    ).first()
    if service is None:
        raise UnknownService("We could not find that service. Please choose one from the list.")
    return service


def bookable_practitioners(practitioner_id: int | None) -> list[Practitioner]:
    """The practitioner asked for, or everyone bookable; UnknownPractitioner if none fits."""
    practitioners = availability.active_practitioners(practitioner_id)
    if practitioner_id is not None and not practitioners:
        raise UnknownPractitioner(
            "That therapist is not taking bookings just now. Please choose another, or anyone."
        )
    return practitioners


def first_visit_service() -> Service | None:
    """The service a new client starts with."""
    return db.session.scalars(
        select(Service)
        .where(Service.active.is_(True), Service.first_visit.is_(True))
        .order_by(Service.home_visit, Service.sort_order, Service.id)
    ).first()


def check_pacing(sessions: list[PastSession], start: datetime) -> None:
    gap = current_settings().first_month_gap  # admin's value, else the configured default
    clash = pacing_clash(sessions, start, gap)
    if clash is not None:
        raise TooClose("That is close to another of your sessions.", clash=clash)


def paced_for(client: Client, ignore_booking_id: int | None = None) -> Callable[[datetime], bool]:
    """Whether a start keeps the client's first-month pacing: times pages for a known client
    leave out the times `check_pacing` would refuse."""
    sessions = sessions_of(client, ignore_booking_id)
    gap = current_settings().first_month_gap
    return lambda start: pacing_clash(sessions, start, gap) is None


def place(booking: Booking, service: Service, start: datetime) -> None:
    shape = availability.session_shape(service)
    blocked = shape.blocked(start)
    booking.service = service
    booking.start_utc = start
    booking.end_utc = shape.session(start).end
    booking.blocked_from_utc = blocked.start
    booking.blocked_until_utc = blocked.end


def _insert_first_free(
    client: Client,
    service: Service,
    start: datetime,
    practitioner_ids: Sequence[int],
    token: str,
    status: BookingStatus,
) -> Booking | None:
    """Try each free practitioner in turn; the database refuses any that was just taken."""
    for practitioner_id in practitioner_ids:
        booking = Booking(
            client=client,
            practitioner_id=practitioner_id,
            status=status,
        )
        give_token(booking, token)
        place(booking, service, start)
        try:
            with db.session.begin_nested():
                db.session.add(booking)
                db.session.flush()
        except IntegrityError:  # rolled back to the savepoint; the booking is gone again
            continue
        return booking
    return None


def _already_booked(token: str) -> Booking | None:
    return booking_by_token(token)


def nearby_slots(
    service: Service,
    practitioners: Sequence[Practitioner],
    around: datetime,
    now: datetime,
    ignore_booking_id: int | None = None,
    count: int = ALTERNATIVES_SHOWN,
) -> list[domain.Slot]:
    """The free times nearest to `around`, earliest first."""
    window = availability.booking_window()
    slots = availability.find_slots(
        service,
        practitioners,
        now,
        window.latest(now) + timedelta(seconds=1),
        now,
        ignore_booking_id,
    )
    nearest = sorted(slots, key=lambda slot: abs(slot.start - around))[:count]
    return sorted(nearest)


def check_client_rules(service: Service, sessions: list[PastSession], start: datetime) -> None:
    # Home visits are short and gentle by nature, so they may be a first session too.
    if not (service.first_visit or service.home_visit) and is_new_client(sessions):
        raise FirstVisitFirst(
            "Your first session is a shorter, gentler one, so your body can get used to it.",
            first_visit_service=first_visit_service(),
        )
    check_pacing(sessions, start)


def book(
    service_slug: str,
    start: datetime,
    practitioner_id: int | None,
    details: ClientDetails | None,
    manage_token: str,
    now: datetime,
    staff: StaffBooking | None = None,
    *,
    client_id: int | None = None,
) -> BookingResult:
    """Book a session, or raise a BookingError saying why not.

    Sending the same form twice (same manage token) returns the first booking. Staff booking
    for a client pass `staff` (audited in the same transaction); the rules are the same.
    A client booking again from their own link passes `client_id` instead of details.
    """
    if staff is not None and staff.client_id is not None:
        client_id = staff.client_id
    try:
        return _book(
            service_slug, start, practitioner_id, details, manage_token, now, staff, client_id
        )
    except TimeNotOffered as problem:
        # The transaction has ended; look for other times in a fresh read.
        service = active_service(service_slug)
        practitioners = bookable_practitioners(practitioner_id)
        problem.alternatives = nearby_slots(service, practitioners, start, now)
        raise


class _SentAgain(Exception):
    """The same form was sent again while this one was in flight: undo this attempt."""


@retry_conflicts
def _book(
    service_slug: str,
    start: datetime,
    practitioner_id: int | None,
    details: ClientDetails | None,
    manage_token: str,
    now: datetime,
    staff: StaffBooking | None,
    client_id: int | None,
) -> BookingResult:
    try:
        # keep_loaded: the caller shows the booking just made; no need to read it back.
        with write_transaction(keep_loaded=True):
            repeated = _already_booked(manage_token)
            if repeated is not None:
                return BookingResult(repeated, manage_token, repeated=True)
            service = active_service(service_slug)
            practitioners = bookable_practitioners(practitioner_id)
            try:
                if client_id is not None:
                    client = chosen_client(client_id)
                else:
                    assert details is not None
                    client = client_for(details, trusted=staff is not None)
                new_client = client.id is None
                sessions = sessions_of(client)
                check_client_rules(service, sessions, start)
                # A client made just now has sent no answers, so nothing can hold the booking.
                hold = not new_client and intakes.booking_rule(client).holds(
                    home_visit=service.home_visit
                )
                free = availability.free_practitioners_at(
                    service, practitioners, start, now, staff=staff is not None
                )
                outside_hours = False
                if not free and staff is not None and staff.outside_hours_reason:
                    # The database still refuses overlaps.
                    free = open_despite_hours(service, practitioners, start, now)
                    outside_hours = True
                booking = None
                if free:
                    db.session.flush()  # the client, so the booking can refer to it
                    status = BookingStatus.HELD_FOR_REVIEW if hold else BookingStatus.CONFIRMED
                    booking = _insert_first_free(client, service, start, free, manage_token, status)
                if booking is None:
                    if outside_hours:
                        raise Overlaps()
                    raise not_offered(service, practitioners, start, now)
                if staff is not None:
                    _audit_staff_booking(staff, booking, outside_hours, now)
                intake = intakes.intake_for_booking(client, booking, new_client=new_client, now=now)
                facts = notify.booking_changed(
                    booking, Change.BOOKED, now, manage_token, new_client=new_client
                )
                if intake.status != IntakeStatus.SUBMITTED:
                    questions_url = public_url("intake.start", token=intakes.link_token(intake))
                    notify.questions_sent(booking, questions_url, now, manage_token, facts)
            except BookingError:
                # Taken, or too close to a session: perhaps this very form, sent twice at
                # once, whose first copy committed meanwhile.
                if _already_booked(manage_token) is not None:
                    raise _SentAgain from None
                raise
    except _SentAgain:
        # Rolled back, so no second client row is left behind; return the first booking.
        repeated = _already_booked(manage_token)
        assert repeated is not None
        return BookingResult(repeated, manage_token, repeated=True)
    return BookingResult(booking, manage_token)


def _audit_staff_booking(
    staff: StaffBooking, booking: Booking, outside_hours: bool, now: datetime
) -> None:
    when = booking.start_utc.astimezone(practice_zone())
    detail = f"{booking.service.name} on {when:%a %d %b %Y %H:%M}"
    action = AuditAction.BOOKED
    if outside_hours:
        action = AuditAction.BOOKED_OUTSIDE_HOURS
        detail += f"; reason: {staff.outside_hours_reason}"
    audit.record_booking_change(staff.actor, action, booking, now, detail)


def not_offered(
    service: Service, practitioners: Sequence[Practitioner], start: datetime, now: datetime
) -> TimeNotOffered:
    """Taken (someone holds it) or never offered (closed, too soon, off the grid)."""
    calendars = availability.load_calendars(practitioners, start, start + timedelta(hours=1))
    without_bookings = [
        domain.Calendar(c.practitioner_id, c.zone, c.weekly, c.openings, c.closures)
        for c in calendars
    ]
    offered = domain.available_slots(
        without_bookings,
        availability.session_shape(service),
        availability.booking_window(),
        now,
        start,
        start + timedelta(seconds=1),
    )
    if offered:
        return TimeTaken("Sorry, that time was just taken by someone else.")
    return TimeNotOffered(
        "That time is not one we can offer. Please choose one of the times shown."
    )


def open_despite_hours(
    service: Service, practitioners: Sequence[Practitioner], start: datetime, now: datetime
) -> tuple[int, ...]:
    """The practitioners staff may book outside opening hours at this time (an override).

    The override is about opening hours only: a time that has passed, or one inside a
    closure (a holiday, time off), is still refused.
    """
    if start <= now:
        raise OverrideRefused("That time has already passed. Please choose a later time.")
    end = start + timedelta(minutes=service.minutes)
    closed = set(
        db.session.scalars(
            select(Closure.practitioner_id).where(Closure.start_utc < end, Closure.end_utc > start)
        )
    )
    open_ids = tuple(p.id for p in practitioners if None not in closed and p.id not in closed)
    if not open_ids:
        raise OverrideRefused(
            "The practice or this therapist is closed then (time off or a holiday). "
            "Please choose another time, or remove the closure first."
        )
    return open_ids
