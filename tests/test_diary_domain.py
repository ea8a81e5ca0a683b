"""The diary's pure layout: a local day's sessions, rest buffers, closures and free time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.domain.availability import SessionShape, Span
from booking.domain.diary import (
    ClosureMark,
    EntryKind,
    SessionCard,
    clock_changes,
    day_bounds,
    day_hours,
    lay_out_day,
    week_of,
)

LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 11, 24)  # a Tuesday
BEFORE = datetime(2026, 11, 20, 9, tzinfo=UTC)  # "now", days earlier
SHAPE = SessionShape(60, 10, 15)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def card(start: datetime, minutes: int = 60, booking_id: int = 1) -> SessionCard:
    end = start + timedelta(minutes=minutes)
    return SessionCard(
        booking_id=booking_id,
        client_id=7,
        client_name="Ro",
        service_name="Gentle massage",
        session=Span(start, end),
        blocked=Span(start - timedelta(minutes=10), end + timedelta(minutes=15)),
        held=False,
        checkin=None,
    )


def kinds(day) -> list[tuple[str, str, str]]:
    return [
        (
            e.kind.value,
            e.span.start.astimezone(LONDON).strftime("%H:%M"),
            e.span.end.astimezone(LONDON).strftime("%H:%M"),
        )
        for e in day.entries
    ]


def test_a_day_lists_closures_sessions_with_their_rest_and_free_time_in_order():
    closure = ClosureMark(3, Span(at(15), at(17)), "Training", False)
    day = lay_out_day(
        DAY, LONDON, 9, [Span(at(9), at(17))], [closure], [card(at(11))], SHAPE, 15, BEFORE
    )
    assert kinds(day) == [
        ("free", "09:00", "10:50"),
        ("rest_before", "10:50", "11:00"),
        ("session", "11:00", "12:00"),
        ("rest_after", "12:00", "12:15"),
        ("free", "12:15", "15:00"),
        ("closure", "15:00", "17:00"),
    ]
    first_free = day.entries[0]
    # A 60-minute session needs 10 minutes' rest before and 15 after, all inside the gap.
    assert first_free.starts[0] == at(9, 15) and first_free.starts[-1] == at(9, 30)
    assert day.working == (Span(at(9), at(17)),)
    assert day.hours == 24


def test_free_time_starts_from_now_and_the_past_has_none():
    now = at(13, 5)
    day = lay_out_day(DAY, LONDON, 9, [Span(at(9), at(17))], [], [], SHAPE, 15, now)
    assert kinds(day) == [("free", "13:05", "17:00")]
    assert day.entries[0].starts[0] == at(13, 15)
    later = lay_out_day(DAY, LONDON, 9, [Span(at(9), at(17))], [], [], SHAPE, 15, at(18))
    assert later.entries == ()


def test_a_gap_too_short_for_the_service_is_free_but_offers_no_start():
    cards = [card(at(9, 10)), card(at(11, 0), booking_id=2)]  # gap 10:25 to 10:50
    day = lay_out_day(DAY, LONDON, 9, [Span(at(9), at(13))], [], cards, SHAPE, 15, BEFORE)
    gap = next(e for e in day.entries if e.kind == EntryKind.FREE)
    assert (gap.span.start, gap.span.end) == (at(10, 25), at(10, 50))
    assert gap.starts == ()


def test_busy_time_from_the_own_calendar_is_shown_and_not_free():
    busy = [Span(at(12), at(13)), Span(at(12, 30), at(13, 30))]  # overlapping: one block
    day = lay_out_day(DAY, LONDON, 9, [Span(at(9), at(17))], [], [], SHAPE, 15, BEFORE, busy=busy)
    assert kinds(day) == [
        ("free", "09:00", "12:00"),
        ("busy", "12:00", "13:30"),
        ("free", "13:30", "17:00"),
    ]


def test_a_closure_over_several_days_marks_each_day_as_running_on():
    closure = ClosureMark(3, Span(at(0, day=DAY - timedelta(days=1)), at(12)), "Away", True)
    day = lay_out_day(DAY, LONDON, 9, [Span(at(9), at(17))], [closure], [], None, 15, BEFORE)
    entry = day.entries[0]
    assert entry.kind == EntryKind.CLOSURE and entry.from_before and not entry.runs_on
    assert entry.span == Span(at(0), at(12))
    assert day.entries[1].starts == ()  # no service chosen: free time without start times


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 10, 25), 25), (date(2027, 3, 28), 23), (date(2026, 11, 24), 24)],
)
def test_the_days_the_clocks_change_are_23_or_25_hours_long(day, hours):
    assert day_hours(day, LONDON) == hours
    assert clock_changes(day, LONDON) is (hours != 24)


def test_on_the_night_the_clocks_go_back_the_repeated_hour_is_laid_out_once_in_order():
    day = date(2026, 10, 25)
    bounds = day_bounds(day, LONDON)
    # 01:30 BST (00:30 UTC) and 01:30 GMT (01:30 UTC): the same wall-clock time, twice.
    first = card(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 30, booking_id=1)
    second = card(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 30, booking_id=2)
    early = datetime(2026, 10, 1, tzinfo=UTC)
    laid = lay_out_day(day, LONDON, 9, [bounds], [], [second, first], None, 15, early)
    sessions = [e for e in laid.entries if e.kind == EntryKind.SESSION]
    assert [e.card.booking_id for e in sessions] == [1, 2]
    assert [e.span.start.astimezone(LONDON).tzname() for e in sessions] == ["BST", "GMT"]
    free = [e for e in laid.entries if e.kind == EntryKind.FREE]
    assert sum((e.span.end - e.span.start for e in free), timedelta()) == timedelta(
        hours=25
    ) - 2 * timedelta(minutes=30 + 25)


def test_a_week_runs_monday_to_sunday():
    assert week_of(date(2026, 11, 26)) == [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]
