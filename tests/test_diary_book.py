"""The diary as an appointment book, the pure part: rows of five minutes on the wall clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.domain.availability import SessionShape, Span
from booking.domain.diary import DiaryDay, SessionCard, day_bounds, lay_out_day
from booking.domain.diary_book import LAST_LINE, Rows, WallClock, lay_out_book

LONDON = ZoneInfo("Europe/London")
TUESDAY = date(2026, 11, 24)
BEFORE = datetime(2026, 10, 1, tzinfo=UTC)  # "now", well before every day here
SHAPE = SessionShape(60, 10, 15)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def card(start: datetime, minutes: int, booking_id: int = 1) -> SessionCard:
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


def day_of(day: date, open_from: int | None, open_to: int, *cards: SessionCard, who=9) -> DiaryDay:
    working = [] if open_from is None else [Span(at(day, open_from), at(day, open_to))]
    return lay_out_day(day, LONDON, who, working, [], cards, SHAPE, 15, BEFORE)


def blocks(column) -> list[tuple[str, Rows]]:
    return [(b.entry.kind.value, b.rows) for b in column.blocks]


def test_blocks_start_at_their_time_and_are_as_tall_as_they_are_long():
    tuesday = day_of(TUESDAY, 9, 17, card(at(TUESDAY, 10), 60), card(at(TUESDAY, 14), 30, 2))
    book = lay_out_book([(TUESDAY, [tuesday])], LONDON, idle_columns=True)
    assert book.rows == 8 * 12 and book.on_the_hour
    [column] = book.days[0].columns
    assert column.working == (Rows(1, 97),)
    assert blocks(column) == [
        ("free", Rows(1, 11)),
        ("rest_before", Rows(11, 13)),  # 9:50 to 10
        ("session", Rows(13, 25)),  # an hour: twelve rows
        ("rest_after", Rows(25, 28)),  # 11 to 11:15
        ("free", Rows(28, 59)),
        ("rest_before", Rows(59, 61)),
        ("session", Rows(61, 67)),  # half an hour: six rows
        ("rest_after", Rows(67, 70)),
        ("free", Rows(70, 97)),
    ]
    assert [(m.rows, m.clock) for m in book.hours[:2]] == [
        (Rows(1, 13), time(9)),
        (Rows(13, 25), time(10)),
    ]


def test_the_book_runs_from_the_earliest_start_to_the_latest_end_of_the_week_to_the_half_hour():
    monday, wednesday = TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=1)
    days = [
        (monday, [day_of(monday, 10, 16)]),
        (wednesday, [day_of(wednesday, 13, 19, card(at(wednesday, 18, 5), 30))]),
    ]
    book = lay_out_book(days, LONDON, idle_columns=True)
    # 10am to 7pm (the last session's rest ends 6:50pm): nine hours, level across the days.
    assert book.rows == 9 * 12
    assert book.days[1].columns[0].working == (Rows(37, 109),)  # 1pm to 7pm
    session = next(b for b in book.days[1].columns[0].blocks if b.entry.kind == "session")
    assert session.rows == Rows(98, 104)  # 6:05pm to 6:35pm


def test_half_past_starts_the_book_on_the_half_hour():
    book = lay_out_book([(TUESDAY, [day_of(TUESDAY, 9, 15)])], LONDON, idle_columns=True)
    assert book.rows == 6 * 12
    book = lay_out_book(
        [(TUESDAY, [day_of(TUESDAY, None, 0, card(at(TUESDAY, 9, 45), 60))])],
        LONDON,
        idle_columns=True,
    )
    # 9:35 (the rest before 9:45) rounds out to 9:30, 11am (the rest after) to 11am.
    assert not book.on_the_hour and book.hours[0].clock == time(9, 30)
    assert book.rows == 18


def test_a_week_for_everyone_gives_columns_only_to_who_works_or_is_booked():
    working = day_of(TUESDAY, 9, 17, who=1)
    off = day_of(TUESDAY, None, 0, who=2)
    off_but_booked = day_of(TUESDAY, None, 0, card(at(TUESDAY, 8), 60), who=3)
    book = lay_out_book([(TUESDAY, [working, off, off_but_booked])], LONDON, idle_columns=False)
    assert [c.practitioner_id for c in book.days[0].columns] == [1, 3]
    # The 8am session outside working hours still has its rows: the book starts at 7:30.
    assert book.hours[0].clock == time(7, 30)
    everyone = lay_out_book([(TUESDAY, [working, off])], LONDON, idle_columns=True)
    assert len(everyone.days[0].columns) == 2


def test_an_empty_book_shows_nine_to_five():
    book = lay_out_book([(TUESDAY, [day_of(TUESDAY, None, 0)])], LONDON, idle_columns=False)
    assert book.days[0].columns == ()
    assert (book.rows, book.hours[0].clock) == (8 * 12, time(9))


def test_the_hour_the_clocks_repeat_gets_rows_of_its_own_on_every_day_of_that_week():
    sunday = date(2026, 10, 25)
    saturday = sunday - timedelta(days=1)
    whole = day_bounds(sunday, LONDON)
    first = card(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 30, 1)  # 1:30am BST
    second = card(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 30, 2)  # 1:30am GMT
    sunday_day = lay_out_day(sunday, LONDON, 9, [whole], [], [first, second], None, 15, BEFORE)
    saturday_day = day_of(saturday, 0, 3)
    book = lay_out_book(
        [(saturday, [saturday_day]), (sunday, [sunday_day])], LONDON, idle_columns=True
    )
    assert book.rows == 25 * 12  # midnight to midnight on the 25-hour day
    sessions = [b.rows for b in book.days[1].columns[0].blocks if b.entry.kind == "session"]
    assert sessions == [Rows(19, 25), Rows(31, 37)]  # apart, in order, six rows each
    labels = [(m.clock, m.zone_name) for m in book.hours[:4]]
    assert labels == [(time(0), None), (time(1), "BST"), (time(1), "GMT"), (time(2), None)]
    # Saturday's 2am to 3am sits level with Sunday's 2am, after the extra hour's rows.
    assert book.days[0].columns[0].working == (Rows(1, 49),)


def test_the_day_the_clocks_go_forward_leaves_the_skipped_hour_empty():
    sunday = date(2027, 3, 28)
    whole = day_bounds(sunday, LONDON)
    session = card(datetime(2027, 3, 28, 1, 30, tzinfo=UTC), 30)  # 2:30am BST
    laid = lay_out_day(sunday, LONDON, 9, [whole], [], [session], None, 15, BEFORE)
    book = lay_out_book([(sunday, [laid])], LONDON, idle_columns=True)
    assert book.rows == 24 * 12
    rows = [b.rows for b in book.days[0].columns[0].blocks if b.entry.kind == "session"]
    assert rows == [Rows(31, 37)]  # at 2:30am on the wall clock, thirty minutes tall


@pytest.mark.parametrize("day", [date(2026, 10, 25), date(2027, 3, 28), TUESDAY])
def test_the_wall_clock_never_goes_backwards_through_a_day(day):
    clock = WallClock([day], LONDON)
    bounds = day_bounds(day, LONDON)
    minutes = [
        clock.minute(bounds.start + timedelta(minutes=5 * n), day)
        for n in range(int((bounds.end - bounds.start) / timedelta(minutes=5)) + 1)
    ]
    assert minutes == sorted(set(minutes))
    assert minutes[-1] <= (LAST_LINE - 1) * 5


def test_the_stylesheet_places_every_grid_line_a_day_can_reach():
    css = (Path(__file__).parent.parent / "booking" / "static" / "diary.css").read_text()
    starts = {int(n) for n in re.findall(r"\.at-(\d+) \{ grid-row-start: \1; \}", css)}
    ends = {int(n) for n in re.findall(r"\.to-(\d+) \{ grid-row-end: \1; \}", css)}
    assert starts == ends == set(range(1, LAST_LINE + 1))
