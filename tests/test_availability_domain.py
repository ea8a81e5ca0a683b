"""Concrete, table-driven checks of booking.domain.availability.

Times in the tables are written as "YYYY-MM-DD HH:MM" strings and always mean UTC; local
wall-clock times are `time` values interpreted in the zone the test names. January dates in
Europe/London are GMT (= UTC) so their expectations can be read straight off; the clock-change
days 2026-03-29 and 2026-10-25 and July dates (BST, UTC+1) are where the zone matters.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.domain.availability import (
    BookingWindow,
    Calendar,
    Closure,
    EmptyDayReason,
    SessionShape,
    Slot,
    Span,
    WeeklyHours,
    available_slots,
    free_time,
    local_window,
    merge,
    merge_practitioners,
    practitioner_slots,
    start_times,
    subtract,
    weekly_windows,
    why_empty,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
LONG_AGO = date(2025, 1, 1)


def at(text: str) -> datetime:
    """'2026-03-29 00:30' as an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def span(start: str, end: str) -> Span:
    return Span(at(start), at(end))


def spans(*pairs: tuple[str, str]) -> list[Span]:
    return [span(start, end) for start, end in pairs]


def hours(weekday: int, start: str, end: str, valid_from=LONG_AGO, valid_to=None) -> WeeklyHours:
    return WeeklyHours(
        weekday, time.fromisoformat(start), time.fromisoformat(end), valid_from, valid_to
    )


def starts(slots: list[Slot]) -> list[str]:
    return [slot.start.strftime("%Y-%m-%d %H:%M") for slot in slots]


# --- local_window ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "start_local", "end_local", "expected"),
    [
        pytest.param(
            LONDON, date(2026, 1, 14), time(10), time(16),
            [("2026-01-14 10:00", "2026-01-14 16:00")],
            id="winter-GMT-equals-UTC",
        ),
        pytest.param(
            LONDON, date(2026, 7, 15), time(10), time(16),
            [("2026-07-15 09:00", "2026-07-15 15:00")],
            id="summer-BST-is-an-hour-ahead",
        ),
        pytest.param(
            LONDON, date(2026, 7, 15), time(0), time(1),
            [("2026-07-14 23:00", "2026-07-15 00:00")],
            id="summer-local-midnight-is-previous-UTC-day",
        ),
        # Spring forward, Sunday 29 March 2026: 01:00 GMT jumps to 02:00 BST (01:00 UTC).
        pytest.param(
            LONDON, date(2026, 3, 29), time(0, 30), time(3),
            [("2026-03-29 00:30", "2026-03-29 02:00")],
            id="spring-across-gap-is-an-hour-shorter",
        ),
        pytest.param(
            LONDON, date(2026, 3, 29), time(1, 15), time(1, 45), [],
            id="spring-entirely-inside-missing-hour",
        ),
        pytest.param(
            LONDON, date(2026, 3, 29), time(1), time(2), [],
            id="spring-exactly-the-missing-hour",
        ),
        pytest.param(
            LONDON, date(2026, 3, 29), time(0), time(1, 30),
            [("2026-03-29 00:00", "2026-03-29 01:00")],
            id="spring-ending-inside-gap-stops-at-jump",
        ),
        pytest.param(
            LONDON, date(2026, 3, 29), time(1, 30), time(4),
            [("2026-03-29 01:00", "2026-03-29 03:00")],
            id="spring-starting-inside-gap-starts-at-jump",
        ),
        pytest.param(
            LONDON, date(2026, 3, 29), time(10), time(16),
            [("2026-03-29 09:00", "2026-03-29 15:00")],
            id="spring-day-afternoon-already-BST",
        ),
        pytest.param(
            LONDON, date(2026, 3, 28), time(10), time(16),
            [("2026-03-28 10:00", "2026-03-28 16:00")],
            id="day-before-spring-still-GMT",
        ),
        # Fall back, Sunday 25 October 2026: 02:00 BST (01:00 UTC) goes back to 01:00 GMT.
        pytest.param(
            LONDON, date(2026, 10, 25), time(0), time(1, 30),
            [("2026-10-24 23:00", "2026-10-25 00:30"), ("2026-10-25 01:00", "2026-10-25 01:30")],
            id="autumn-ending-inside-repeated-hour-is-two-pieces",
        ),
        pytest.param(
            LONDON, date(2026, 10, 25), time(1), time(2),
            [("2026-10-25 00:00", "2026-10-25 02:00")],
            id="autumn-the-repeated-hour-lasts-two-hours",
        ),
        pytest.param(
            LONDON, date(2026, 10, 25), time(1, 15), time(1, 45),
            [("2026-10-25 00:15", "2026-10-25 00:45"), ("2026-10-25 01:15", "2026-10-25 01:45")],
            id="autumn-inside-repeated-hour-happens-twice",
        ),
        pytest.param(
            LONDON, date(2026, 10, 25), time(1, 30), time(2, 30),
            [("2026-10-25 00:30", "2026-10-25 01:00"), ("2026-10-25 01:30", "2026-10-25 02:30")],
            id="autumn-starting-inside-repeated-hour-is-two-pieces",
        ),
        pytest.param(
            LONDON, date(2026, 10, 25), time(0, 30), time(3),
            [("2026-10-24 23:30", "2026-10-25 03:00")],
            id="autumn-across-repeated-hour-is-an-hour-longer",
        ),
        pytest.param(
            LONDON, date(2026, 10, 25), time(10), time(16),
            [("2026-10-25 10:00", "2026-10-25 16:00")],
            id="autumn-day-afternoon-already-GMT",
        ),
        pytest.param(
            LONDON, date(2026, 1, 14), time(12), time(12), [],
            id="zero-length-window",
        ),
        pytest.param(
            LONDON, date(2026, 1, 14), time(16), time(10), [],
            id="backwards-window-is-empty",
        ),
        # The same on the clock-change days. (The database only stores start < end, so these
        # come only from direct callers of local_window.)
        pytest.param(
            LONDON, date(2026, 3, 29), time(1), time(1), [],
            id="zero-length-window-at-the-missing-01:00-is-empty",
        ),
        pytest.param(
            LONDON, date(2026, 10, 25), time(2), time(0), [],
            id="backwards-window-across-autumn-change-is-empty",
        ),
        # Other zones: New York changes at 02:00 local; Lord Howe shifts by only 30 minutes.
        pytest.param(
            NEW_YORK, date(2026, 3, 8), time(1, 30), time(3, 30),
            [("2026-03-08 06:30", "2026-03-08 07:30")],
            id="new-york-spring-forward",
        ),
        pytest.param(
            NEW_YORK, date(2026, 11, 1), time(1), time(2),
            [("2026-11-01 05:00", "2026-11-01 07:00")],
            id="new-york-fall-back",
        ),
        pytest.param(
            LORD_HOWE, date(2026, 10, 4), time(1, 30), time(3),
            [("2026-10-03 15:00", "2026-10-03 16:00")],
            id="lord-howe-spring-loses-half-an-hour",
        ),
        pytest.param(
            LORD_HOWE, date(2026, 10, 4), time(2), time(2, 30), [],
            id="lord-howe-missing-half-hour",
        ),
        pytest.param(
            LORD_HOWE, date(2026, 4, 5), time(1), time(3),
            [("2026-04-04 14:00", "2026-04-04 16:30")],
            id="lord-howe-autumn-gains-half-an-hour",
        ),
        pytest.param(
            LORD_HOWE, date(2026, 4, 5), time(1, 45), time(2),
            [("2026-04-04 14:45", "2026-04-04 15:00"), ("2026-04-04 15:15", "2026-04-04 15:30")],
            id="lord-howe-repeated-half-hour-twice",
        ),
    ],
)  # fmt: skip
def test_local_window(zone, day, start_local, end_local, expected):
    assert local_window(day, start_local, end_local, zone) == spans(*expected)


@pytest.mark.parametrize(
    ("day", "expected_minutes"),
    [
        (date(2026, 3, 28), 24 * 60),
        (date(2026, 3, 29), 23 * 60),
        (date(2026, 10, 24), 24 * 60),
        (date(2026, 10, 25), 25 * 60),
    ],
)
def test_whole_local_day_length_follows_the_clock_change(day, expected_minutes):
    pieces = local_window(day, time(0), time(23, 59), LONDON)
    total = sum((piece.end - piece.start for piece in pieces), timedelta())
    assert total == timedelta(minutes=expected_minutes - 1)


# --- weekly hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "day", "applies"),
    [
        pytest.param(hours(TUE, "10:00", "16:00"), date(2026, 1, 13), True, id="right-weekday"),
        pytest.param(hours(TUE, "10:00", "16:00"), date(2026, 1, 14), False, id="wrong-weekday"),
        pytest.param(
            hours(TUE, "10:00", "16:00", valid_from=date(2026, 1, 13)), date(2026, 1, 13), True,
            id="valid-from-is-inclusive",
        ),
        pytest.param(
            hours(TUE, "10:00", "16:00", valid_from=date(2026, 1, 14)), date(2026, 1, 13), False,
            id="before-valid-from",
        ),
        pytest.param(
            hours(TUE, "10:00", "16:00", valid_from=date(2026, 1, 13)), date(2026, 1, 6), False,
            id="a-week-before-valid-from",
        ),
        pytest.param(
            hours(TUE, "10:00", "16:00", valid_to=date(2026, 1, 13)), date(2026, 1, 13), True,
            id="valid-to-is-inclusive",
        ),
        pytest.param(
            hours(TUE, "10:00", "16:00", valid_to=date(2026, 1, 19)), date(2026, 1, 20), False,
            id="after-valid-to",
        ),
        pytest.param(
            hours(TUE, "10:00", "16:00", valid_to=None), date(2036, 1, 15), True,
            id="open-ended",
        ),
    ],
)  # fmt: skip
def test_weekly_hours_applies_on(rule, day, applies):
    assert rule.applies_on(day) is applies


def test_weekly_windows_change_of_hours_on_valid_dates():
    """Tuesday hours change from 20 January: old rule valid to the 19th, new from the 20th."""
    rules = [
        hours(TUE, "10:00", "16:00", valid_to=date(2026, 1, 19)),
        hours(TUE, "12:00", "14:00", valid_from=date(2026, 1, 20), valid_to=date(2026, 1, 27)),
        hours(THU, "09:00", "10:00", valid_from=date(2026, 1, 15), valid_to=date(2026, 1, 15)),
    ]
    windows = weekly_windows(rules, date(2026, 1, 12), date(2026, 2, 4), LONDON)
    assert windows == spans(
        ("2026-01-13 10:00", "2026-01-13 16:00"),
        ("2026-01-15 09:00", "2026-01-15 10:00"),
        ("2026-01-20 12:00", "2026-01-20 14:00"),
        ("2026-01-27 12:00", "2026-01-27 14:00"),
    )


def test_weekly_windows_range_is_inclusive_and_local():
    rules = [hours(MON, "00:00", "01:00"), hours(SUN, "23:00", "23:59")]
    # Summer: Monday 00:00 BST is Sunday 23:00 UTC, so the two windows touch and join.
    windows = weekly_windows(rules, date(2026, 7, 12), date(2026, 7, 13), LONDON)
    assert windows == spans(
        ("2026-07-12 22:00", "2026-07-12 22:59"), ("2026-07-12 23:00", "2026-07-13 00:00")
    )
    assert weekly_windows(rules, date(2026, 7, 13), date(2026, 7, 13), LONDON) == spans(
        ("2026-07-12 23:00", "2026-07-13 00:00")
    )
    assert weekly_windows(rules, date(2026, 7, 14), date(2026, 7, 18), LONDON) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 29), [("2026-03-29 00:00", "2026-03-29 02:00")]),
        (date(2026, 10, 25), [("2026-10-24 23:00", "2026-10-25 03:00")]),
    ],
)
def test_weekly_windows_on_clock_change_sundays(day, expected):
    """A Sunday 00:00-03:00 rule: two hours when clocks go forward, four when they go back."""
    assert weekly_windows([hours(SUN, "00:00", "03:00")], day, day, LONDON) == spans(*expected)


# --- merge and subtract ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param([], [], id="nothing"),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 11:00"), ("2026-01-14 11:00", "2026-01-14 12:00")],
            [("2026-01-14 10:00", "2026-01-14 12:00")],
            id="touching-spans-join",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 11:00"), ("2026-01-14 11:01", "2026-01-14 12:00")],
            [("2026-01-14 10:00", "2026-01-14 11:00"), ("2026-01-14 11:01", "2026-01-14 12:00")],
            id="a-minute-apart-stay-apart",
        ),
        pytest.param(
            [("2026-01-14 13:00", "2026-01-14 14:00"), ("2026-01-14 10:00", "2026-01-14 13:30")],
            [("2026-01-14 10:00", "2026-01-14 14:00")],
            id="unsorted-overlapping",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 16:00"), ("2026-01-14 11:00", "2026-01-14 12:00")],
            [("2026-01-14 10:00", "2026-01-14 16:00")],
            id="contained",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 10:00"), ("2026-01-14 12:00", "2026-01-14 11:00")],
            [],
            id="empty-and-backwards-dropped",
        ),
        pytest.param(
            [
                ("2026-01-14 10:00", "2026-01-14 11:00"),
                ("2026-01-14 11:00", "2026-01-14 11:00"),
                ("2026-01-14 11:00", "2026-01-14 12:00"),
            ],
            [("2026-01-14 10:00", "2026-01-14 12:00")],
            id="empty-span-at-the-join",
        ),
    ],
)  # fmt: skip
def test_merge(given, expected):
    assert merge(spans(*given)) == spans(*expected)


OPEN = [("2026-01-14 10:00", "2026-01-14 16:00")]


@pytest.mark.parametrize(
    ("given", "removals", "expected"),
    [
        pytest.param(OPEN, [], OPEN, id="nothing-removed"),
        pytest.param(
            OPEN, [("2026-01-14 09:00", "2026-01-14 10:00")], OPEN,
            id="removal-touching-start-removes-nothing",
        ),
        pytest.param(
            OPEN, [("2026-01-14 16:00", "2026-01-14 17:00")], OPEN,
            id="removal-touching-end-removes-nothing",
        ),
        pytest.param(
            OPEN, [("2026-01-14 09:00", "2026-01-14 11:00")],
            [("2026-01-14 11:00", "2026-01-14 16:00")],
            id="cut-at-start",
        ),
        pytest.param(
            OPEN, [("2026-01-14 15:00", "2026-01-14 18:00")],
            [("2026-01-14 10:00", "2026-01-14 15:00")],
            id="cut-at-end",
        ),
        pytest.param(
            OPEN, [("2026-01-14 12:00", "2026-01-14 13:00")],
            [("2026-01-14 10:00", "2026-01-14 12:00"), ("2026-01-14 13:00", "2026-01-14 16:00")],
            id="cut-in-middle-leaves-two",
        ),
        pytest.param(OPEN, [("2026-01-14 10:00", "2026-01-14 16:00")], [], id="exact-cover"),
        pytest.param(OPEN, [("2026-01-13 00:00", "2026-01-15 00:00")], [], id="cover-everything"),
        pytest.param(
            OPEN,
            [("2026-01-14 10:00", "2026-01-14 13:00"), ("2026-01-14 13:00", "2026-01-14 16:00")],
            [],
            id="touching-removals-cover-everything",
        ),
        pytest.param(
            OPEN, [("2026-01-14 12:00", "2026-01-14 12:00")], OPEN,
            id="empty-removal",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00"), ("2026-01-14 14:00", "2026-01-14 16:00")],
            [("2026-01-14 11:00", "2026-01-14 15:00")],
            [("2026-01-14 10:00", "2026-01-14 11:00"), ("2026-01-14 15:00", "2026-01-14 16:00")],
            id="one-removal-across-two-spans",
        ),
        pytest.param(
            [("2026-01-14 14:00", "2026-01-14 16:00"), ("2026-01-14 10:00", "2026-01-14 14:00")],
            [("2026-01-14 15:30", "2026-01-14 15:45"), ("2026-01-14 10:15", "2026-01-14 10:30")],
            [
                ("2026-01-14 10:00", "2026-01-14 10:15"),
                ("2026-01-14 10:30", "2026-01-14 15:30"),
                ("2026-01-14 15:45", "2026-01-14 16:00"),
            ],
            id="unsorted-inputs-are-merged-first",
        ),
    ],
)  # fmt: skip
def test_subtract(given, removals, expected):
    assert subtract(spans(*given), spans(*removals)) == spans(*expected)


# --- start_times -----------------------------------------------------------------------------

FAR_PAST = at("2000-01-01 00:00")
FAR_FUTURE = at("2100-01-01 00:00")


@pytest.mark.parametrize(
    ("free", "shape", "step", "earliest", "latest", "expected"),
    [
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60), 15, None, None,
            ["10:00", "10:15", "10:30", "10:45", "11:00"],
            id="grid-every-15",
        ),
        pytest.param(
            [("2026-01-14 10:07", "2026-01-14 12:00")], SessionShape(60), 15, None, None,
            ["10:15", "10:30", "10:45", "11:00"],
            id="grid-not-counted-from-span-start",
        ),
        pytest.param(
            [("2026-01-14 10:07", "2026-01-14 13:00")], SessionShape(30), 45, None, None,
            ["10:30", "11:15", "12:00"],
            id="45-minute-grid-counted-from-local-midnight",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 11:00")], SessionShape(60), 15, None, None,
            ["10:00"],
            id="exact-fit",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 10:59")], SessionShape(60), 15, None, None, [],
            id="a-minute-too-short",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60, 15, 0), 15, None, None,
            ["10:15", "10:30", "10:45", "11:00"],
            id="buffer-before",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60, 0, 30), 15, None, None,
            ["10:00", "10:15", "10:30"],
            id="buffer-after",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60, 30, 30), 15, None, None,
            ["10:30"],
            id="both-buffers-exact-fit",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60, 30, 31), 15, None, None,
            [],
            id="buffers-a-minute-too-long",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60), 15,
            "2026-01-14 10:20", "2026-01-14 11:00",
            ["10:30", "10:45", "11:00"],
            id="earliest-rounds-up-latest-inclusive",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 12:00")], SessionShape(60), 15,
            "2026-01-14 10:30", "2026-01-14 10:29",
            [],
            id="latest-before-earliest",
        ),
        pytest.param(
            [("2026-01-14 10:00", "2026-01-14 11:00"), ("2026-01-14 11:15", "2026-01-14 13:00")],
            SessionShape(60), 30, None, None,
            ["10:00", "11:30", "12:00"],
            id="session-may-not-straddle-a-gap",
        ),
    ],
)  # fmt: skip
def test_start_times(free, shape, step, earliest, latest, expected):
    result = start_times(
        spans(*free),
        shape,
        step,
        at(earliest) if earliest else FAR_PAST,
        at(latest) if latest else FAR_FUTURE,
        LONDON,
    )
    assert [moment.strftime("%H:%M") for moment in result] == expected
    assert all(moment.tzinfo is not None for moment in result)


# --- practitioner_slots: notice, advance and the asked-for range ---------------------------

# Monday to Friday 10:00-16:00 in London.
WEEKDAYS = tuple(hours(day, "10:00", "16:00") for day in (MON, TUE, WED, THU, FRI))
HOUR = SessionShape(60)
HOURLY = BookingWindow(
    step_minutes=60, min_notice=timedelta(hours=12), max_advance=timedelta(days=90)
)
MONDAY_8AM = at("2026-01-12 08:00")


@pytest.mark.parametrize(
    ("window", "now", "start", "end", "expected"),
    [
        pytest.param(
            HOURLY, MONDAY_8AM, "2026-01-12 00:00", "2026-01-13 12:00",
            ["2026-01-13 10:00", "2026-01-13 11:00"],
            id="twelve-hours-notice-rules-out-monday",
        ),
        pytest.param(
            BookingWindow(60, timedelta(hours=4)), MONDAY_8AM,
            "2026-01-12 00:00", "2026-01-12 23:00",
            ["2026-01-12 12:00", "2026-01-12 13:00", "2026-01-12 14:00", "2026-01-12 15:00"],
            id="notice-exactly-on-a-grid-time-is-allowed",
        ),
        pytest.param(
            BookingWindow(60, timedelta(hours=4, minutes=1)), MONDAY_8AM,
            "2026-01-12 00:00", "2026-01-12 23:00",
            ["2026-01-12 13:00", "2026-01-12 14:00", "2026-01-12 15:00"],
            id="notice-a-minute-past-a-grid-time",
        ),
        pytest.param(
            BookingWindow(60, timedelta(0), timedelta(days=1, hours=3)), MONDAY_8AM,
            "2026-01-13 00:00", "2026-01-14 00:00",
            ["2026-01-13 10:00", "2026-01-13 11:00"],
            id="max-advance-is-inclusive",
        ),
        pytest.param(
            BookingWindow(60, timedelta(0), timedelta(days=1, hours=2, minutes=59)), MONDAY_8AM,
            "2026-01-13 00:00", "2026-01-14 00:00",
            ["2026-01-13 10:00"],
            id="max-advance-a-minute-short",
        ),
        pytest.param(
            HOURLY, MONDAY_8AM, "2026-01-13 11:00", "2026-01-13 13:00",
            ["2026-01-13 11:00", "2026-01-13 12:00"],
            id="range-start-inclusive-end-exclusive",
        ),
        pytest.param(
            HOURLY, MONDAY_8AM, "2026-01-17 00:00", "2026-01-19 00:00", [],
            id="weekend",
        ),
        pytest.param(
            BookingWindow(60, timedelta(0), timedelta(0)), MONDAY_8AM,
            "2026-01-12 00:00", "2026-01-20 00:00", [],
            id="no-advance-booking-at-all",
        ),
    ],
)  # fmt: skip
def test_practitioner_slots_bounds(window, now, start, end, expected):
    calendar = Calendar(7, LONDON, WEEKDAYS)
    slots = practitioner_slots(calendar, HOUR, window, now, at(start), at(end))
    assert starts(slots) == expected
    assert all(slot.practitioner_ids == (7,) for slot in slots)
    assert all(slot.end == slot.start + timedelta(hours=1) for slot in slots)


def test_practitioner_slots_openings_closures_and_busy():
    calendar = Calendar(
        1,
        LONDON,
        WEEKDAYS,
        openings=spans(("2026-01-17 09:00", "2026-01-17 11:00")),  # a Saturday
        closures=[Closure(span("2026-01-14 00:00", "2026-01-15 00:00"), "dentist")],
        busy=spans(("2026-01-13 11:00", "2026-01-13 12:30")),
    )
    slots = practitioner_slots(
        calendar, HOUR, HOURLY, MONDAY_8AM, at("2026-01-13 00:00"), at("2026-01-18 00:00")
    )
    assert starts(slots) == [
        # Tuesday: 10:00 ends as the 11:00 booking starts; 12:00 would overlap it until 12:30.
        "2026-01-13 10:00",
        "2026-01-13 13:00",
        "2026-01-13 14:00",
        "2026-01-13 15:00",
        # Wednesday closed.
        "2026-01-15 10:00",
        "2026-01-15 11:00",
        "2026-01-15 12:00",
        "2026-01-15 13:00",
        "2026-01-15 14:00",
        "2026-01-15 15:00",
        "2026-01-16 10:00",
        "2026-01-16 11:00",
        "2026-01-16 12:00",
        "2026-01-16 13:00",
        "2026-01-16 14:00",
        "2026-01-16 15:00",
        # Saturday opening.
        "2026-01-17 09:00",
        "2026-01-17 10:00",
    ]


def test_free_time_takes_out_closures_and_busy():
    calendar = Calendar(
        1,
        LONDON,
        [hours(TUE, "10:00", "16:00")],
        openings=spans(("2026-01-13 16:00", "2026-01-13 17:00")),
        closures=[Closure(span("2026-01-13 09:00", "2026-01-13 10:30"))],
        busy=spans(
            ("2026-01-13 12:00", "2026-01-13 13:00"), ("2026-01-13 16:30", "2026-01-13 18:00")
        ),
    )
    assert free_time(calendar, date(2026, 1, 13), date(2026, 1, 13)) == spans(
        ("2026-01-13 10:30", "2026-01-13 12:00"), ("2026-01-13 13:00", "2026-01-13 16:30")
    )


@pytest.mark.parametrize(
    ("rule", "day", "expected"),
    [
        pytest.param(
            hours(SUN, "00:30", "03:00"), "2026-03-29",
            ["2026-03-29 00:30", "2026-03-29 00:45", "2026-03-29 01:00", "2026-03-29 01:15",
             "2026-03-29 01:30"],
            id="spring-forward-no-slot-in-missing-hour",
        ),
        pytest.param(
            hours(SUN, "01:00", "02:00"), "2026-10-25",
            ["2026-10-25 00:00", "2026-10-25 00:15", "2026-10-25 00:30", "2026-10-25 00:45",
             "2026-10-25 01:00", "2026-10-25 01:15", "2026-10-25 01:30"],
            id="autumn-repeated-hour-offered-twice-as-distinct-instants",
        ),
        pytest.param(
            hours(SUN, "10:00", "11:30"), "2026-03-29",
            ["2026-03-29 09:00", "2026-03-29 09:15", "2026-03-29 09:30", "2026-03-29 09:45",
             "2026-03-29 10:00"],
            id="spring-forward-day-afternoon",
        ),
    ],
)  # fmt: skip
def test_practitioner_slots_on_clock_change_days(rule, day, expected):
    calendar = Calendar(1, LONDON, [rule])
    window = BookingWindow(15, timedelta(0), timedelta(days=30))
    now = at("2026-03-20 00:00") if day.startswith("2026-03") else at("2026-10-20 00:00")
    slots = practitioner_slots(
        calendar, SessionShape(30), window, now, at(f"{day} 00:00") - timedelta(days=1),
        at(f"{day} 00:00") + timedelta(days=1),
    )  # fmt: skip
    assert starts(slots) == expected


# --- The step grid: counted from each local midnight, whatever the clocks do ---------------


def local_starts(slots: list[Slot], zone: ZoneInfo) -> list[str]:
    return [slot.start.astimezone(zone).strftime("%a %H:%M") for slot in slots]


@pytest.mark.parametrize(
    ("step", "expected_each_day"),
    [
        pytest.param(40, ["09:20", "10:00", "10:40", "11:20"], id="40-minutes"),
        pytest.param(45, ["09:00", "09:45", "10:30", "11:15"], id="45-minutes"),
        pytest.param(50, ["09:10", "10:00", "10:50"], id="50-minutes"),
    ],
)
@pytest.mark.parametrize(
    ("zone_name", "friday", "monday"),
    [
        pytest.param("Europe/London", date(2027, 3, 26), date(2027, 3, 29), id="clocks-go-forward"),
        pytest.param("Europe/London", date(2027, 10, 29), date(2027, 11, 1), id="clocks-go-back"),
        pytest.param(
            "Australia/Adelaide", date(2027, 4, 2), date(2027, 4, 5), id="half-hour-zone-autumn"
        ),
        pytest.param("Asia/Kolkata", date(2027, 3, 26), date(2027, 3, 29), id="half-hour-no-dst"),
    ],
)
def test_grid_keeps_the_same_wall_clock_times_across_a_clock_change(
    step, expected_each_day, zone_name, friday, monday
):
    zone = ZoneInfo(zone_name)
    calendar = Calendar(1, zone, [hours(FRI, "09:00", "12:00"), hours(MON, "09:00", "12:00")])
    window = BookingWindow(step, timedelta(0), timedelta(days=30))
    first = datetime.combine(friday, time(0), tzinfo=zone)
    last = datetime.combine(monday + timedelta(days=1), time(0), tzinfo=zone)
    slots = practitioner_slots(
        calendar, SessionShape(40), window, first - timedelta(days=1), first, last
    )
    assert local_starts(slots, zone) == [f"Fri {t}" for t in expected_each_day] + [
        f"Mon {t}" for t in expected_each_day
    ]


@pytest.mark.parametrize(
    ("day", "step", "expected"),
    [
        pytest.param(
            "2027-03-28", 40, ["00:00", "00:40", "02:00", "02:40", "03:20"],
            id="spring-01:20-does-not-exist",
        ),
        pytest.param(
            "2027-10-31", 40, ["00:00", "00:40", "01:20", "01:20", "02:00", "02:40", "03:20"],
            id="autumn-01:20-happens-twice",
        ),
        pytest.param(
            "2027-03-28", 45, ["00:00", "00:45", "02:15", "03:00"],
            id="spring-45",
        ),
    ],
)  # fmt: skip
def test_grid_on_the_days_the_clocks_change(day, step, expected):
    calendar = Calendar(1, LONDON, [hours(SUN, "00:00", "04:00")])
    window = BookingWindow(step, timedelta(0), timedelta(days=30))
    first = datetime.combine(date.fromisoformat(day), time(0), tzinfo=LONDON)
    slots = practitioner_slots(
        calendar,
        SessionShape(30),
        window,
        first - timedelta(days=1),
        first,
        first + timedelta(days=1),
    )
    assert [s.start.astimezone(LONDON).strftime("%H:%M") for s in slots] == expected


# --- merge_practitioners and available_slots -------------------------------------------------


def slot(start: str, *ids: int) -> Slot:
    return Slot(at(start), at(start) + timedelta(hours=1), ids)


@pytest.mark.parametrize(
    ("per_practitioner", "expected"),
    [
        pytest.param([], [], id="nobody"),
        pytest.param([[], []], [], id="nobody-free"),
        pytest.param(
            [[slot("2026-01-13 10:00", 2), slot("2026-01-13 11:00", 2)],
             [slot("2026-01-13 10:00", 1)]],
            [("2026-01-13 10:00", (2, 1)), ("2026-01-13 11:00", (2,))],
            id="given-order-kept-not-id-order",
        ),
        pytest.param(
            [[slot("2026-01-13 12:00", 1)],
             [slot("2026-01-13 09:00", 2), slot("2026-01-13 12:00", 2)],
             [slot("2026-01-13 10:00", 3), slot("2026-01-13 12:00", 3)]],
            [("2026-01-13 09:00", (2,)), ("2026-01-13 10:00", (3,)),
             ("2026-01-13 12:00", (1, 2, 3))],
            id="one-slot-per-start-earliest-first",
        ),
        pytest.param(
            [[slot("2026-10-25 01:00", 1)], [slot("2026-10-25 00:00", 2)]],
            [("2026-10-25 00:00", (2,)), ("2026-10-25 01:00", (1,))],
            id="same-local-time-different-instants-not-merged",
        ),
    ],
)  # fmt: skip
def test_merge_practitioners(per_practitioner, expected):
    merged = merge_practitioners(per_practitioner)
    assert [(s.start.strftime("%Y-%m-%d %H:%M"), s.practitioner_ids) for s in merged] == expected
    assert all(s.end == s.start + timedelta(hours=1) for s in merged)


def test_available_slots_lists_every_free_practitioner_in_given_order():
    alice = Calendar(1, LONDON, [hours(TUE, "10:00", "13:00")])
    bob = Calendar(
        2,
        LONDON,
        [hours(TUE, "11:00", "14:00")],
        busy=spans(("2026-01-13 12:00", "2026-01-13 13:00")),
    )
    window = BookingWindow(60, timedelta(0), timedelta(days=30))
    args = (HOUR, window, MONDAY_8AM, at("2026-01-13 00:00"), at("2026-01-14 00:00"))

    assert [
        (s.start.strftime("%H:%M"), s.practitioner_ids)
        for s in available_slots([bob, alice], *args)
    ] == [
        ("10:00", (1,)),
        ("11:00", (2, 1)),
        ("12:00", (1,)),
        ("13:00", (2,)),
    ]
    assert [s.practitioner_ids for s in available_slots([alice, bob], *args)] == [
        (1,), (1, 2), (1,), (2,),
    ]  # fmt: skip


# --- why_empty --------------------------------------------------------------------------------

TRAINING = Closure(
    span("2026-01-13 00:00", "2026-01-14 00:00"), "Staff training", whole_practice=True
)
DAY_OFF = Closure(span("2026-01-13 00:00", "2026-01-14 00:00"), "holiday")
FLOOD = Closure(span("2026-01-13 09:00", "2026-01-13 17:00"), "Flood", whole_practice=True)
SATURDAY_EVENT = Closure(span("2026-01-17 00:00", "2026-01-18 00:00"), "Open day", True)
TUESDAY_BOOKED = spans(("2026-01-13 10:00", "2026-01-13 16:00"))
BOOK_MONTH = BookingWindow(60, timedelta(hours=12), timedelta(days=30))


def calendar(practitioner_id=1, closures=(), busy=(), weekly=WEEKDAYS, openings=()) -> Calendar:
    return Calendar(practitioner_id, LONDON, weekly, openings, closures, busy)


@pytest.mark.parametrize(
    ("day", "calendars", "window", "now", "reason", "detail"),
    [
        pytest.param(
            date(2026, 1, 11), [calendar()], BOOK_MONTH, MONDAY_8AM, EmptyDayReason.PAST, "",
            id="past-yesterday",
        ),
        pytest.param(
            date(2026, 7, 14), [calendar()], BOOK_MONTH, at("2026-07-14 23:00"),
            EmptyDayReason.PAST, "",
            id="past-at-local-midnight-in-summer",
        ),
        pytest.param(
            date(2026, 7, 14), [calendar()], BookingWindow(60, timedelta(0)),
            at("2026-07-14 22:59"), EmptyDayReason.TOO_SOON, "",
            id="not-past-a-minute-before-local-midnight-in-summer",
        ),
        # Sunday 25 October 2026 is 25 hours long: 23:00 UTC on the 24th to 00:00 UTC on the 26th.
        pytest.param(
            date(2026, 10, 25), [calendar(weekly=[hours(SUN, "10:00", "16:00")])],
            BookingWindow(60, timedelta(0)), at("2026-10-25 23:30"), EmptyDayReason.TOO_SOON, "",
            id="not-past-in-the-25th-hour-of-autumn-sunday",
        ),
        pytest.param(
            date(2026, 10, 25), [calendar(weekly=[hours(SUN, "10:00", "16:00")])],
            BookingWindow(60, timedelta(0)), at("2026-10-26 00:00"), EmptyDayReason.PAST, "",
            id="past-after-the-25-hour-autumn-sunday",
        ),
        pytest.param(
            date(2026, 1, 13), [calendar()], BookingWindow(60, timedelta(hours=48)), MONDAY_8AM,
            EmptyDayReason.TOO_SOON, "",
            id="too-soon-whole-day",
        ),
        pytest.param(
            date(2026, 1, 12), [calendar()], BOOK_MONTH, MONDAY_8AM, EmptyDayReason.TOO_SOON, "",
            id="too-soon-today-working-hours-over-before-notice",
        ),
        pytest.param(
            date(2026, 1, 12),
            [calendar(closures=[Closure(span("2026-01-12 00:00", "2026-01-13 00:00"), "x", True)])],
            BookingWindow(60, timedelta(hours=16)),
            MONDAY_8AM, EmptyDayReason.TOO_SOON, "",
            id="too-soon-beats-everything-after-it",
        ),
        pytest.param(
            date(2026, 2, 12), [calendar()], BOOK_MONTH, MONDAY_8AM, EmptyDayReason.TOO_FAR, "",
            id="too-far-whole-day",
        ),
        pytest.param(
            date(2026, 1, 13), [calendar(closures=[TRAINING]), calendar(2, closures=[TRAINING])],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.PRACTICE_CLOSED, "Staff training",
            id="practice-closed-with-public-reason",
        ),
        pytest.param(
            date(2026, 1, 13),
            [calendar(closures=[FLOOD])],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.PRACTICE_CLOSED, "Flood",
            id="practice-closed-over-working-hours-only",
        ),
        pytest.param(
            date(2026, 1, 13), [calendar(closures=[DAY_OFF])], BOOK_MONTH, MONDAY_8AM,
            EmptyDayReason.AWAY, "",
            id="away",
        ),
        pytest.param(
            date(2026, 1, 13),
            [calendar(closures=[DAY_OFF]), calendar(2, closures=[DAY_OFF])],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.AWAY, "",
            id="everyone-away",
        ),
        pytest.param(
            date(2026, 1, 13),
            [calendar(closures=[Closure(span("2026-01-13 09:00", "2026-01-13 12:00"), "", True),
                                Closure(span("2026-01-13 12:00", "2026-01-13 17:00"))])],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.AWAY, "",
            id="practice-closed-part-away-rest-is-away",
        ),
        pytest.param(
            date(2026, 1, 17), [calendar(), calendar(2)], BOOK_MONTH, MONDAY_8AM,
            EmptyDayReason.NOT_WORKING, "",
            id="not-working-saturday",
        ),
        pytest.param(
            date(2026, 1, 17), [calendar(closures=[SATURDAY_EVENT])],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.NOT_WORKING, "",
            id="not-working-even-if-practice-closed",
        ),
        pytest.param(
            date(2026, 1, 13), [calendar(busy=TUESDAY_BOOKED)], BOOK_MONTH, MONDAY_8AM,
            EmptyDayReason.FULLY_BOOKED, "",
            id="fully-booked",
        ),
        pytest.param(
            date(2026, 1, 13), [calendar(closures=[DAY_OFF]), calendar(2, busy=TUESDAY_BOOKED)],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.FULLY_BOOKED, "",
            id="one-away-other-fully-booked",
        ),
        pytest.param(
            date(2026, 1, 17),
            [calendar(openings=spans(("2026-01-17 10:00", "2026-01-17 12:00")),
                      busy=spans(("2026-01-17 10:00", "2026-01-17 12:00")))],
            BOOK_MONTH, MONDAY_8AM, EmptyDayReason.FULLY_BOOKED, "",
            id="one-off-opening-counts-as-working",
        ),
    ],
)  # fmt: skip
def test_why_empty(day, calendars, window, now, reason, detail):
    result = why_empty(day, calendars, HOUR, window, now, LONDON)
    assert (result.day, result.reason, result.detail) == (day, reason, detail)


def test_why_empty_too_far_when_the_day_starts_before_the_limit_but_its_hours_are_after():
    """Bookings open up to Wednesday 09:00; Wednesday's hours are 10:00-16:00 and nothing is
    booked. The day is empty only because it is too far ahead, like the matching too_soon case
    (working hours over before the notice period ends) which why_empty does recognise."""
    window = BookingWindow(60, timedelta(hours=12), timedelta(days=2, hours=1))
    assert (
        practitioner_slots(
            calendar(), HOUR, window, MONDAY_8AM, at("2026-01-14 00:00"), at("2026-01-15 00:00")
        )
        == []
    )
    result = why_empty(date(2026, 1, 14), [calendar()], HOUR, window, MONDAY_8AM, LONDON)
    assert result.reason == EmptyDayReason.TOO_FAR


def test_why_empty_too_soon_when_notice_leaves_too_little_time_for_a_session():
    """Monday: hours 10:00-16:00, nothing booked, notice runs to 15:30, so an hour's session no
    longer fits. Nothing is booked, so 'fully booked' would be untrue; it is too soon."""
    window = BookingWindow(30, timedelta(hours=7, minutes=30), timedelta(days=30))
    assert (
        practitioner_slots(
            calendar(), HOUR, window, MONDAY_8AM, at("2026-01-12 00:00"), at("2026-01-13 00:00")
        )
        == []
    )
    result = why_empty(date(2026, 1, 12), [calendar()], HOUR, window, MONDAY_8AM, LONDON)
    assert result.reason == EmptyDayReason.TOO_SOON
