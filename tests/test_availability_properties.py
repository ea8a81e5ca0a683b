"""Property tests: booking.domain.availability against a slow, obviously-correct reference.

The reference walks every UTC minute, asks zoneinfo for the local wall-clock time and date, and
decides from the rules directly whether that minute is open and free. Every time the strategies
produce (weekly hours, openings, closures, bookings, buffers, steps, notice) is a whole number of
minutes, and the zones used only change their offsets on whole minutes, so whether a minute is
free is the same for every instant in it and the minute walk is exact. (`now` sometimes carries
seconds; it is only ever compared with, never walked.)

Dates are drawn mostly from the days the clocks change (last Sundays of March and October in
Europe/London, plus New York, Lord Howe, which moves by only half an hour, and Adelaide, half an
hour off the hour), and wall-clock times mostly from 00:00-03:00, where the changes happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from booking.domain.availability import (
    BookingWindow,
    Calendar,
    Closure,
    SessionShape,
    Slot,
    Span,
    WeeklyHours,
    available_slots,
    local_window,
    merge,
    practitioner_slots,
    subtract,
)

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ADELAIDE = ZoneInfo("Australia/Adelaide")  # +9:30, +10:30 in summer


def _clock_change_days(zone: ZoneInfo, first: date, last: date) -> list[date]:
    """Local dates whose midnight-to-midnight offset differs, found by asking zoneinfo."""
    days = []
    day = first
    while day <= last:
        today = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        tomorrow = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).utcoffset()
        if today != tomorrow:
            days.append(day)
        day += timedelta(days=1)
    return days


CHANGE_DAYS = {
    zone: _clock_change_days(zone, date(2024, 1, 1), date(2027, 12, 31))
    for zone in (LONDON, NEW_YORK, LORD_HOWE, ADELAIDE)
}
# Named London clock-change Sundays, drawn more often than the rest.
LONDON_CHANGES = [
    date(2024, 3, 31),
    date(2025, 3, 30),
    date(2026, 3, 29),
    date(2025, 10, 26),
    date(2026, 10, 25),
]
assert set(LONDON_CHANGES) <= set(CHANGE_DAYS[LONDON])

# London most of the time, the others for generality.
zones = st.sampled_from([LONDON, LONDON, LONDON, LONDON, NEW_YORK, LORD_HOWE, ADELAIDE])


@st.composite
def anchor_days(draw: st.DrawFn, zone: ZoneInfo) -> date:
    """A date near which things happen: usually a clock-change day, sometimes any day."""
    choices = [st.sampled_from(CHANGE_DAYS[zone]), st.dates(date(2024, 1, 1), date(2027, 12, 31))]
    if zone is LONDON:
        choices.insert(0, st.sampled_from(LONDON_CHANGES))
    day = draw(st.one_of(*choices))
    # Often the clock-change day itself, sometimes a day either side.
    return day + timedelta(days=draw(st.sampled_from([0, 0, 0, -1, 1])))


# Wall-clock times on 5-minute boundaries, a good share of them in 00:00-03:00.
wall_minutes = st.one_of(
    st.integers(0, 36).map(lambda k: 5 * k), st.integers(0, 287).map(lambda k: 5 * k)
)


def as_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


# Weekly hours start before they end (the database insists: start_local < end_local).
# Empty and backwards windows are pinned separately, in test_availability_domain.py.
wall_windows = st.lists(wall_minutes, min_size=2, max_size=2, unique=True).map(
    lambda pair: (as_time(min(pair)), as_time(max(pair)))
)


@st.composite
def weekly_rules(draw: st.DrawFn, period_days: Sequence[date]) -> WeeklyHours:
    """Mostly on a weekday and for dates the period has, so that most rules take effect."""
    day = draw(st.sampled_from(period_days))
    weekday = draw(st.one_of(st.just(day.weekday()), st.integers(0, 6)))
    start_local, end_local = draw(wall_windows)
    valid_from = draw(
        st.one_of(
            st.just(date(2020, 1, 1)),
            st.integers(-2, 2).map(lambda k: day + timedelta(days=k)),
        )
    )
    valid_to = draw(
        st.one_of(st.none(), st.integers(0, 3).map(lambda k: valid_from + timedelta(days=k)))
    )
    return WeeklyHours(weekday, start_local, end_local, valid_from, valid_to)


def spans_near(start: datetime, length: timedelta, max_minutes: int) -> st.SearchStrategy[Span]:
    """Spans on 5-minute boundaries starting from 8h before `start` to the end of the period."""
    units = int((length + timedelta(hours=8)) / timedelta(minutes=5))
    return st.builds(
        lambda k, n: Span(
            start + timedelta(minutes=5 * k - 8 * 60), start + timedelta(minutes=5 * (k + n))
        ),
        st.integers(0, units),
        st.integers(1, max_minutes // 5),
    )


QUARTER = timedelta(minutes=15)


@st.composite
def scenarios(draw: st.DrawFn, practitioners: int = 1):
    """Calendars in one zone, a shape, a booking window, `now` and a period [start, end).

    The period starts up to a day before local midnight of the anchor date and lasts 15
    minutes to 3 days, so it usually covers that date's 00:00-03:00. `now` and the notice and
    advance are drawn relative to the period so the bounds sometimes cut it and sometimes not.
    """
    zone = draw(zones)
    anchor = draw(anchor_days(zone))
    local_midnight = datetime.combine(anchor, time(0), tzinfo=zone).astimezone(UTC)
    start = local_midnight - draw(st.integers(0, 24 * 4)) * QUARTER
    end = start + draw(st.integers(1, 3 * 24 * 4)) * QUARTER
    first_day, last_day = start.astimezone(zone).date(), end.astimezone(zone).date()
    period_days = [first_day + timedelta(days=k) for k in range((last_day - first_day).days + 1)]

    calendars = []
    for practitioner_id in draw(st.permutations(list(range(1, 6))))[:practitioners]:
        calendars.append(
            Calendar(
                practitioner_id,
                zone,
                weekly=draw(st.lists(weekly_rules(period_days), min_size=1, max_size=4)),
                openings=draw(st.lists(spans_near(start, end - start, 6 * 60), max_size=2)),
                closures=[
                    Closure(span)
                    for span in draw(st.lists(spans_near(start, end - start, 6 * 60), max_size=2))
                ],
                busy=draw(st.lists(spans_near(start, end - start, 3 * 60), max_size=3)),
            )
        )
    shape = SessionShape(
        draw(st.sampled_from([5, 15, 30, 45, 60, 90])),
        draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
        draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
    )
    # Earliest start from 12 hours before the period to 12 hours into it; latest from 12 hours
    # before its end to 12 hours after.
    min_notice = draw(st.integers(0, 36 * 4)) * QUARTER
    now = start - min_notice + draw(st.integers(-12 * 12, 12 * 12)) * timedelta(minutes=5)
    now += draw(st.sampled_from([0, 0, 0, 1, 30, 59])) * SECOND
    max_advance = (end - now) + draw(st.integers(-12 * 4, 12 * 4)) * QUARTER
    window = BookingWindow(
        step_minutes=draw(st.sampled_from([5, 10, 15, 20, 30, 40, 45, 50, 60])),
        min_notice=min_notice,
        max_advance=max(max_advance, timedelta(0)),
    )
    return calendars, shape, window, now, start, end


# --- The reference ---------------------------------------------------------------------------


def within(moment: datetime, spans: Iterable[Span]) -> bool:
    return any(span.start <= moment < span.end for span in spans)


def minute_is_free(calendar: Calendar, minute: datetime) -> bool:
    """Open by a weekly rule (judged on local date and wall time) or an opening, and not taken."""
    local = minute.astimezone(calendar.zone)
    day, wall = local.date(), local.time()
    weekly_open = any(
        rule.applies_on(day) and rule.start_local <= wall < rule.end_local
        for rule in calendar.weekly
    )
    is_open = weekly_open or within(minute, calendar.openings)
    taken = within(minute, [closure.span for closure in calendar.closures]) or within(
        minute, calendar.busy
    )
    return is_open and not taken


def reference_slots(
    calendar: Calendar,
    shape: SessionShape,
    window: BookingWindow,
    now: datetime,
    start: datetime,
    end: datetime,
) -> list[tuple[datetime, datetime, tuple[int, ...]]]:
    before = shape.buffer_before_minutes
    length = shape.minutes + shape.buffer_after_minutes
    walk_from = start - before * MINUTE
    minutes = int((end - walk_from) / MINUTE) + length
    free = [minute_is_free(calendar, walk_from + k * MINUTE) for k in range(minutes)]
    earliest = max(now + window.min_notice, start)
    latest = min(now + window.max_advance, end - SECOND)
    step = timedelta(minutes=window.step_minutes)
    slots = []
    for k in range(int((end - start) / MINUTE)):
        moment = start + k * MINUTE
        on_grid = on_local_grid(moment, calendar.zone, step)
        # free[k] is the minute at moment - before; the blocked span is before + length long.
        if on_grid and earliest <= moment <= latest and all(free[k : k + before + length]):
            slots.append((moment, moment + shape.minutes * MINUTE, (calendar.practitioner_id,)))
    return slots


def on_local_grid(moment: datetime, zone: ZoneInfo, step: timedelta) -> bool:
    """Whether the wall clock shows a whole number of steps since local midnight."""
    local = moment.astimezone(zone)
    since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)
    return local.microsecond == 0 and since_midnight % step == timedelta(0)


def as_tuples(slots: Iterable[Slot]) -> list[tuple[datetime, datetime, tuple[int, ...]]]:
    return [(slot.start, slot.end, slot.practitioner_ids) for slot in slots]


# --- practitioner_slots --------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_practitioner_slots_equal_minute_by_minute_reference(scenario):
    calendars, shape, window, now, start, end = scenario
    (calendar,) = calendars
    actual = practitioner_slots(calendar, shape, window, now, start, end)
    assert as_tuples(actual) == reference_slots(calendar, shape, window, now, start, end)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_slot_starts_are_distinct_real_wall_times_inside_the_rules(scenario):
    calendars, shape, window, now, start, end = scenario
    (calendar,) = calendars
    slots = practitioner_slots(calendar, shape, window, now, start, end)
    moments = [slot.start for slot in slots]
    assert moments == sorted(set(moments)), "slot starts must be strictly increasing"
    for moment in moments:
        assert moment.utcoffset() == timedelta(0)
        local = moment.astimezone(calendar.zone)
        wall = local.replace(tzinfo=None)
        # The wall time exists: read back in the zone (with its fold) it is the same instant.
        assert wall.replace(tzinfo=calendar.zone, fold=local.fold).astimezone(UTC) == moment
        if not within(moment, calendar.openings):
            assert any(
                rule.applies_on(local.date()) and rule.start_local <= local.time() < rule.end_local
                for rule in calendar.weekly
            ), f"{moment} is {wall} local, which no weekly rule opens"


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 3).flatmap(scenarios))
def test_available_slots_is_the_union_of_each_practitioners(scenario):
    calendars, shape, window, now, start, end = scenario
    singles = [
        {slot.start for slot in practitioner_slots(calendar, shape, window, now, start, end)}
        for calendar in calendars
    ]
    expected = [
        (
            moment,
            moment + shape.minutes * MINUTE,
            tuple(
                c.practitioner_id
                for c, free in zip(calendars, singles, strict=True)
                if moment in free
            ),
        )
        for moment in sorted(set().union(*singles))
    ]
    assert as_tuples(available_slots(calendars, shape, window, now, start, end)) == expected


# --- local_window ----------------------------------------------------------------------------


@st.composite
def local_windows(draw: st.DrawFn):
    zone = draw(zones)
    day = draw(anchor_days(zone))
    start_local, end_local = draw(wall_windows)
    return zone, day, start_local, end_local


@settings(max_examples=150, deadline=None)
@given(local_windows())
def test_local_window_is_every_minute_with_that_local_date_and_wall_time(case):
    zone, day, start_local, end_local = case
    pieces = local_window(day, start_local, end_local, zone)

    # Any instant on local date `day` is within 15 hours of that day in UTC.
    walk_from = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=15)
    expected = set()
    for k in range((24 + 30) * 60):
        local = (walk_from + k * MINUTE).astimezone(zone)
        if local.date() == day and start_local <= local.time() < end_local:
            expected.add(k)

    actual = set()
    for piece in pieces:
        assert piece.start < piece.end
        assert piece.start.second == 0 and piece.end.second == 0  # exact, not off by a second
        actual |= set(
            range(int((piece.start - walk_from) / MINUTE), int((piece.end - walk_from) / MINUTE))
        )
    assert actual == expected
    assert len(pieces) <= 2
    assert all(a.end < b.start for a, b in pairwise(pieces))


# --- merge and subtract as set operations on minutes ------------------------------------------

BASE = datetime(2026, 10, 25, tzinfo=UTC)
minute_spans = st.lists(
    st.tuples(st.integers(0, 120), st.integers(0, 120)).map(
        lambda ab: Span(BASE + ab[0] * MINUTE, BASE + ab[1] * MINUTE)
    ),
    max_size=6,
)


def minute_set(spans: Iterable[Span]) -> set[int]:
    """The minutes (counted from BASE) a list of spans covers; backwards spans cover nothing."""
    return {
        k
        for span in spans
        for k in range(int((span.start - BASE) / MINUTE), int((span.end - BASE) / MINUTE))
    }


def assert_canonical(spans: list[Span]) -> None:
    """Sorted, each non-empty, and separated by a real gap (touching spans would have joined)."""
    assert all(span.start < span.end for span in spans)
    assert all(a.end < b.start for a, b in pairwise(spans))


@settings(max_examples=200, deadline=None)
@given(minute_spans)
def test_merge_is_set_union(spans):
    merged = merge(spans)
    assert_canonical(merged)
    assert minute_set(merged) == minute_set(spans)


@settings(max_examples=200, deadline=None)
@given(minute_spans, minute_spans)
def test_subtract_is_set_difference(spans, removals):
    result = subtract(spans, removals)
    assert_canonical(result)
    assert minute_set(result) == minute_set(spans) - minute_set(removals)
