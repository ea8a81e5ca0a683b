"""Booking, moving, shortening and cancelling sessions: each call is one transaction.

The database has the last word on overlaps (see models/bookings.py); these functions check
the rules first so the client gets a clear reason, and turn a lost race into `TimeTaken`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from booking.domain import availability as domain
from booking.domain.audit import AuditAction
from booking.domain.booking_rules import PacingClash, PastSession, is_new_client, pacing_clash
from booking.domain.messages import Change
from booking.domain.statuses import BookingStatus, IntakeStatus
from booking.extensions import db
from booking.models import Booking, Client, Closure, Practitioner, Service
from booking.services import audit, availability, notify
from booking.services import intake as intakes
from booking.services.settings import current as current_settings
from booking.transactions import retry_conflicts, write_transaction
from booking.web import public_url

CANCEL_REASONS = {
    "not_well": "I'm not well enough today",
    "something_came_up": "Something else came up",
    "other": "Another reason",
    "prefer_not_to_say": "I'd rather not say",
}
ALTERNATIVES_SHOWN = 6
# A session can be changed online until it starts, unless it was cancelled or has happened.
CHANGEABLE_STATUSES = frozenset({BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW})


# --- What can go wrong, in words the views turn into messages next to a field ---------------


class BookingError(Exception):
    """A booking rule said no. `field` names the input it is about."""

    field = "start"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownService(BookingError):
    """No active service has that slug."""

    field = "service"


class UnknownPractitioner(BookingError):
    """No active practitioner has that id."""

    field = "practitioner"


class TimeNotOffered(BookingError):
    """The time is not one we offer (closed, too soon, or taken); nearby free times attached."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.alternatives: Sequence[domain.Slot] = ()


class OverrideRefused(TimeNotOffered):
    """Even staff's outside-hours override cannot book this time (passed, or closed)."""


class TimeTaken(TimeNotOffered):
    """Someone booked that time first."""


class Overlaps(TimeTaken):
    """Staff booked outside the offered times, and the database refused an overlap."""

    def __init__(self) -> None:
        super().__init__(
            "That time overlaps another booking, or the rest time around it. "
            "Nothing has been booked. Please choose another time."
        )


class UnknownClient(BookingError):
    """No client has that id (a client chosen by staff)."""

    field = "client"


class FirstVisitFirst(BookingError):
    """A new client asked for something other than the first-visit service."""

    field = "service"

    def __init__(self, message: str, first_visit_service: Service | None) -> None:
        super().__init__(message)
        self.first_visit_service = first_visit_service


class TooClose(BookingError):
    """The time is closer to another of the client's sessions than the pacing rule allows."""

    def __init__(self, message: str, clash: PacingClash) -> None:
        super().__init__(message)
        self.clash = clash


class NotChangeable(BookingError):
    """The session has started, ended or was cancelled, so it cannot be changed online."""


# --- Tokens -------------------------------------------------------------------------------------


def new_manage_token() -> str:
    """A long random token for a private manage link."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _booking_by_token(token: str, *, lock: bool = False, details: bool = False) -> Booking | None:
    """The booking whose manage token this is, or None; one lookup for every caller."""
    if not token or len(token) > 200:
        return None
    query = select(Booking).where(Booking.manage_token_hash == token_hash(token))
    if details:
        query = query.options(
            joinedload(Booking.client),
            joinedload(Booking.practitioner),
            joinedload(Booking.service),
        )
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).first()


def find_by_token(token: str) -> Booking | None:
    """The booking a manage link points to, with what its pages show, or None."""
    return _booking_by_token(token, details=True)


def is_changeable(booking: Booking, now: datetime) -> bool:
    """Whether the client may still cancel, move or shorten the session online."""
    return booking.status in CHANGEABLE_STATUSES and booking.start_utc > now


# --- Booking -----------------------------------------------------------------------------------


@dataclass
class ClientDetails:
    """Who the session is for and how to reach them (already checked and normalised)."""

    name: str
    email: str | None = None
    phone: str | None = None
    preferred_name: str | None = None
    carer_name: str | None = None
    carer_relationship: str | None = None
    carer_email: str | None = None
    carer_phone: str | None = None
    send_to_carer: bool = False

    @property
    def booked_by_carer(self) -> bool:
        return bool(self.carer_name)


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


def _find_client(details: ClientDetails, lock: bool = True) -> Client | None:
    """A returning client: same email or phone, or (booked by a carer) same carer and name."""
    conditions = []
    if details.email:
        conditions.append(db.func.lower(Client.email) == details.email.lower())
    if details.phone:
        conditions.append(Client.phone == details.phone)
    if not conditions and (details.carer_email or details.carer_phone):
        carer = []
        if details.carer_email:
            carer.append(db.func.lower(Client.carer_email) == details.carer_email.lower())
        if details.carer_phone:
            carer.append(Client.carer_phone == details.carer_phone)
        conditions.append((db.func.lower(Client.name) == details.name.lower()) & or_(*carer))
    if not conditions:
        return None
    query = select(Client).where(or_(*conditions)).order_by(Client.id)
    if lock:  # on PostgreSQL, so two bookings for one client are paced one after the other
        query = query.with_for_update()
    return db.session.scalars(query).first()


def _client_for(details: ClientDetails) -> Client:
    """The returning client (blank details filled in, nothing overwritten) or a new one."""
    client = _find_client(details)
    if client is None:
        by_email = details.email or (details.carer_email and not details.carer_phone)
        client = Client(name=details.name, contact_channel="email" if by_email else "phone")
        db.session.add(client)
    for name in (
        "email",
        "phone",
        "preferred_name",
        "carer_name",
        "carer_relationship",
        "carer_email",
        "carer_phone",
    ):
        if getattr(client, name) is None and getattr(details, name):
            setattr(client, name, getattr(details, name))
    if details.booked_by_carer:
        client.send_to_carer = details.send_to_carer
    return client


def _chosen_client(client_id: int) -> Client:
    """A client chosen by staff, locked like a returning client found by their details."""
    client = db.session.scalars(
        select(Client).where(Client.id == client_id).with_for_update()
    ).first()
    if client is None:
        raise UnknownClient("We could not find that client. Please search again.")
    return client


def _sessions_of(client: Client, ignore_booking_id: int | None = None) -> list[PastSession]:
    if client.id is None:
        return []
    rows = db.session.execute(
        select(Booking.id, Booking.start_utc, Booking.status).where(Booking.client_id == client.id)
    )
    return [
        PastSession(start, status)
        for booking_id, start, status in rows
        if booking_id != ignore_booking_id
    ]


def first_visit_service() -> Service | None:
    """The service a new client starts with."""
    return db.session.scalars(
        select(Service)
        .where(Service.active.is_(True), Service.first_visit.is_(True))
        .order_by(Service.home_visit, Service.sort_order, Service.id)
    ).first()


def _check_pacing(sessions: list[PastSession], start: datetime) -> None:
    gap = current_settings().first_month_gap  # admin's value, else the configured default
    clash = pacing_clash(sessions, start, gap)
    if clash is not None:
        raise TooClose("That is close to another of your sessions.", clash=clash)


def _place(booking: Booking, service: Service, start: datetime) -> None:
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
            manage_token_hash=token_hash(token),
        )
        _place(booking, service, start)
        try:
            with db.session.begin_nested():
                db.session.add(booking)
                db.session.flush()
        except IntegrityError:  # rolled back to the savepoint; the booking is gone again
            continue
        return booking
    return None


def _already_booked(token: str) -> Booking | None:
    return _booking_by_token(token)


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


def check(
    service_slug: str,
    start: datetime,
    practitioner_id: int | None,
    details: ClientDetails,
    now: datetime,
) -> Service:
    """Check a booking before the client confirms it, changing nothing; raise what `book` would.

    `book` checks everything again inside its transaction: this is for early, kind messages.
    """
    service = active_service(service_slug)
    practitioners = bookable_practitioners(practitioner_id)
    client = _find_client(details, lock=False)
    sessions = _sessions_of(client) if client is not None else []
    _check_client_rules(service, sessions, start)
    if not availability.free_practitioners_at(service, practitioners, start, now):
        problem = _not_offered(service, practitioners, start, now)
        problem.alternatives = nearby_slots(service, practitioners, start, now)
        raise problem
    return service


def _check_client_rules(service: Service, sessions: list[PastSession], start: datetime) -> None:
    # Home visits are short and gentle by nature, so they may be a first session too.
    if not (service.first_visit or service.home_visit) and is_new_client(sessions):
        raise FirstVisitFirst(
            "Your first session is a shorter, gentler one, so your body can get used to it.",
            first_visit_service=first_visit_service(),
        )
    _check_pacing(sessions, start)


def book(
    service_slug: str,
    start: datetime,
    practitioner_id: int | None,
    details: ClientDetails | None,
    manage_token: str,
    now: datetime,
    staff: StaffBooking | None = None,
) -> BookingResult:
    """Book a session, or raise a BookingError saying why not.

    Sending the same form twice (same manage token) returns the first booking. Staff booking
    for a client pass `staff` (audited in the same transaction); the rules are the same.
    """
    try:
        return _book(service_slug, start, practitioner_id, details, manage_token, now, staff)
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
    staff: StaffBooking | None = None,
) -> BookingResult:
    try:
        with write_transaction():
            repeated = _already_booked(manage_token)
            if repeated is not None:
                return BookingResult(repeated, manage_token, repeated=True)
            service = active_service(service_slug)
            practitioners = bookable_practitioners(practitioner_id)
            try:
                if staff is not None and staff.client_id is not None:
                    client = _chosen_client(staff.client_id)
                else:
                    assert details is not None
                    client = _client_for(details)
                new_client = client.id is None
                sessions = _sessions_of(client)
                _check_client_rules(service, sessions, start)
                hold = intakes.booking_rule(client).holds(home_visit=service.home_visit)
                free = availability.free_practitioners_at(
                    service, practitioners, start, now, staff=staff is not None
                )
                outside_hours = False
                if not free and staff is not None and staff.outside_hours_reason:
                    # The database still refuses overlaps.
                    free = _open_despite_hours(service, practitioners, start, now)
                    outside_hours = True
                booking = None
                if free:
                    db.session.flush()  # the client, so the booking can refer to it
                    status = BookingStatus.HELD_FOR_REVIEW if hold else BookingStatus.CONFIRMED
                    booking = _insert_first_free(client, service, start, free, manage_token, status)
                if booking is None:
                    if outside_hours:
                        raise Overlaps()
                    raise _not_offered(service, practitioners, start, now)
                if staff is not None:
                    _audit_staff_booking(staff, booking, outside_hours, now)
                intake = intakes.intake_for_booking(client, booking, new_client=new_client, now=now)
                notify.booking_changed(booking, Change.BOOKED, now, manage_token)
                if intake.status != IntakeStatus.SUBMITTED:
                    questions_url = public_url("intake.start", token=intakes.link_token(intake))
                    notify.questions_sent(booking, questions_url, now, manage_token)
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
    when = booking.start_utc.astimezone(availability.practice_zone())
    detail = f"{booking.service.name} on {when:%a %d %b %Y %H:%M}"
    action = AuditAction.BOOKED
    if outside_hours:
        action = AuditAction.BOOKED_OUTSIDE_HOURS
        detail += f"; reason: {staff.outside_hours_reason}"
    audit.record(
        staff.actor, action, now, client_id=booking.client_id, booking_id=booking.id, detail=detail
    )


def _not_offered(
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


# --- Changing a booking ------------------------------------------------------------------------


def _locked(token: str) -> Booking:
    """The booking behind a manage token, locked for the change about to be made."""
    booking = _booking_by_token(token, lock=True)
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


def _open_despite_hours(
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
    _check_pacing(_sessions_of(booking.client, ignore_booking_id=booking.id), new_start)
    free = availability.free_practitioners_at(
        service, [practitioner], new_start, now, ignore_booking_id=booking.id, staff=by_staff
    )
    offered = practitioner.id in free
    if not offered and not outside_hours:
        raise _not_offered(service, [practitioner], new_start, now)
    if not offered:
        _open_despite_hours(service, [practitioner], new_start, now)
    _place(booking, service, new_start)
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
        _place(booking, service, booking.start_utc)
        booking.ical_sequence += 1
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            raise TimeNotOffered(
                "That shorter session needs a little more rest time before it than is free. "
                "Please call us and we will sort it out."
            ) from None
        notify.booking_changed(booking, Change.SHORTENED, now, token)
    return booking
