"""The diary as an appointment book: time down the side, a column per therapist per day.

Pure layout: which grid rows each diary entry covers, on rows of five minutes. Rows follow the
local wall clock, so 10am is level across the week. On the day the clocks go back, the hour
that happens twice gets rows of its own after its first run (left empty on the other days of
the book), so nothing on a 25-hour day overlaps; on the day they go forward, the skipped hour's
rows simply stay empty. The book runs only from the earliest working time or session of the
days shown to the latest, to the half hour, so a normal week fits one screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.domain.diary import DiaryDay, Entry, EntryKind, day_bounds

ROW_MINUTES = 5
# The grid line below the last row of a 25-hour day: the stylesheet places rows up to here.
LAST_LINE = 25 * 60 // ROW_MINUTES + 1
_ROUND = 30  # the book starts and ends on the half hour
_DEFAULT = (9 * 60, 17 * 60)  # an empty book shows 9am to 5pm
_DAY = 24 * 60


@dataclass(frozen=True)
class Rows:
    """Grid lines, counted from 1: the first line and the line below the last row."""

    start: int
    end: int

    @property
    def count(self) -> int:
        """How many five-minute rows."""
        return self.end - self.start


@dataclass(frozen=True)
class Block:
    """A diary entry and the rows it covers."""

    entry: Entry
    rows: Rows


@dataclass(frozen=True)
class Column:
    """One therapist's day: working time, and the entries in time order."""

    day: DiaryDay
    working: tuple[Rows, ...]
    blocks: tuple[Block, ...]

    @property
    def practitioner_id(self) -> int:
        """Whose day this is."""
        return self.day.practitioner_id


@dataclass(frozen=True)
class BookDay:
    """A date and its columns; none when nobody shown works or has anything that day."""

    day: date
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class HourMark:
    """A label down the side: the rows up to the next label, the time, and the zone's name
    when the hour happens twice that week (BST, then GMT)."""

    rows: Rows
    clock: time
    zone_name: str | None = None


@dataclass(frozen=True)
class Book:
    """The whole book: its days, the labels down the side, and how many rows it has."""

    days: tuple[BookDay, ...]
    hours: tuple[HourMark, ...]
    rows: int
    on_the_hour: bool  # whether the first row starts on the hour (else on the half hour)


@dataclass(frozen=True)
class _Repeat:
    """A stretch of wall-clock minutes that happens twice on `day` (the clocks go back)."""

    day: date
    start: int
    minutes: int


class WallClock:
    """Where an instant sits down the side of the book: minutes of the local wall clock,
    with every repeated stretch of the book's days given minutes of its own."""

    def __init__(self, days: Sequence[date], zone: ZoneInfo) -> None:
        self.zone = zone
        self.repeats = tuple(r for d in days if (r := _repeat_on(d, zone)) is not None)

    def minute(self, instant: datetime, day: date) -> int:
        """The book's minute for an instant within the local `day` (its end is 24:00)."""
        local = instant.astimezone(self.zone)
        wall = (local.date() - day).days * _DAY + local.hour * 60 + local.minute
        return wall + sum(
            r.minutes
            for r in self.repeats
            if wall >= r.start + r.minutes
            or (local.fold and r.day == day and r.start <= wall < r.start + r.minutes)
        )

    def of_wall(self, wall: int) -> int:
        """The book's minute for a wall-clock minute on a day with no repeat."""
        return wall + sum(r.minutes for r in self.repeats if wall >= r.start + r.minutes)

    def label(self, minute: int) -> tuple[time, str | None]:
        """The wall-clock time of a book's minute, with the zone's name inside a repeat."""
        shift = 0
        for repeat in sorted(self.repeats, key=lambda r: r.start):
            first_run_end = repeat.start + repeat.minutes + shift
            if minute < first_run_end:
                if minute >= repeat.start + shift:
                    return self._named(minute - shift, repeat.day, 0)
                break
            if minute < first_run_end + repeat.minutes:
                return self._named(minute - shift - repeat.minutes, repeat.day, 1)
            shift += repeat.minutes
        wall = (minute - shift) % _DAY
        return time(wall // 60, wall % 60), None

    def _named(self, wall: int, day: date, fold: int) -> tuple[time, str | None]:
        clock = time(wall // 60 % 24, wall % 60, fold=fold)
        return clock.replace(fold=0), datetime.combine(day, clock, tzinfo=self.zone).tzname()


def _repeat_on(day: date, zone: ZoneInfo) -> _Repeat | None:
    """The wall-clock stretch the clocks repeat on this date, if they go back that day."""
    bounds = day_bounds(day, zone)
    before = bounds.start.astimezone(zone).utcoffset()
    after = (bounds.end - timedelta(seconds=1)).astimezone(zone).utcoffset()
    if before is None or after is None or after >= before:
        return None
    low, high = bounds.start, bounds.end  # the change lies in (low, high]
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    change = high.replace(second=0, microsecond=0).astimezone(zone)
    wall = (change.date() - day).days * _DAY + change.hour * 60 + change.minute
    return _Repeat(day, wall, round((before - after) / timedelta(minutes=1)))


def _spread(days: Sequence[Sequence[DiaryDay]], clock: WallClock) -> tuple[int, int]:
    """The book's first and last minute: working time and sessions with their rest, rounded
    out to the half hour; 9am to 5pm when there is nothing."""
    found: list[tuple[int, int]] = []
    for columns in days:
        for diary_day in columns:
            spans = list(diary_day.working) + [
                e.span
                for e in diary_day.entries
                if e.kind not in (EntryKind.CLOSURE, EntryKind.BUSY)
            ]
            found += [
                (clock.minute(s.start, diary_day.day), clock.minute(s.end, diary_day.day))
                for s in spans
            ]
    if not found:
        return clock.of_wall(_DEFAULT[0]), clock.of_wall(_DEFAULT[1])
    top = min(start for start, _ in found) // _ROUND * _ROUND
    bottom = -(-max(end for _, end in found) // _ROUND) * _ROUND
    return top, max(bottom, top + _ROUND)


def lay_out_book(
    days: Sequence[tuple[date, Sequence[DiaryDay]]], zone: ZoneInfo, *, idle_columns: bool
) -> Book:
    """Lay the diary days out as a book: each date with its therapists' days as columns.

    With `idle_columns` false, a therapist who neither works nor has anything on a date gets
    no column that date (a week for everyone stays wide enough to read).
    """
    clock = WallClock([d for d, _ in days], zone)
    shown = [[c for c in columns if idle_columns or c.working or c.entries] for _, columns in days]
    top, bottom = _spread(shown, clock)
    count = (bottom - top) // ROW_MINUTES

    def rows(start: int, end: int) -> Rows:
        first = min(max((start - top) // ROW_MINUTES, 0), count - 1) + 1
        last = min(max(-(-(end - top) // ROW_MINUTES), 0), count) + 1
        return Rows(first, max(last, first + 1))

    def column(diary_day: DiaryDay) -> Column:
        def place(start: datetime, end: datetime) -> Rows:
            return rows(clock.minute(start, diary_day.day), clock.minute(end, diary_day.day))

        return Column(
            diary_day,
            tuple(place(s.start, s.end) for s in diary_day.working),
            tuple(Block(e, place(e.span.start, e.span.end)) for e in diary_day.entries),
        )

    book_days = tuple(
        BookDay(day, tuple(column(c) for c in columns))
        for (day, _), columns in zip(days, shown, strict=True)
    )
    marks = [top] + [m for m in range(top + 1, bottom) if m % 60 == 0]
    hours = tuple(
        HourMark(rows(start, end), *clock.label(start))
        for start, end in zip(marks, [*marks[1:], bottom], strict=True)
    )
    return Book(book_days, hours, count, top % 60 == 0)
