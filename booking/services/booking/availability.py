"""Load what decides free time in a bounded number of queries, and ask the domain for slots."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from booking.clock import local_date, practice_zone
from booking.domain import availability as domain
from booking.domain.best_times import BestTimes
from booking.domain.dates import PartOfDay, part_of_day
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Closure, Opening, OpeningHours, Practitioner, Service
from booking.services.practice.settings import current as current_settings


def booking_window(staff: bool = False) -> domain.BookingWindow:
    """The practice's step, minimum notice and maximum advance.

    Staff booking by phone need no notice: the minimum notice keeps clients online from
    booking at the last minute, not reception from fitting someone in this afternoon.
    """
    config = current_app.config
    practice = current_settings()  # admin's values, else the configured defaults
    return domain.BookingWindow(
        step_minutes=config["BOOKING_STEP_MINUTES"],
        min_notice=timedelta(0) if staff else practice.min_notice,
        max_advance=practice.max_advance,
    )


def session_shape(service: Service) -> domain.SessionShape:
    """The domain's view of a service's length and buffers."""
    return domain.SessionShape(
        service.minutes, service.buffer_before_minutes, service.buffer_after_minutes
    )


def active_practitioners(practitioner_id: int | None = None) -> list[Practitioner]:
    """Bookable practitioners in a stable order (by name), or just the one asked for."""
    query = select(Practitioner).where(Practitioner.active.is_(True))
    if practitioner_id is not None:
        query = query.where(Practitioner.id == practitioner_id)
    return list(db.session.scalars(query.order_by(Practitioner.name, Practitioner.id)))


def load_calendars(
    practitioners: Sequence[Practitioner],
    start: datetime,
    end: datetime,
    ignore_booking_id: int | None = None,
) -> list[domain.Calendar]:
    """Each practitioner's rules, openings, closures and busy time around [start, end).

    Four queries whatever the number of days or practitioners. `ignore_booking_id` leaves
    out a booking being moved, so its own time does not block it.
    """
    ids = [p.id for p in practitioners]
    if not ids:
        return []
    # Local dates either side of the range, and room for buffers around it.
    margin = timedelta(days=2)
    first_day = (start - margin).date()
    last_day = (end + margin).date()
    weekly: dict[int, list[domain.WeeklyHours]] = defaultdict(list)
    for row in db.session.scalars(
        select(OpeningHours).where(
            OpeningHours.practitioner_id.in_(ids),
            OpeningHours.valid_from <= last_day,
            or_(OpeningHours.valid_to.is_(None), OpeningHours.valid_to >= first_day),
        )
    ):
        weekly[row.practitioner_id].append(
            domain.WeeklyHours(
                row.weekday, row.start_local, row.end_local, row.valid_from, row.valid_to
            )
        )
    openings: dict[int, list[domain.Span]] = defaultdict(list)
    for row in db.session.scalars(
        select(Opening).where(
            Opening.practitioner_id.in_(ids),
            Opening.start_utc < end + margin,
            Opening.end_utc > start - margin,
        )
    ):
        openings[row.practitioner_id].append(domain.Span(row.start_utc, row.end_utc))
    closures: dict[int | None, list[domain.Closure]] = defaultdict(list)
    for row in db.session.scalars(
        select(Closure).where(
            or_(Closure.practitioner_id.in_(ids), Closure.practitioner_id.is_(None)),
            Closure.start_utc < end + margin,
            Closure.end_utc > start - margin,
        )
    ):
        whole = row.practitioner_id is None
        closures[row.practitioner_id].append(
            domain.Closure(domain.Span(row.start_utc, row.end_utc), row.reason, whole)
        )
    busy: dict[int, list[domain.Span]] = defaultdict(list)
    booking_rows = db.session.execute(
        select(
            Booking.id, Booking.practitioner_id, Booking.blocked_from_utc, Booking.blocked_until_utc
        ).where(
            Booking.practitioner_id.in_(ids),
            Booking.status != BookingStatus.CANCELLED,
            Booking.blocked_from_utc < end + margin,
            Booking.blocked_until_utc > start - margin,
        )
    )
    for booking_id, practitioner_id, blocked_from, blocked_until in booking_rows:
        if booking_id != ignore_booking_id:
            busy[practitioner_id].append(domain.Span(blocked_from, blocked_until))
    return [
        domain.Calendar(
            practitioner_id=p.id,
            zone=ZoneInfo(p.time_zone),
            weekly=weekly[p.id],
            openings=openings[p.id],
            closures=closures[p.id] + closures[None],
            busy=busy[p.id],
        )
        for p in practitioners
    ]


def find_slots(
    service: Service,
    practitioners: Sequence[Practitioner],
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_booking_id: int | None = None,
    *,
    staff: bool = False,
) -> list[domain.Slot]:
    """Slots for `service` starting in [start, end), merged across `practitioners`."""
    calendars = load_calendars(practitioners, start, end, ignore_booking_id)
    return domain.available_slots(
        calendars, session_shape(service), booking_window(staff), now, start, end
    )


def free_practitioners_at(
    service: Service,
    practitioners: Sequence[Practitioner],
    start: datetime,
    now: datetime,
    ignore_booking_id: int | None = None,
    *,
    staff: bool = False,
) -> tuple[int, ...]:
    """The practitioners who could take `service` at exactly `start`, in offered order."""
    end = start + timedelta(seconds=1)
    for slot in find_slots(service, practitioners, start, end, now, ignore_booking_id, staff=staff):
        if slot.start == start:
            return slot.practitioner_ids
    return ()


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants a local date starts and ends."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


SUITING_SHOWN = 8  # "Times that usually suit you": enough to choose from, few to read


@dataclass(frozen=True)
class DayTimes:
    """One local date on the times page: its slots by part of day, or why it has none."""

    day: date
    groups: tuple[tuple[PartOfDay, tuple[domain.Slot, ...]], ...]
    empty: domain.EmptyDay | None
    nearest_free_day: date | None = None


@dataclass(frozen=True)
class TimesPage:
    """What the client sees when choosing a time."""

    days: tuple[DayTimes, ...]
    next_available: domain.Slot | None
    first_bookable_day: date
    last_bookable_day: date
    # The soonest times on the client's best days and parts of the day, when they said.
    suiting: tuple[domain.Slot, ...] = ()


def times_page(
    service: Service,
    practitioners: Sequence[Practitioner],
    first_day: date,
    days: int,
    now: datetime,
    ignore_booking_id: int | None = None,
    *,
    staff: bool = False,
    best: BestTimes | None = None,
    allowed: Callable[[datetime], bool] | None = None,
) -> TimesPage:
    """The slots of `days` local dates from `first_day`, with reasons for empty days.

    Loads the whole bookable period once (four queries), so "next available" and "nearest
    free day" come from the same data. With the client's `best` times, the soonest that
    suit them come too, and "next available" is the first of those when there is one.
    """
    zone = practice_zone()
    window = booking_window(staff)
    period_start, _ = local_day_bounds(local_date(now), zone)
    period_end = window.latest(now) + timedelta(days=1)
    calendars = load_calendars(practitioners, period_start, period_end, ignore_booking_id)
    shape = session_shape(service)
    slots = domain.available_slots(calendars, shape, window, now, period_start, period_end)
    paced_out = set()
    if allowed is not None:
        paced_out = {local_date(slot.start) for slot in slots if not allowed(slot.start)}
        slots = [slot for slot in slots if allowed(slot.start)]
    by_day: dict[date, list[domain.Slot]] = defaultdict(list)
    for slot in slots:
        by_day[local_date(slot.start)].append(slot)
    free_days = sorted(by_day)
    shown: list[DayTimes] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        day_slots = by_day.get(day, [])
        if day_slots:
            groups: dict[PartOfDay, list[domain.Slot]] = defaultdict(list)
            for slot in day_slots:
                groups[part_of_day(slot.start.astimezone(zone).time())].append(slot)
            ordered = tuple((part, tuple(groups[part])) for part in PartOfDay if part in groups)
            shown.append(DayTimes(day, ordered, None))
        else:
            empty = (
                domain.EmptyDay(day, domain.EmptyDayReason.KEEPS_PACING)
                if day in paced_out
                else domain.why_empty(day, calendars, shape, window, now, zone)
            )
            nearest = min(free_days, key=lambda d: (abs(d - day), d), default=None)
            shown.append(DayTimes(day, (), empty, nearest))
    suiting = tuple(
        itertools.islice((slot for slot in slots if best.suits(slot.start, zone)), SUITING_SHOWN)
        if best
        else ()
    )
    return TimesPage(
        days=tuple(shown),
        next_available=suiting[0] if suiting else slots[0] if slots else None,
        first_bookable_day=local_date(window.earliest(now)),
        last_bookable_day=local_date(window.latest(now)),
        suiting=suiting,
    )
