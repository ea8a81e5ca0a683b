"""The times page as the client reads it: few buttons per part of the day, and empty days in
a row said once (booking/views/times.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from booking.domain.availability import EmptyDay, EmptyDayReason, Slot
from booking.services.booking.availability import DayTimes
from booking.views.times import FreeDay, NoTimes, calm_days, fewer_times

MONDAY = date(2026, 11, 23)


def slots_every(minutes: int, first: str, count: int) -> list[Slot]:
    start = datetime.fromisoformat(f"2026-11-23T{first}:00+00:00")
    return [
        Slot(
            start + timedelta(minutes=minutes * i),
            start + timedelta(minutes=minutes * i + 45),
            (1,),
        )
        for i in range(count)
    ]


def clock(slots) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


def test_a_part_of_the_day_with_a_dozen_times_or_fewer_shows_them_all():
    slots = slots_every(15, "09:00", 12)
    assert fewer_times(slots, 12) == (tuple(slots), ())


def test_more_than_a_dozen_are_spread_evenly_from_the_first_and_the_rest_kept():
    slots = slots_every(15, "12:15", 20)  # 12:15 to 17:00
    shown, more = fewer_times(slots, 12)
    assert clock(shown) == ["12:15", "12:45", "13:15", "13:45", "14:15", "14:45", "15:15",
                            "15:45", "16:15", "16:45"]  # fmt: skip
    assert sorted(shown + more) == slots
    assert not set(shown) & set(more)


def test_a_long_stretch_spreads_wider_and_never_shows_more_than_asked():
    slots = slots_every(5, "09:00", 100)
    shown, more = fewer_times(slots, 12)
    assert len(shown) <= 12
    assert clock(shown)[:3] == ["09:00", "09:45", "10:30"]
    assert len(shown) + len(more) == 100


def empty(day: date, reason=EmptyDayReason.NOT_WORKING, detail="", nearest=None) -> DayTimes:
    return DayTimes(day, (), EmptyDay(day, reason, detail), nearest)


def free(day: date) -> DayTimes:
    return DayTimes(day, (("Morning", tuple(slots_every(30, "10:00", 2))),), None)


def test_empty_days_in_a_row_become_one_line_until_the_next_free_day():
    days = [empty(MONDAY), empty(MONDAY + timedelta(1)), free(MONDAY + timedelta(2))]
    blocks = calm_days(days)
    assert blocks[0] == NoTimes(
        MONDAY, MONDAY + timedelta(1), days[0].empty, MONDAY + timedelta(2), None
    )
    assert isinstance(blocks[1], FreeDay) and len(blocks) == 2


def test_a_weekend_does_not_hide_a_closure_but_mixed_reasons_say_none():
    closed = EmptyDayReason.PRACTICE_CLOSED
    days = [
        empty(MONDAY, closed, "training"),
        empty(MONDAY + timedelta(1)),
        empty(MONDAY + timedelta(2), closed, "training"),
    ]
    assert calm_days(days)[0].reason == days[0].empty
    days[2] = empty(MONDAY + timedelta(2), EmptyDayReason.FULLY_BOOKED)
    assert calm_days(days)[0].reason is None


def test_a_run_after_free_days_points_only_forwards():
    later = MONDAY + timedelta(days=9)
    days = [free(MONDAY), empty(MONDAY + timedelta(1), nearest=MONDAY)]
    assert calm_days(days)[1].nearest_free_day is None  # Monday is on the page already
    days[1] = empty(MONDAY + timedelta(1), nearest=later)
    assert calm_days(days)[1].nearest_free_day == later


def test_a_page_with_no_free_day_points_to_the_nearest_either_side():
    before, after = MONDAY - timedelta(days=1), MONDAY + timedelta(days=9)
    days = [empty(MONDAY + timedelta(i), nearest=before if i == 0 else after) for i in range(7)]
    assert calm_days(days) == [NoTimes(MONDAY, MONDAY + timedelta(6), days[0].empty, None, before)]
