"""Managing slots, the pure part: reading typed times, checking them, and saying what a change does.

Weekly hours are windows of local wall-clock time per weekday ("Tuesdays 10:00 to 13:00"). A change
takes effect from a chosen date: rows in force then end the day before, rows planned to start
on or after it are replaced, and new rows start on it, so diaries before that date never change.
One-off openings and closures are stretches of local time turned into aware UTC here.
Nothing in this module reads the clock, the database or Flask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from booking.domain.availability import Span, WeeklyHours, merge, subtract, weekly_windows
from booking.domain.dates import (
    MONTHS,
    day_in_words,
    local_instant,
)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_WINDOWS_PER_DAY = 6
EN_DASH = "\u2013"
# How far ahead a change may be planned: further than this is almost certainly a typing slip.
FURTHEST_AHEAD = timedelta(days=2 * 365)
LONGEST_CLOSURE = timedelta(days=366)
LONGEST_OPENING = timedelta(hours=16)


class SlotProblem(ValueError):
    """Something typed that cannot be used, with the field it belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- Reading what people type ------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Window:
    """A stretch of local wall-clock time within one day, start before end."""

    start: time
    end: time

    def words(self) -> str:
        """10:00 to 13:00 with an en dash between."""
        return f"{self.start:%H:%M}{EN_DASH}{self.end:%H:%M}"


WeeklyPlan = Mapping[int, tuple[Window, ...]]  # weekday (Monday 0) -> windows, in order

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_WINDOW_SEPARATORS = re.compile(r"[,;\n]|\band\b|&", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b|\btill\b)\s*", re.IGNORECASE)
ASK_FOR_CLOCK = "Please write a time like 09:30 or 2pm."


def parse_clock(raw: str) -> time:
    """09:30, 9.30, 9, 2pm, 2:30pm, 12 noon, 14h30: a local time of day."""
    text = raw.strip().lower().replace(" ", "")
    if text in {"noon", "12noon", "midday"}:
        return time(12)
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(ASK_FOR_CLOCK)
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = (match[3] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(ASK_FOR_CLOCK)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(ASK_FOR_CLOCK)
    return time(hour, minute)


def parse_windows(raw: str) -> tuple[Window, ...]:
    """'09:00 to 12:30, 13:30-17:00' as windows in order; empty text means a day off.

    Raises ValueError with a message for the person who typed it.
    """
    windows: list[Window] = []
    for piece in _WINDOW_SEPARATORS.split(raw or ""):
        piece = piece.strip()
        if not piece:
            continue
        ends = _RANGE.split(piece)
        if len(ends) != 2 or not all(ends):
            raise ValueError(
                f"Please write “{piece}” as a start and an end, for example 09:00{EN_DASH}12:30."
            )
        try:
            start, end = parse_clock(ends[0]), parse_clock(ends[1])
        except ValueError:
            raise ValueError(
                f"“{piece}” has a time we could not read. Please write times like 09:30 or 2pm."
            ) from None
        if end <= start:
            raise ValueError(
                f"{start:%H:%M}{EN_DASH}{end:%H:%M} ends before it starts. "
                "Please put the earlier time first (hours end by midnight)."
            )
        windows.append(Window(start, end))
    windows.sort()
    if len(windows) > MAX_WINDOWS_PER_DAY:
        raise ValueError(f"Please use {MAX_WINDOWS_PER_DAY} windows or fewer in one day.")
    for earlier, later in pairwise(windows):
        if later.start < earlier.end:
            raise ValueError(
                f"{earlier.words()} and {later.words()} overlap. "
                "Please make each window end before the next one starts."
            )
    return tuple(windows)


def windows_text(windows: Iterable[Window]) -> str:
    """The windows written back the way the form shows them."""
    return ", ".join(window.words() for window in windows)


_MONTHS = {name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)}
ASK_FOR_DAY = "Please write a date like 1 December 2026 or 01/12/2026."


def parse_day(raw: str, today: date) -> date:
    """2026-12-01 (from a date picker), 1/12/2026, 1.12.26, 1 Dec 2026, Tuesday 1 December.

    Day first, as in the UK; without a year, the next such date from today.
    """
    text = (raw or "").strip().lower()
    if not text:
        raise ValueError("Please give a date.")
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    year_given = True
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        parts = [part for part in re.split(r"[\s/.\-,]+", text) if part and part != "of"]
        if parts and parts[0][:3] in {name[:3].lower() for name in WEEKDAY_NAMES}:
            parts = parts[1:]  # "Tuesday 1 December"
        if len(parts) not in (2, 3):
            raise ValueError(ASK_FOR_DAY)
        day_raw = re.sub(r"(st|nd|rd|th)$", "", parts[0])
        month_raw = parts[1]
        if not day_raw.isdecimal():
            raise ValueError(ASK_FOR_DAY)
        day = int(day_raw)
        month = int(month_raw) if month_raw.isdecimal() else _MONTHS.get(month_raw[:3], 0)
        if len(parts) == 3:
            if not parts[2].isdecimal() or len(parts[2]) not in (2, 4):
                raise ValueError(ASK_FOR_DAY)
            year = int(parts[2]) + (2000 if len(parts[2]) == 2 else 0)
        else:
            year, year_given = today.year, False
    try:
        found = date(year, month, day)
        if not year_given and found < today:
            found = found.replace(year=year + 1)
    except ValueError:
        raise ValueError("That date does not exist. " + ASK_FOR_DAY) from None
    return found


def check_in_range(field: str, day: date, today: date) -> None:
    """Changes start today or later, and no more than two years ahead."""
    if day < today:
        raise SlotProblem(field, f"{_day(day)} has passed. Please choose today or a later date.")
    if day > today + FURTHEST_AHEAD:
        raise SlotProblem(field, f"{_day(day)} is more than two years away. Please check the year.")


def _day(day: date) -> str:
    return f"{day_in_words(day)} {day.year}"


def _instant(field: str, day: date, clock: time, zone: ZoneInfo) -> datetime:
    instant = local_instant(day, clock, zone)
    if instant is None:
        raise SlotProblem(
            field,
            f"The clocks go forward on {_day(day)}, so {clock:%H:%M} does not happen that day. "
            "Please choose a time an hour later.",
        )
    return instant


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local date begins (midnight always exists in the UK)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


# --- Weekly hours --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursRow:
    """A stored weekly window, as the domain sees it."""

    id: int
    weekday: int
    start: time
    end: time
    valid_from: date
    valid_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        """Whether this row applies on `day` (its weekday and its dates)."""
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


def plan_from(rows: Iterable[HoursRow], day: date) -> dict[int, tuple[Window, ...]]:
    """The weekly plan in force in the week starting on `day` (each weekday's next date)."""
    rows = list(rows)
    plan: dict[int, tuple[Window, ...]] = {}
    for offset in range(7):
        date_ = day + timedelta(days=offset)
        plan[date_.weekday()] = tuple(
            sorted(Window(r.start, r.end) for r in rows if r.in_force_on(date_))
        )
    return plan


def next_weekday(day: date, weekday: int) -> date:
    """The first date on or after `day` that falls on `weekday`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _windows_words(windows: Sequence[Window]) -> str:
    words = [window.words() for window in windows]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class HoursChange:
    """What saving a weekly plan from `effective_from` does to the stored rows, in words too."""

    effective_from: date
    end_row_ids: tuple[int, ...]  # in force on effective_from: valid_to becomes the day before
    replaced_row_ids: tuple[int, ...]  # planned to start on or after it: never in force, removed
    new_rows: tuple[tuple[int, Window], ...]  # (weekday, window), valid from effective_from
    lines: tuple[str, ...]

    @property
    def changes_anything(self) -> bool:
        """False when the plan is already exactly this from that date."""
        return bool(self.lines)


def hours_change(
    rows: Iterable[HoursRow], new_plan: WeeklyPlan, effective_from: date
) -> HoursChange:
    """Replace the weekly plan from `effective_from` onwards, leaving earlier dates as they were."""
    rows = list(rows)
    ending = [
        r
        for r in rows
        if r.valid_from < effective_from and (r.valid_to is None or r.valid_to >= effective_from)
    ]
    replaced = [r for r in rows if r.valid_from >= effective_from]
    old_plan = plan_from(rows, effective_from)
    lines: list[str] = []
    for weekday in range(7):
        old = old_plan.get(weekday, ())
        new = tuple(sorted(new_plan.get(weekday, ())))
        if old == new:
            continue
        days = WEEKDAY_NAMES[weekday] + "s"
        first = next_weekday(effective_from, weekday)
        when = f"from {day_in_words(first)}"
        if not old:
            lines.append(f"Adds {days} {_windows_words(new)} {when}")
        elif not new:
            lines.append(f"No more {days} (was {_windows_words(old)}) {when}")
        else:
            lines.append(
                f"{days} change from {_windows_words(old)} to {_windows_words(new)} {when}"
            )
    for start in sorted({r.valid_from for r in replaced if r.valid_from > effective_from}):
        lines.append(f"Replaces the hours that were planned from {day_in_words(start)}")
    for end in sorted({r.valid_to for r in ending if r.valid_to is not None}):
        lines.append(f"No longer stops after {day_in_words(end)}: the new hours carry on")
    if not lines:
        return HoursChange(effective_from, (), (), (), ())
    new_rows = tuple(
        (weekday, window) for weekday in range(7) for window in sorted(new_plan.get(weekday, ()))
    )
    return HoursChange(
        effective_from,
        tuple(r.id for r in ending),
        tuple(r.id for r in replaced),
        new_rows,
        tuple(lines),
    )


def weekly_rules(change: HoursChange) -> list[WeeklyHours]:
    """The new plan as the availability engine's weekly rules."""
    return [
        WeeklyHours(weekday, window.start, window.end, change.effective_from)
        for weekday, window in change.new_rows
    ]


@dataclass(frozen=True)
class BookedSession:
    """A live booking, just enough to check it against a change."""

    id: int
    practitioner_id: int
    session: Span  # the session itself, without its rest buffers


def outside_hours(
    sessions: Iterable[BookedSession],
    weekly: Sequence[WeeklyHours],
    openings: Sequence[Span],
    zone: ZoneInfo,
) -> list[int]:
    """The ids of sessions not wholly inside these weekly hours and one-off openings."""
    found: list[int] = []
    for booked in sessions:
        first = booked.session.start.astimezone(zone).date() - timedelta(days=1)
        last = booked.session.end.astimezone(zone).date() + timedelta(days=1)
        open_spans = merge([*weekly_windows(weekly, first, last, zone), *openings])
        if subtract([booked.session], open_spans):
            found.append(booked.id)
    return found


def overlapping(sessions: Iterable[BookedSession], span: Span) -> list[int]:
    """The ids of sessions that share any time with `span`."""
    return [booked.id for booked in sessions if booked.session.overlaps(span)]


# --- One-off openings and closures -------------------------------------------------------------


def opening_span(
    day: date, start: time, end: time, zone: ZoneInfo, today: date, now: datetime
) -> Span:
    """An extra opening on one local date, checked; raises SlotProblem naming the field."""
    check_in_range("day", day, today)
    if end <= start:
        raise SlotProblem(
            "end", f"The opening ends at {end:%H:%M}, before it starts. Please check the times."
        )
    span = Span(_instant("start", day, start, zone), _instant("end", day, end, zone))
    if span.end - span.start > LONGEST_OPENING:
        raise SlotProblem("end", "An extra opening can be at most 16 hours long.")
    if span.end <= now:
        raise SlotProblem("end", "That time has already passed today. Please choose a later time.")
    return span


def closure_span(
    start_day: date,
    start_clock: time | None,
    end_day: date | None,
    end_clock: time | None,
    zone: ZoneInfo,
    today: date,
    now: datetime,
) -> Span:
    """A closure from a local start to a local end; whole days when the times are left empty.

    Raises SlotProblem naming the field to fix.
    """
    check_in_range("start_day", start_day, today)
    last_day = end_day or start_day
    if last_day < start_day:
        raise SlotProblem(
            "end_day",
            f"The closure ends on {_day(last_day)}, before it starts on {_day(start_day)}. "
            "Please check the dates.",
        )
    check_in_range("end_day", last_day, today)
    start = (
        _instant("start_time", start_day, start_clock, zone)
        if start_clock
        else day_start(start_day, zone)
    )
    end = (
        _instant("end_time", last_day, end_clock, zone)
        if end_clock
        else day_start(last_day + timedelta(days=1), zone)
    )
    if end <= start:
        raise SlotProblem(
            "end_time",
            "The closure ends before it starts. Please check the end time "
            "(leave the times empty to close whole days).",
        )
    if end - start > LONGEST_CLOSURE:
        raise SlotProblem(
            "end_day", "A closure can be at most a year long. Please check the dates."
        )
    if end <= now:
        raise SlotProblem("end_time", "That time has already passed. Please choose a later time.")
    return Span(start, end)


def _whole_days(span: Span, zone: ZoneInfo) -> tuple[date, date] | None:
    """(first, last) local dates when the span is whole days, midnight to midnight."""
    start, end = span.start.astimezone(zone), span.end.astimezone(zone)
    if start.time() != time(0) or end.time() != time(0):
        return None
    return start.date(), end.date() - timedelta(days=1)


def span_words(span: Span, zone: ZoneInfo) -> str:
    """Saturday 26 December; 24 December to 1 January; Tuesday 1 December, 13:00 to 17:00."""
    whole = _whole_days(span, zone)
    if whole is not None:
        first, last = whole
        if first == last:
            return day_in_words(first)
        return f"{day_in_words(first)} to {day_in_words(last)}"
    start, end = span.start.astimezone(zone), span.end.astimezone(zone)
    if start.date() == end.date():
        return f"{day_in_words(start.date())}, {start:%H:%M} to {end:%H:%M}"
    return f"{day_in_words(start.date())} {start:%H:%M} to {day_in_words(end.date())} {end:%H:%M}"


def closure_lines(span: Span, who: str | None, reason: str, zone: ZoneInfo) -> tuple[str, ...]:
    """'Closes Saturday 26 December for everyone', and the reason clients are given."""
    whom = f"for {who}" if who else "for everyone"
    lines = [f"Closes {span_words(span, zone)} {whom}"]
    lines.append(f"Reason shown to clients: {reason}" if reason else "No reason shown to clients")
    return tuple(lines)


def opening_lines(
    span: Span, who: str, already_open: Sequence[Span], closed: Sequence[Span], zone: ZoneInfo
) -> tuple[str, ...]:
    """'Adds an extra opening for Alex on …', with what limits it."""
    lines = [f"Adds an extra opening for {who}: {span_words(span, zone)}"]
    if not subtract([span], already_open):
        lines.append(f"{who} already works then, so this adds no new time.")
    if any(span.overlaps(c) for c in closed):
        if not subtract([span], closed):
            lines.append("A closure covers all of this time: nobody can book it until it ends.")
        else:
            lines.append("A closure covers part of this time: that part stays closed.")
    return tuple(lines)
