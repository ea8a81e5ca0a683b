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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
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
    # The same as whole UTC seconds since 1970 (start, end): how the database hands over the
    # many bookings of a bookable period cheaply. Slot finding takes both.
    busy_seconds: Sequence[tuple[int, int]] = ()
    # Time the practitioner's own calendar keeps busy (UTC seconds, start and end only): taken
    # like a booking, and shown in the diary as plain busy time.
    own_busy_seconds: Sequence[tuple[int, int]] = ()


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
    taken.extend(Span(_instant(start), _instant(end)) for start, end in calendar.busy_seconds)
    taken.extend(Span(_instant(start), _instant(end)) for start, end in calendar.own_busy_seconds)
    return subtract(open_time(calendar, first_day, last_day), taken)


# --- The step grid: each local day's own clock ----------------------------------------------
#
# Start times sit on the wall clock of the day they fall on: with a 45-minute step they are
# 09:00, 09:45 ... in winter and in summer alike, counted from each local midnight. Slot
# finding works in whole UTC seconds since 1970 (plain ints): a bookable period holds
# thousands of bookings, and ints sort, compare and subtract many times faster than
# datetimes. Everything is converted back to aware datetimes at the edges.


def _seconds(moment: datetime) -> int:
    """Whole UTC seconds since 1970, rounded down."""
    return (moment - _EPOCH) // _SECOND


def _seconds_up(moment: datetime) -> int:
    """Whole UTC seconds since 1970, rounded up."""
    return -((_EPOCH - moment) // _SECOND)


def _instant(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


@dataclass(frozen=True)
class _Day:
    """One local date: when it starts and ends (UTC seconds), and its grid when the clocks
    change that day (None: the offset holds all day, so the grid is start + k * step)."""

    day: date
    start: int
    end: int
    changing_grid: tuple[int, ...] | None


@lru_cache(maxsize=64)
def _days(zone: ZoneInfo, first_day: date, last_day: date, step_seconds: int) -> tuple[_Day, ...]:
    """The local dates first_day..last_day with their step grids (pure, so kept a while)."""
    days = []
    day = first_day
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    while day <= last_day:
        following = day + timedelta(days=1)
        next_midnight = datetime.combine(following, time(0), tzinfo=zone)
        start, end = _seconds(midnight), _seconds(next_midnight)
        steady = midnight.utcoffset() == next_midnight.utcoffset()
        grid = None if steady else _changing_day_grid(day, zone, step_seconds)
        days.append(_Day(day, start, end, grid))
        day, midnight = following, next_midnight
    return tuple(days)


def _changing_day_grid(day: date, zone: ZoneInfo, step_seconds: int) -> tuple[int, ...]:
    """Grid instants on a day the clocks change: each wall-clock time k * step after
    midnight that exists, once for each time it happens (twice in a repeated hour)."""
    instants = set()
    midnight = datetime.combine(day, time(0))
    for offset in range(0, 24 * 3600, step_seconds):
        wall = midnight + timedelta(seconds=offset)
        for fold in (0, 1):
            moment = wall.replace(tzinfo=zone, fold=fold)
            if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
                instants.add(_seconds(moment))
    return tuple(sorted(instants))


def _grid_starts(
    free: Iterable[tuple[int, int]],
    before: int,
    after: int,
    earliest: int,
    latest: int,
    days: Sequence[_Day],
    step: int,
) -> list[int]:
    """Grid instants in [earliest, latest] where `before` seconds of rest, then `after`
    seconds of session and rest, fit inside one free span. `free` is sorted; `days` covers
    every start it could give."""
    starts: list[int] = []
    index = 0
    for span_start, span_end in free:
        first = max(span_start + before, earliest)
        last = min(span_end - after, latest)
        if first > last:
            continue
        while index < len(days) and days[index].end <= first:
            index += 1
        probe = index
        while probe < len(days) and days[probe].start <= last:
            day = days[probe]
            low, high = max(first, day.start), min(last, day.end - 1)
            if day.changing_grid is None:
                steps_in = -(-(low - day.start) // step)
                starts.extend(range(day.start + steps_in * step, high + 1, step))
            else:
                starts.extend(t for t in day.changing_grid if low <= t <= high)
            probe += 1
    return starts


def start_times(
    free: Iterable[Span],
    shape: SessionShape,
    step_minutes: int,
    earliest: datetime,
    latest: datetime,
    zone: ZoneInfo,
) -> list[datetime]:
    """Grid times in [earliest, latest] whose session and buffers fit inside one free span;
    the grid counts `step_minutes` from each local midnight in `zone`."""
    spans = [(_seconds_up(span.start), _seconds(span.end)) for span in merge(free)]
    if not spans or latest < earliest:
        return []
    before = shape.buffer_before_minutes * 60
    after = (shape.minutes + shape.buffer_after_minutes) * 60
    step = step_minutes * 60
    low = max(spans[0][0] + before, _seconds_up(earliest))
    high = min(spans[-1][1] - after, _seconds(latest))
    if high < low:
        return []
    days = _days(zone, _local_day(low, zone), _local_day(high, zone), step)
    return [_instant(t) for t in _grid_starts(spans, before, after, low, high, days, step)]


def _local_day(seconds: int, zone: ZoneInfo) -> date:
    return _instant(seconds).astimezone(zone).date()


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) pairs; touching ones join."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _without(spans: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of merged `spans` that merged `cuts` leave."""
    result: list[tuple[int, int]] = []
    index = 0
    for start, end in spans:
        while index < len(cuts) and cuts[index][1] <= start:
            index += 1
        cursor = start
        probe = index
        while probe < len(cuts) and cuts[probe][0] < end:
            cut_start, cut_end = cuts[probe]
            if cut_start > cursor:
                result.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
            probe += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def _open_seconds(calendar: Calendar, days: Sequence[_Day]) -> list[tuple[int, int]]:
    """Weekly windows on `days` and one-off openings, merged."""
    by_weekday: dict[int, list[WeeklyHours]] = defaultdict(list)
    for rule in calendar.weekly:
        by_weekday[rule.weekday].append(rule)
    # Open time rounds inwards and taken time outwards, so a start on a whole second fits
    # exactly when it would with the original instants.
    windows = [(_seconds_up(span.start), _seconds(span.end)) for span in calendar.openings]
    for day in days:
        for rule in by_weekday.get(day.day.weekday(), ()):
            if not rule.applies_on(day.day):
                continue
            if day.changing_grid is None:  # the offset holds all day: wall time is UTC + k
                windows.append(
                    (
                        day.start + _since_midnight(rule.start_local),
                        day.start + _since_midnight(rule.end_local),
                    )
                )
            else:
                windows.extend(
                    (_seconds(span.start), _seconds(span.end))
                    for span in local_window(
                        day.day, rule.start_local, rule.end_local, calendar.zone
                    )
                )
    return _merged(windows)


def _since_midnight(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _free_starts(
    calendar: Calendar,
    shape: SessionShape,
    step_minutes: int,
    earliest: int,
    latest: int,
) -> list[int]:
    """One practitioner's bookable starts in [earliest, latest], as UTC seconds."""
    zone = calendar.zone
    step = step_minutes * 60
    # A day either side of the starts, so windows that reach across midnight are whole.
    first_day = _local_day(earliest, zone) - timedelta(days=1)
    last_day = _local_day(latest, zone) + timedelta(days=1)
    days = _days(zone, first_day, last_day, step)
    taken = [(_seconds(c.span.start), _seconds_up(c.span.end)) for c in calendar.closures]
    taken.extend((_seconds(span.start), _seconds_up(span.end)) for span in calendar.busy)
    taken.extend(calendar.busy_seconds)
    taken.extend(calendar.own_busy_seconds)
    free = _without(_open_seconds(calendar, days), _merged(taken))
    before = shape.buffer_before_minutes * 60
    after = (shape.minutes + shape.buffer_after_minutes) * 60
    return _grid_starts(free, before, after, earliest, latest, days, step)


def _bounds(
    window: BookingWindow, now: datetime, start: datetime, end: datetime
) -> tuple[int, int]:
    """The first and last second a start may fall on: the asked-for range, notice, advance."""
    earliest = _seconds_up(max(window.earliest(now), start))
    latest = _seconds(min(window.latest(now), end - _SECOND))
    return earliest, latest


def practitioner_slots(
    calendar: Calendar,
    shape: SessionShape,
    window: BookingWindow,
    now: datetime,
    start: datetime,
    end: datetime,
) -> list[Slot]:
    """One practitioner's bookable slots starting in [start, end), given the time `now`."""
    return available_slots([calendar], shape, window, now, start, end)


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
    """Bookable slots starting in [start, end) across the given practitioners, merged: one
    per start time, listing everyone free then in the order the calendars were given."""
    earliest, latest = _bounds(window, now, start, end)
    if latest < earliest:
        return []
    free_at: dict[int, list[int]] = {}
    for calendar in calendars:
        for moment in _free_starts(calendar, shape, window.step_minutes, earliest, latest):
            ids = free_at.get(moment)
            if ids is None:
                free_at[moment] = [calendar.practitioner_id]
            elif calendar.practitioner_id not in ids:
                ids.append(calendar.practitioner_id)
    length = timedelta(minutes=shape.minutes)
    slots = []
    for moment in sorted(free_at):
        begins = _instant(moment)
        slots.append(Slot(begins, begins + length, tuple(free_at[moment])))
    return slots


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
            start_times(spans, shape, window.step_minutes, earliest, latest, zone)
            for spans in unbooked
        )

    if fits(day_start, last_start):
        if not fits(max(day_start, window.earliest(now)), last_start):
            return EmptyDay(day, EmptyDayReason.TOO_SOON)
        if not fits(day_start, min(last_start, window.latest(now))):
            return EmptyDay(day, EmptyDayReason.TOO_FAR)
    return EmptyDay(day, EmptyDayReason.FULLY_BOOKED)
