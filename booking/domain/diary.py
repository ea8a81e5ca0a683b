"""The reception diary, the pure part: one practitioner's local day laid out as a list of entries.

A day runs from local midnight to the next local midnight, so on the days the clocks change it
is 23 or 25 hours long. Its entries, in time order: sessions (cards), the rest buffers kept
before and after them, closures with their reason, busy time from the practitioner's own
calendar (no title, ever), and free time where a session could start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from booking.domain.availability import SessionShape, Span, merge, start_times, subtract

_SECOND = timedelta(seconds=1)


class CareFlag(StrEnum):
    """Practical care needs a booking card shows (never clinical detail)."""

    HOME_VISIT = "home_visit"
    MAYBE_HOME_VISIT = "maybe_home_visit"
    STEP_FREE = "step_free"
    DIM_ROOM = "dim_room"
    SCENT_FREE = "scent_free"
    REST_AFTER = "rest_after"
    REVIEW_PENDING = "review_pending"


class EntryKind(StrEnum):
    """What a diary entry is."""

    SESSION = "session"
    REST_BEFORE = "rest_before"
    REST_AFTER = "rest_after"
    CLOSURE = "closure"
    FREE = "free"
    BUSY = "busy"  # the practitioner's own calendar: a time and nothing else


@dataclass(frozen=True)
class SessionCard:
    """What a booking card needs: no clinical detail, ever."""

    booking_id: int
    client_id: int
    client_name: str
    service_name: str
    session: Span
    blocked: Span  # the session with its rest buffers
    held: bool  # held until the therapist has reviewed the answers
    checkin: str | None  # the day-before check-in answer, as stored
    flags: tuple[CareFlag, ...] = ()


@dataclass(frozen=True)
class ClosureMark:
    """A closure as the diary shows it."""

    closure_id: int
    span: Span
    reason: str
    whole_practice: bool


@dataclass(frozen=True)
class Entry:
    """One line of a diary day, clipped to the day; `starts` are free start times."""

    kind: EntryKind
    span: Span
    card: SessionCard | None = None
    closure: ClosureMark | None = None
    starts: tuple[datetime, ...] = ()
    from_before: bool = False  # began on an earlier day
    runs_on: bool = False  # carries on into the next day
    whole_day: bool = False  # covers the whole local day


@dataclass(frozen=True)
class DiaryDay:
    """One practitioner's local day."""

    day: date
    practitioner_id: int
    hours: int  # 24, or 23 and 25 on the days the clocks change
    working: tuple[Span, ...]  # opening hours and extra openings, clipped to the day
    entries: tuple[Entry, ...] = field(default_factory=tuple)


def day_bounds(day: date, zone: ZoneInfo) -> Span:
    """The instants a local date runs between."""
    return Span(
        datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC),
    )


def clock_changes(day: date, zone: ZoneInfo) -> bool:
    """Whether the clocks change on this local date."""
    bounds = day_bounds(day, zone)
    return bounds.end - bounds.start != timedelta(days=1)


def day_hours(day: date, zone: ZoneInfo) -> int:
    """How many hours a local date has: 24, or 23 and 25 when the clocks change."""
    bounds = day_bounds(day, zone)
    return round((bounds.end - bounds.start) / timedelta(hours=1))


def _clip(span: Span, bounds: Span) -> Span | None:
    if not span.overlaps(bounds):
        return None
    return Span(max(span.start, bounds.start), min(span.end, bounds.end))


def _entry(kind: EntryKind, span: Span, bounds: Span, **extra) -> Entry | None:
    clipped = _clip(span, bounds)
    if clipped is None:
        return None
    return Entry(
        kind,
        clipped,
        from_before=span.start < bounds.start,
        runs_on=span.end > bounds.end,
        whole_day=clipped == bounds,
        **extra,
    )


_ORDER = {
    EntryKind.CLOSURE: 0,
    EntryKind.BUSY: 0,
    EntryKind.REST_BEFORE: 1,
    EntryKind.SESSION: 2,
    EntryKind.REST_AFTER: 3,
    EntryKind.FREE: 4,
}


def lay_out_day(
    day: date,
    zone: ZoneInfo,
    practitioner_id: int,
    open_time: Sequence[Span],
    closures: Iterable[ClosureMark],
    cards: Iterable[SessionCard],
    shape: SessionShape | None,
    step_minutes: int,
    now: datetime,
    busy: Iterable[Span] = (),
) -> DiaryDay:
    """Lay out one practitioner's day: closures, busy time from their own calendar, sessions
    with their buffers, and free time.

    `open_time` is the practitioner's open time around the day (weekly hours and openings);
    free time is what is left after closures and every live booking's blocked time, from
    `now` on (the past has no free time). `shape` gives the start times a session of the
    chosen service could take in each free stretch (none without a service).
    """
    bounds = day_bounds(day, zone)
    cards = sorted(cards, key=lambda c: (c.session.start, c.booking_id))
    closures = sorted(closures, key=lambda c: (c.span.start, c.closure_id))
    entries: list[Entry] = []
    for closure in closures:
        if (entry := _entry(EntryKind.CLOSURE, closure.span, bounds, closure=closure)) is not None:
            entries.append(entry)
    for card in cards:
        before = Span(card.blocked.start, card.session.start)
        after = Span(card.session.end, card.blocked.end)
        for kind, span in (
            (EntryKind.REST_BEFORE, before),
            (EntryKind.SESSION, card.session),
            (EntryKind.REST_AFTER, after),
        ):
            if span.start < span.end and (entry := _entry(kind, span, bounds, card=card)):
                entries.append(entry)
    busy = merge(busy)
    for span in busy:
        if (entry := _entry(EntryKind.BUSY, span, bounds)) is not None:
            entries.append(entry)
    taken = [c.span for c in closures] + [c.blocked for c in cards] + busy
    free = subtract(merge(open_time), taken)
    future = Span(max(now, bounds.start), bounds.end) if now < bounds.end else None
    if future is not None:
        for span in free:
            clipped = _clip(span, future)
            if clipped is None:
                continue
            starts: tuple[datetime, ...] = ()
            if shape is not None:
                starts = tuple(
                    start_times(
                        [span], shape, step_minutes, clipped.start, bounds.end - _SECOND, zone
                    )
                )
            entries.append(
                Entry(
                    EntryKind.FREE,
                    clipped,
                    starts=starts,
                    from_before=span.start < bounds.start,
                    runs_on=span.end > bounds.end,
                )
            )
    entries.sort(key=lambda e: (e.span.start, _ORDER[e.kind], e.span.end))
    working = tuple(s for s in (_clip(span, bounds) for span in merge(open_time)) if s)
    return DiaryDay(
        day=day,
        practitioner_id=practitioner_id,
        hours=day_hours(day, zone),
        working=working,
        entries=tuple(entries),
    )


def week_of(day: date) -> list[date]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]
