"""Load what decides free time in a bounded number of queries, and ask the domain for slots."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    Time,
    bindparam,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from booking.clock import local_date, practice_zone
from booking.database import UTCDateTime, epoch_seconds
from booking.domain import availability as domain
from booking.domain.best_times import BestTimes
from booking.domain.dates import PartOfDay, part_of_day
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import (
    Booking,
    BusyBlock,
    Closure,
    Opening,
    OpeningHours,
    PracticeSetting,
    Practitioner,
    Service,
)
from booking.services.practice.settings import PracticeSettings, settings_from
from booking.services.practice.settings import current as current_settings


def booking_window(staff: bool = False, practice: PracticeSettings | None = None):
    """The practice's step, minimum notice and maximum advance.

    Staff booking by phone need no notice: the minimum notice keeps clients online from
    booking at the last minute, not reception from fitting someone in this afternoon.
    """
    config = current_app.config
    practice = practice or current_settings()  # admin's values, else the configured defaults
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


class _Row(IntEnum):
    """What a row of the free-time query is."""

    HOURS = 0
    OPENING = 1
    CLOSURE = 2
    BOOKING = 3
    SETTING = 4
    OWN_BUSY = 5  # a block of the practitioner's own calendar


@functools.cache
def _free_time_query():
    """Weekly hours, openings, closures, bookings, the blocks of the practitioners' own
    calendars and the practice settings, as one
    UNION ALL: one round trip, whatever the number of days or practitioners.

    Times come as whole UTC seconds since 1970 (rounded outwards for time taken, inwards for
    time open): a bookable period holds thousands of bookings, and plain numbers are what
    the slot finder works in. Built once, with parameters (`ids`, `first_day`, `last_day`,
    `around_start`, `around_end`, `ignore`): it is asked for on every booking.
    """
    no_time, no_date = null().cast(Time), null().cast(Date)
    no_number, no_text = null().cast(BigInteger), null().cast(String)

    def row(kind: _Row, practitioner, **columns):
        return select(
            literal_column(str(int(kind)), Integer).label("kind"),
            practitioner.label("practitioner_id"),
            columns.get("weekday", null().cast(Integer)).label("weekday"),
            columns.get("start_local", no_time).label("start_local"),
            columns.get("end_local", no_time).label("end_local"),
            columns.get("valid_from", no_date).label("valid_from"),
            columns.get("valid_to", no_date).label("valid_to"),
            columns.get("begins", no_number).label("begins"),
            columns.get("ends", no_number).label("ends"),
            columns.get("text", no_text).label("text"),
            columns.get("value", no_text).label("value"),
        )

    ids = bindparam("ids", expanding=True)
    first_day, last_day = bindparam("first_day", type_=Date), bindparam("last_day", type_=Date)
    around_start = bindparam("around_start", type_=UTCDateTime())
    around_end = bindparam("around_end", type_=UTCDateTime())
    hours = row(
        _Row.HOURS,
        OpeningHours.practitioner_id,
        weekday=OpeningHours.weekday,
        start_local=OpeningHours.start_local,
        end_local=OpeningHours.end_local,
        valid_from=OpeningHours.valid_from,
        valid_to=OpeningHours.valid_to,
    ).where(
        OpeningHours.practitioner_id.in_(ids),
        OpeningHours.valid_from <= last_day,
        or_(OpeningHours.valid_to.is_(None), OpeningHours.valid_to >= first_day),
    )
    openings = row(
        _Row.OPENING,
        Opening.practitioner_id,
        begins=epoch_seconds(Opening.start_utc, up=True),
        ends=epoch_seconds(Opening.end_utc),
    ).where(
        Opening.practitioner_id.in_(ids),
        Opening.start_utc < around_end,
        Opening.end_utc > around_start,
    )
    closures = row(
        _Row.CLOSURE,
        Closure.practitioner_id,
        begins=epoch_seconds(Closure.start_utc),
        ends=epoch_seconds(Closure.end_utc, up=True),
        text=Closure.reason,
    ).where(
        or_(Closure.practitioner_id.in_(ids), Closure.practitioner_id.is_(None)),
        Closure.start_utc < around_end,
        Closure.end_utc > around_start,
    )
    bookings = row(
        _Row.BOOKING,
        Booking.practitioner_id,
        begins=epoch_seconds(Booking.blocked_from_utc),
        ends=epoch_seconds(Booking.blocked_until_utc, up=True),
    ).where(
        Booking.practitioner_id.in_(ids),
        Booking.status != BookingStatus.CANCELLED,
        Booking.blocked_from_utc < around_end,
        Booking.blocked_until_utc > around_start,
        Booking.id != bindparam("ignore", type_=Integer),  # 0 when none: ids start at 1
    )
    own_busy = row(
        _Row.OWN_BUSY,
        BusyBlock.practitioner_id,
        begins=epoch_seconds(BusyBlock.start_utc),
        ends=epoch_seconds(BusyBlock.end_utc, up=True),
    ).where(
        BusyBlock.practitioner_id.in_(ids),
        BusyBlock.start_utc < around_end,
        BusyBlock.end_utc > around_start,
    )
    settings = row(
        _Row.SETTING,
        null().cast(Integer),
        text=PracticeSetting.key,
        value=PracticeSetting.value,
    )
    return union_all(hours, openings, closures, bookings, own_busy, settings)


# Local dates either side of the range, and room for buffers around it.
_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class FreeTimeInputs:
    """Everything that decides free time around a range, loaded in one query."""

    calendars: list[domain.Calendar]
    settings: PracticeSettings


def load_free_time(
    practitioners: Sequence[Practitioner],
    start: datetime,
    end: datetime,
    ignore_booking_id: int | None = None,
) -> FreeTimeInputs:
    """Each practitioner's rules, openings, closures and busy time around [start, end), and
    the practice settings: one query. `ignore_booking_id` leaves out a booking being moved,
    so its own time does not block it."""
    ids = [p.id for p in practitioners]
    weekly: dict[int, list[domain.WeeklyHours]] = defaultdict(list)
    openings: dict[int, list[domain.Span]] = defaultdict(list)
    closures: dict[int | None, list[domain.Closure]] = defaultdict(list)
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    own_busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    stored: dict[str, str] = {}
    query = _free_time_query()
    parameters = {
        "ids": ids,
        "first_day": (start - _MARGIN).date(),
        "last_day": (end + _MARGIN).date(),
        "around_start": start - _MARGIN,
        "around_end": end + _MARGIN,
        "ignore": ignore_booking_id or 0,
    }
    for (
        kind,
        who,
        weekday,
        start_local,
        end_local,
        since,
        until,
        begins,
        ends,
        text,
        value,
    ) in db.session.execute(query, parameters).all():
        if kind == _Row.BOOKING:
            busy[who].append((begins, ends))
        elif kind == _Row.OWN_BUSY:
            own_busy[who].append((begins, ends))
        elif kind == _Row.HOURS:
            weekly[who].append(domain.WeeklyHours(weekday, start_local, end_local, since, until))
        elif kind == _Row.OPENING:
            openings[who].append(domain.Span(_instant(begins), _instant(ends)))
        elif kind == _Row.CLOSURE:
            span = domain.Span(_instant(begins), _instant(ends))
            closures[who].append(domain.Closure(span, text, whole_practice=who is None))
        else:
            stored[text] = value
    calendars = [
        domain.Calendar(
            practitioner_id=p.id,
            zone=ZoneInfo(p.time_zone),
            weekly=weekly[p.id],
            openings=openings[p.id],
            closures=closures[p.id] + closures[None],
            busy_seconds=busy[p.id],
            own_busy_seconds=own_busy[p.id],
        )
        for p in practitioners
    ]
    return FreeTimeInputs(calendars, settings_from(stored))


def load_calendars(
    practitioners: Sequence[Practitioner],
    start: datetime,
    end: datetime,
    ignore_booking_id: int | None = None,
) -> list[domain.Calendar]:
    """Each practitioner's rules, openings, closures and busy time around [start, end)."""
    if not practitioners:
        return []
    return load_free_time(practitioners, start, end, ignore_booking_id).calendars


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


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
    if not practitioners:
        return []
    loaded = load_free_time(practitioners, start, end, ignore_booking_id)
    return domain.available_slots(
        loaded.calendars,
        session_shape(service),
        booking_window(staff, loaded.settings),
        now,
        start,
        end,
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

    Computes what the page shows, not the whole bookable period: the shown days and as many
    days either side as an empty day's "nearest free day" could be away (one query), then,
    only when those hold nothing, further weeks until a free day turns up. "Next available"
    (or, with the client's `best` times, the soonest that suit them) looks from today in
    the same way.
    """
    zone = practice_zone()
    finder = _DayFinder(service, practitioners, now, ignore_booking_id, staff, allowed, zone)
    window = finder.window
    today = local_date(now)
    first_bookable = local_date(window.earliest(now))
    last_bookable = local_date(window.latest(now))
    last_day = first_day + timedelta(days=days - 1)
    reach = timedelta(days=days - 1)  # an empty shown day's nearest free day, if any is shown
    by_day = finder.days(max(first_day - reach, today), last_day + reach)
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
            shown.append(DayTimes(day, (), finder.why_empty(day), finder.nearest_free(day)))
    suiting: tuple[domain.Slot, ...] = ()
    if best:
        suiting = tuple(finder.soonest(lambda slot: best.suits(slot.start, zone), SUITING_SHOWN))
    soonest = suiting or finder.soonest(lambda _slot: True, 1)
    next_available = soonest[0] if soonest else None
    return TimesPage(
        days=tuple(shown),
        next_available=next_available,
        first_bookable_day=first_bookable,
        last_bookable_day=last_bookable,
        suiting=suiting,
    )


class _DayFinder:
    """Free times by local day for one times page, loaded a stretch of days at a time and
    kept, so each day is worked out at most once."""

    STRETCH = timedelta(days=14)  # how far each further look reaches

    def __init__(
        self,
        service: Service,
        practitioners: Sequence[Practitioner],
        now: datetime,
        ignore_booking_id: int | None,
        staff: bool,
        allowed: Callable[[datetime], bool] | None,
        zone: ZoneInfo,
    ) -> None:
        self.service, self.practitioners, self.now = service, practitioners, now
        self.ignore, self.staff, self.allowed, self.zone = ignore_booking_id, staff, allowed, zone
        self.shape = session_shape(service)
        self.today = local_date(now)
        self.window = booking_window(staff)
        self.last = local_date(self.window.latest(now))
        self.slots: dict[date, list[domain.Slot]] = {}
        self.paced_out: set[date] = set()
        self.known_from: date | None = None  # days known: known_from..known_to
        self.known_to: date | None = None
        self.calendars: list[domain.Calendar] = []

    def days(self, first: date, last: date) -> dict[date, list[domain.Slot]]:
        """Free slots by day on first..last (clipped to today..the last bookable day)."""
        first, last = max(first, self.today), min(last, self.last)
        if first > last:
            return self.slots
        if self.known_from is not None:  # only ever grows at one end or the other
            if first >= self.known_from and last <= self.known_to:
                return self.slots
            if first < self.known_from:
                self._load(first, self.known_from - timedelta(days=1))
            if last > self.known_to:
                self._load(self.known_to + timedelta(days=1), last)
        else:
            self._load(first, last)
        return self.slots

    def _load(self, first: date, last: date) -> None:
        start, _ = local_day_bounds(first, self.zone)
        _, end = local_day_bounds(last, self.zone)
        loaded = load_free_time(self.practitioners, start, end, self.ignore)
        window = booking_window(self.staff, loaded.settings)
        if self.known_from is None:
            self.calendars = loaded.calendars  # the first stretch holds the shown days
        for slot in domain.available_slots(
            loaded.calendars, self.shape, window, self.now, start, end
        ):
            day = local_date(slot.start)
            if self.allowed is not None and not self.allowed(slot.start):
                self.paced_out.add(day)
                continue
            self.slots.setdefault(day, []).append(slot)
        self.known_from = min(first, self.known_from or first)
        self.known_to = max(last, self.known_to or last)

    def why_empty(self, day: date) -> domain.EmptyDay:
        if day in self.paced_out:
            return domain.EmptyDay(day, domain.EmptyDayReason.KEEPS_PACING)
        return domain.why_empty(day, self.calendars, self.shape, self.window, self.now, self.zone)

    def nearest_free(self, day: date) -> date | None:
        """The free day closest to `day` (the earlier of two as close), None if none."""
        after = self._first_free(day, step=1)
        # Earlier days only as far as the later one is (the earlier of two as close wins).
        before = self._first_free(day, step=-1, back_to=after and day - (after - day))
        found = [d for d in (before, after) if d is not None]
        return min(found, key=lambda d: (abs(d - day), d), default=None)

    def _first_free(self, day: date, step: int, back_to: date | None = None) -> date | None:
        """The first free day from `day` going one way (not before `back_to`), loading
        further stretches as needed."""
        cursor = min(max(day, self.today), self.last)
        while max(self.today, back_to or self.today) <= cursor <= self.last:
            if self.known_from is None or not self.known_from <= cursor <= self.known_to:
                if step > 0:
                    self.days(cursor, cursor + self.STRETCH)
                else:
                    self.days(cursor - self.STRETCH, cursor)
            if self.slots.get(cursor):
                return cursor
            cursor += timedelta(days=step)
        return None

    def soonest(self, wanted: Callable[[domain.Slot], bool], count: int) -> list[domain.Slot]:
        """Up to `count` wanted slots, soonest first, from today."""
        found: list[domain.Slot] = []
        cursor = self.today
        while cursor <= self.last and len(found) < count:
            if self.known_from is None or not self.known_from <= cursor <= self.known_to:
                self.days(cursor, cursor + self.STRETCH)
            found.extend(slot for slot in self.slots.get(cursor, ()) if wanted(slot))
            cursor += timedelta(days=1)
        return found[:count]
