"""Managing slots, the pure part: reading typed times, checking them, and the words of a preview."""

# The pages write time ranges with an en dash (U+2013); the tests quote them as shown.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from booking.domain import slots as rules
from booking.domain.availability import Span, WeeklyHours

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 21)  # a Saturday
NOW = datetime(2026, 11, 21, 10, tzinfo=UTC)
W = rules.Window


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("9", time(9)),
        ("2pm", time(14)),
        ("2:30 pm", time(14, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("noon", time(12)),
        ("14h30", time(14, 30)),
    ],
)
def test_times_are_read_in_the_ways_people_write_them(typed, expected):
    assert rules.parse_clock(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "9:75", "13pm", "half nine", "", "0x10"])
def test_unreadable_times_are_refused(typed):
    with pytest.raises(ValueError, match="like 09:30 or 2pm"):
        rules.parse_clock(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", ()),
        ("09:00-12:30", (W(time(9), time(12, 30)),)),
        (
            "13:30 to 17:00, 9am–12:30",
            (W(time(9), time(12, 30)), W(time(13, 30), time(17))),
        ),
        ("9-12 and 14-17", (W(time(9), time(12)), W(time(14), time(17)))),
        ("9-12; 12-17", (W(time(9), time(12)), W(time(12), time(17)))),  # touching is fine
    ],
)
def test_several_windows_a_day_are_read_and_sorted(typed, expected):
    assert rules.parse_windows(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("09:00-12:00, 11:00-14:00", "09:00–12:00 and 11:00–14:00 overlap"),
        ("17:00-09:00", "17:00–09:00 ends before it starts"),
        ("10:00-10:00", "ends before it starts"),
        ("nine till", "as a start and an end"),
        ("9:00-25:00", "could not read"),
        (", ".join(f"{h}:00-{h}:30" for h in range(8, 16)), "6 windows or fewer"),
    ],
)
def test_bad_windows_say_what_is_wrong(typed, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_windows(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("1/12/2026", date(2026, 12, 1)),
        ("1.12.26", date(2026, 12, 1)),
        ("1 Dec 2026", date(2026, 12, 1)),
        ("Tuesday 1st December", date(2026, 12, 1)),
        ("3 January", date(2027, 1, 3)),  # no year: the next one
    ],
)
def test_dates_are_read_day_first(typed, expected):
    assert rules.parse_day(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["31/2/2027", "someday", "1 Smarch 2027", "2026-13-01"])
def test_unreadable_dates_are_refused(typed):
    with pytest.raises(ValueError, match="date"):
        rules.parse_day(typed, TODAY)


def test_dates_must_be_from_today_and_within_two_years():
    rules.check_in_range("day", TODAY, TODAY)
    with pytest.raises(rules.SlotProblem, match="has passed") as passed:
        rules.check_in_range("day", date(2026, 11, 20), TODAY)
    assert passed.value.field == "day"
    with pytest.raises(rules.SlotProblem, match="more than two years away"):
        rules.check_in_range("day", date(2029, 1, 1), TODAY)


# --- Weekly hours ---------------------------------------------------------------------------------


def _row(id_, weekday, start, end, valid_from=date(2026, 1, 5), valid_to=None):
    return rules.HoursRow(id_, weekday, time(start), time(end), valid_from, valid_to)


def test_adding_a_day_ends_nothing_but_rewrites_from_the_date():
    rows = [_row(1, 0, 9, 17)]  # Mondays 9 to 5
    plan = {0: (W(time(9), time(17)),), 1: (W(time(10), time(13)),)}
    change = rules.hours_change(rows, plan, date(2026, 12, 1))  # a Tuesday
    assert change.lines == ("Adds Tuesdays 10:00–13:00 from Tuesday 1 December",)
    assert change.end_row_ids == (1,)  # Mondays carry on as a new row from 1 December
    assert change.replaced_row_ids == ()
    assert change.new_rows == ((0, W(time(9), time(17))), (1, W(time(10), time(13))))


def test_changing_and_stopping_days_are_described():
    rows = [_row(1, 0, 9, 17), _row(2, 2, 9, 17)]
    plan = {0: (W(time(9), time(12)), W(time(13), time(17)))}
    change = rules.hours_change(rows, plan, date(2026, 11, 30))
    assert change.lines == (
        "Mondays change from 09:00–17:00 to 09:00–12:00 and 13:00–17:00 from Monday 30 November",
        "No more Wednesdays (was 09:00–17:00) from Wednesday 2 December",
    )


def test_the_same_hours_change_nothing():
    rows = [_row(1, 0, 9, 17)]
    change = rules.hours_change(rows, {0: (W(time(9), time(17)),)}, date(2026, 12, 1))
    assert not change.changes_anything
    assert change.new_rows == () and change.end_row_ids == ()


def test_rows_planned_later_are_replaced_and_past_rows_kept():
    rows = [
        _row(1, 0, 9, 17, date(2026, 1, 5), date(2026, 6, 30)),  # over: untouched
        _row(2, 0, 10, 16, date(2026, 7, 1)),  # in force: ends the day before
        _row(3, 0, 8, 12, date(2027, 2, 1)),  # planned later: replaced
    ]
    change = rules.hours_change(rows, {0: (W(time(11), time(15)),)}, date(2026, 12, 7))
    assert change.end_row_ids == (2,)
    assert change.replaced_row_ids == (3,)
    assert "Replaces the hours that were planned from Monday 1 February" in change.lines


def test_sessions_outside_the_new_hours_are_found():
    monday = date(2026, 11, 30)
    weekly = [WeeklyHours(0, time(10), time(13), monday)]
    inside = rules.BookedSession(1, 9, Span(_at(monday, 10), _at(monday, 11)))
    across = rules.BookedSession(2, 9, Span(_at(monday, 12, 30), _at(monday, 13, 30)))
    rescued = rules.BookedSession(3, 9, Span(_at(monday, 15), _at(monday, 16)))
    opening = Span(_at(monday, 14), _at(monday, 17))
    assert rules.outside_hours([inside, across, rescued], weekly, [opening], LONDON) == [2]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


# --- Closures and openings -----------------------------------------------------------------------


def test_a_closure_of_whole_days_runs_midnight_to_midnight():
    span = rules.closure_span(date(2026, 12, 26), None, None, None, LONDON, TODAY, NOW)
    assert span == Span(_at(date(2026, 12, 26), 0), _at(date(2026, 12, 27), 0))
    assert rules.closure_lines(span, None, "Boxing Day", LONDON) == (
        "Closes Saturday 26 December for everyone",
        "Reason shown to clients: Boxing Day",
    )


def test_a_closure_of_some_hours_and_over_several_days_is_described():
    hours = rules.closure_span(date(2026, 12, 1), time(13), None, time(17), LONDON, TODAY, NOW)
    assert rules.span_words(hours, LONDON) == "Tuesday 1 December, 13:00 to 17:00"
    days = rules.closure_span(date(2026, 12, 24), None, date(2027, 1, 1), None, LONDON, TODAY, NOW)
    assert rules.closure_lines(days, "Maya", "", LONDON)[0] == (
        "Closes Thursday 24 December to Friday 1 January for Maya"
    )


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ((date(2026, 12, 5), None, date(2026, 12, 4), None), "end_day", "before it starts"),
        ((date(2026, 12, 5), time(15), None, time(9)), "end_time", "ends before it starts"),
        ((date(2026, 11, 20), None, None, None), "start_day", "has passed"),
        ((date(2031, 1, 1), None, None, None), "start_day", "more than two years"),
        ((date(2026, 12, 1), None, date(2028, 6, 1), None), "end_day", "at most a year"),
        ((date(2026, 11, 21), time(8), None, time(9)), "end_time", "already passed"),
        # The clocks go forward at 1am on 28 March 2027: 1:30am never happens that day.
        ((date(2027, 3, 28), time(1, 30), None, None), "start_time", "clocks go forward"),
    ],
)
def test_closures_that_cannot_be_are_refused_next_to_the_field(args, field, message):
    with pytest.raises(rules.SlotProblem, match=message) as problem:
        rules.closure_span(*args, LONDON, TODAY, NOW)
    assert problem.value.field == field


def test_an_opening_is_checked_and_says_what_limits_it():
    day = date(2026, 12, 5)
    span = rules.opening_span(day, time(10), time(13), LONDON, TODAY, NOW)
    assert span == Span(_at(day, 10), _at(day, 13))
    closed = [Span(_at(day, 12), _at(day, 18))]
    assert rules.opening_lines(span, "Maya", [], closed, LONDON) == (
        "Adds an extra opening for Maya: Saturday 5 December, 10:00 to 13:00",
        "A closure covers part of this time: that part stays closed.",
    )
    assert rules.opening_lines(span, "Maya", [Span(_at(day, 9), _at(day, 17))], [], LONDON)[1] == (
        "Maya already works then, so this adds no new time."
    )
    with pytest.raises(rules.SlotProblem, match="before it starts") as problem:
        rules.opening_span(day, time(13), time(10), LONDON, TODAY, NOW)
    assert problem.value.field == "end"


def test_on_the_night_the_clocks_go_back_a_repeated_time_is_its_first_occurrence():
    day = date(2026, 10, 25)
    instant = rules.local_instant(day, time(1, 30), LONDON)
    assert instant == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 1:30 BST
    assert rules.local_instant(date(2027, 3, 28), time(1, 30), LONDON) is None
