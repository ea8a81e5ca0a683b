"""When a session can start: a pipeline of plain functions over aware UTC times.

weekly hours (local wall-clock times) → concrete windows per date → plus one-off openings
→ minus closures and busy time (bookings with their rest buffers) → start times on a step
grid where the session and its buffers fit → minimum notice and maximum advance.

A weekly window "Tuesday 10:00 to 16:00" means every instant whose local wall-clock time on that
Tuesday is in [10:00, 16:00). On the day the clocks go forward a window that spans the missing
hour is an hour shorter; on the day they go back, one that spans the repeated hour is an hour
longer. Slots are instants, so a repeated local hour never produces a duplicate slot, and a
missing one never produces a slot at a time that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

_SECOND = timedelta(seconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, order=True)
class Span:
    """A half-open stretch of time [start, end), both aware UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Span times must be timezone-aware")

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans share any instant."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class WeeklyHours:
    """A weekly window in local wall-clock time, valid on dates valid_from..valid_to."""

    weekday: int  # Monday is 0, as in date.weekday()
    start_local: time
    end_local: time
    valid_from: date
    valid_to: date | None = None  # inclusive; None means until changed

    def applies_on(self, day: date) -> bool:
        """Whether this window opens on `day`."""
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True)
class Closure:
    """Time off; `whole_practice` closures apply to every practitioner."""

    span: Span
    reason: str = ""
    whole_practice: bool = False


@dataclass(frozen=True)
class Calendar:
    """Everything that decides one practitioner's free time."""

    practitioner_id: int
    zone: ZoneInfo
    weekly: Sequence[WeeklyHours] = ()
    openings: Sequence[Span] = ()
    closures: Sequence[Closure] = ()
    busy: Sequence[Span] = ()  # other bookings' blocked time, buffers included


@dataclass(frozen=True)
class SessionShape:
    """How long a session takes and the rest it needs around it."""

    minutes: int
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0

    def blocked(self, start: datetime) -> Span:
        """The time a session starting at `start` keeps from other bookings."""
        return Span(
            start - timedelta(minutes=self.buffer_before_minutes),
            start + timedelta(minutes=self.minutes + self.buffer_after_minutes),
        )

    def session(self, start: datetime) -> Span:
        """The session itself, without its buffers."""
        return Span(start, start + timedelta(minutes=self.minutes))


@dataclass(frozen=True)
class BookingWindow:
    """How far ahead clients may book, and the grid start times sit on."""

    step_minutes: int = 15
    min_notice: timedelta = timedelta(hours=12)
    max_advance: timedelta = timedelta(days=90)

    def earliest(self, now: datetime) -> datetime:
        """The first moment a session may start."""
        return now + self.min_notice

    def latest(self, now: datetime) -> datetime:
        """The last moment a session may start."""
        return now + self.max_advance


@dataclass(frozen=True, order=True)
class Slot:
    """A start time and the practitioners free for it, in the order they are offered."""

    start: datetime
    end: datetime
    practitioner_ids: tuple[int, ...] = field(compare=False)


# --- Windows from weekly hours -------------------------------------------------------------


def _offset_at(instant: datetime, zone: ZoneInfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


def _boundary(lo: datetime, hi: datetime, keeps: bool, zone: ZoneInfo, offset: timedelta):
    """The first instant in (lo, hi] where `offset_at == offset` stops being `keeps`.

    Offsets change on whole seconds, so a binary search to the second is exact.
    """
    while hi - lo > _SECOND:
        mid = lo + (hi - lo) // 2
        mid = mid.replace(microsecond=0)
        if mid <= lo:
            mid = lo + _SECOND
        if (_offset_at(mid, zone) == offset) == keeps:
            lo = mid
        else:
            hi = mid
    return hi


def local_window(day: date, start_local: time, end_local: time, zone: ZoneInfo) -> list[Span]:
    """Every instant whose wall-clock time on `day` in `zone` lies in [start_local, end_local).

    Usually one span; a window that straddles a repeated hour in an odd way can be two.
    """
    if end_local <= start_local:
        return []
    start_naive = datetime.combine(day, start_local)
    end_naive = datetime.combine(day, end_local)
    offsets = {
        datetime.combine(day, moment, tzinfo=zone).replace(fold=fold).utcoffset()
        for moment in (start_local, end_local)
        for fold in (0, 1)
    }
    pieces: list[Span] = []
    for offset in offsets:
        assert offset is not None
        # The instants that would show these wall-clock times if `offset` were in force...
        candidate = Span(
            (start_naive - offset).replace(tzinfo=UTC), (end_naive - offset).replace(tzinfo=UTC)
        )
        # ...kept where it really is. A window is shorter than a day, so at most one clock
        # change falls inside and the kept part is one piece at one end (or all, or none).
        first_ok = _offset_at(candidate.start, zone) == offset
        last = candidate.end - _SECOND
        last_ok = _offset_at(last, zone) == offset
        if first_ok and last_ok:
            pieces.append(candidate)
        elif first_ok:
            pieces.append(
                Span(candidate.start, _boundary(candidate.start, last, True, zone, offset))
            )
        elif last_ok:
            pieces.append(
                Span(_boundary(candidate.start, last, False, zone, offset), candidate.end)
            )
    return merge(pieces)


def weekly_windows(
    weekly: Iterable[WeeklyHours], first_day: date, last_day: date, zone: ZoneInfo
) -> list[Span]:
    """Concrete open windows for each local date from first_day to last_day inclusive."""
    rules = list(weekly)
    windows: list[Span] = []
    day = first_day
    while day <= last_day:
        for rule in rules:
            if rule.applies_on(day):
                windows.extend(local_window(day, rule.start_local, rule.end_local, zone))
        day += timedelta(days=1)
    return merge(windows)


# --- Set arithmetic on spans ---------------------------------------------------------------


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same time; touching spans join."""
    merged: list[Span] = []
    for span in sorted(spans):
        if span.start >= span.end:
            continue
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def subtract(spans: Iterable[Span], removals: Iterable[Span]) -> list[Span]:
    """The parts of `spans` not covered by any of `removals`."""
    cuts = merge(removals)
    result: list[Span] = []
    index = 0
    for span in merge(spans):
        while index < len(cuts) and cuts[index].end <= span.start:
            index += 1
        cursor = span.start
        probe = index
        while probe < len(cuts) and cuts[probe].start < span.end:
            cut = cuts[probe]
            if cut.start > cursor:
                result.append(Span(cursor, cut.start))
            cursor = max(cursor, cut.end)
            probe += 1
        if cursor < span.end:
            result.append(Span(cursor, span.end))
    return result


# --- From free time to start times -----------------------------------------------------------


def open_time(calendar: Calendar, first_day: date, last_day: date) -> list[Span]:
    """Weekly windows and one-off openings, before closures and bookings are taken out."""
    windows = weekly_windows(calendar.weekly, first_day, last_day, calendar.zone)
    return merge([*windows, *calendar.openings])


def free_time(calendar: Calendar, first_day: date, last_day: date) -> list[Span]:
    """Open time minus closures and busy time."""
    taken = [closure.span for closure in calendar.closures] + list(calendar.busy)
    return subtract(open_time(calendar, first_day, last_day), taken)


def _grid_at_or_after(moment: datetime, step: timedelta) -> datetime:
    """The first step-grid instant at or after `moment` (the grid is counted from 1970 UTC)."""
    remainder = (moment - _EPOCH) % step
    return moment if not remainder else moment + (step - remainder)


def start_times(
    free: Iterable[Span],
    shape: SessionShape,
    step_minutes: int,
    earliest: datetime,
    latest: datetime,
) -> list[datetime]:
    """Grid times in [earliest, latest] whose session and buffers fit inside one free span."""
    step = timedelta(minutes=step_minutes)
    before = timedelta(minutes=shape.buffer_before_minutes)
    after = timedelta(minutes=shape.minutes + shape.buffer_after_minutes)
    starts: list[datetime] = []
    for span in free:
        first = max(span.start + before, earliest)
        last = min(span.end - after, latest)
        moment = _grid_at_or_after(first, step)
        while moment <= last:
            starts.append(moment)
            moment += step
    return starts


def practitioner_slots(
    calendar: Calendar,
    shape: SessionShape,
    window: BookingWindow,
    now: datetime,
    start: datetime,
    end: datetime,
) -> list[Slot]:
    """One practitioner's bookable slots starting in [start, end), given the time `now`."""
    zone = calendar.zone
    # A day either side, so local dates that straddle UTC midnight are fully covered.
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    free = free_time(calendar, first_day, last_day)
    earliest = max(window.earliest(now), start)
    latest = min(window.latest(now), end - _SECOND)
    return [
        Slot(moment, shape.session(moment).end, (calendar.practitioner_id,))
        for moment in start_times(free, shape, window.step_minutes, earliest, latest)
    ]


def merge_practitioners(per_practitioner: Iterable[Sequence[Slot]]) -> list[Slot]:
    """'Any practitioner': one slot per start time listing everyone free then, earliest first.

    Practitioners keep the order they were given in, so the first is the one offered.
    """
    by_start: dict[datetime, Slot] = {}
    for slots in per_practitioner:
        for slot in slots:
            known = by_start.get(slot.start)
            if known is None:
                by_start[slot.start] = slot
            else:
                new = tuple(i for i in slot.practitioner_ids if i not in known.practitioner_ids)
                ids = known.practitioner_ids + new
                by_start[slot.start] = Slot(known.start, known.end, ids)
    return [by_start[moment] for moment in sorted(by_start)]


def available_slots(
    calendars: Sequence[Calendar],
    shape: SessionShape,
    window: BookingWindow,
    now: datetime,
    start: datetime,
    end: datetime,
) -> list[Slot]:
    """Bookable slots starting in [start, end) across the given practitioners, merged."""
    return merge_practitioners(
        practitioner_slots(calendar, shape, window, now, start, end) for calendar in calendars
    )


# --- Why a day has nothing -------------------------------------------------------------------


class EmptyDayReason(StrEnum):
    """Why a local date offers no times, most specific first."""

    PAST = "past"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    PRACTICE_CLOSED = "practice_closed"
    AWAY = "away"
    NOT_WORKING = "not_working"
    FULLY_BOOKED = "fully_booked"
    # Free, but too close to another of the client's sessions in their first month.
    KEEPS_PACING = "keeps_pacing"


@dataclass(frozen=True)
class EmptyDay:
    """A date with no slots and the plain reason for it."""

    day: date
    reason: EmptyDayReason
    detail: str = ""  # e.g. a whole-practice closure's public reason


def why_empty(
    day: date,
    calendars: Sequence[Calendar],
    shape: SessionShape,
    window: BookingWindow,
    now: datetime,
    zone: ZoneInfo,
) -> EmptyDay:
    """Explain, in the most useful terms, why `day` (local to `zone`) offers no slots."""
    day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    if day_end <= now:
        return EmptyDay(day, EmptyDayReason.PAST)
    if day_end <= window.earliest(now):
        return EmptyDay(day, EmptyDayReason.TOO_SOON)
    if day_start > window.latest(now):
        return EmptyDay(day, EmptyDayReason.TOO_FAR)
    whole_day = Span(day_start, day_end)

    def on_the_day(spans: Iterable[Span]) -> list[Span]:
        return [
            Span(max(span.start, day_start), min(span.end, day_end))
            for span in spans
            if span.overlaps(whole_day)
        ]

    open_spans = on_the_day(
        span for calendar in calendars for span in open_time(calendar, day, day)
    )
    if not open_spans:
        return EmptyDay(day, EmptyDayReason.NOT_WORKING)
    practice_closures = [
        closure
        for calendar in calendars
        for closure in calendar.closures
        if closure.whole_practice and closure.span.overlaps(whole_day)
    ]
    if practice_closures and not subtract(open_spans, [c.span for c in practice_closures]):
        return EmptyDay(day, EmptyDayReason.PRACTICE_CLOSED, practice_closures[0].reason)
    # Open and not on leave: the times a session would fit if nothing were booked.
    unbooked = [
        subtract(open_time(calendar, day, day), [closure.span for closure in calendar.closures])
        for calendar in calendars
    ]
    if not any(on_the_day(spans) for spans in unbooked):
        return EmptyDay(day, EmptyDayReason.AWAY)
    last_start = day_end - _SECOND

    def fits(earliest: datetime, latest: datetime) -> bool:
        return any(
            start_times(spans, shape, window.step_minutes, earliest, latest) for spans in unbooked
        )

    if fits(day_start, last_start):
        if not fits(max(day_start, window.earliest(now)), last_start):
            return EmptyDay(day, EmptyDayReason.TOO_SOON)
        if not fits(day_start, min(last_start, window.latest(now))):
            return EmptyDay(day, EmptyDayReason.TOO_FAR)
    return EmptyDay(day, EmptyDayReason.FULLY_BOOKED)
