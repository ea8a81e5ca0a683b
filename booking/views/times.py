"""The times page's data, shared by booking and by moving a booking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from booking.clock import local_date, now_utc, practice_zone
from booking.domain.availability import EmptyDay, EmptyDayReason, Slot
from booking.domain.best_times import BestTimes
from booking.models import Practitioner, Service
from booking.services.booking import availability
from booking.services.booking.availability import DayTimes

DAYS_SHOWN = 7
TIMES_PER_PART = 12  # buttons per part of a day before "More times": few to read, enough to pick


def times_context(
    service: Service,
    practitioners: Sequence[Practitioner],
    requested_day: date | None,
    time_href: Callable[[Slot], str],
    day_href: Callable[[date], str],
    ignore_booking_id: int | None = None,
    *,
    staff: bool = False,
    best: BestTimes | None = None,
    allowed: Callable[[datetime], bool] | None = None,
) -> dict[str, object]:
    """Everything book/_days.html needs for a week of times from `requested_day`.

    With the client's `best` times and no day asked for, the page opens on the times that
    usually suit them ("suiting_first"); a link to a day shows every time.
    """
    now = now_utc()
    zone = practice_zone()
    window = availability.booking_window(staff)
    today = local_date(now)
    last_day = window.latest(now).astimezone(zone).date()
    first_day = min(max(requested_day or today, today), last_day)
    page = availability.times_page(
        service,
        practitioners,
        first_day,
        DAYS_SHOWN,
        now,
        ignore_booking_id,
        staff=staff,
        best=best,
        allowed=allowed,
    )
    earlier = max(first_day - timedelta(days=DAYS_SHOWN), today)
    later = first_day + timedelta(days=DAYS_SHOWN)
    return {
        "page": page,
        "zone": zone,
        "today": today,
        "earlier": earlier if first_day > today else None,
        "later": later if later <= last_day else None,
        "min_notice_hours": int(window.min_notice.total_seconds() // 3600),
        "min_notice": window.min_notice,
        "max_advance_days": window.max_advance.days,
        "time_href": time_href,
        "day_href": day_href,
        "best_given": bool(best),
        "suiting_first": bool(best) and requested_day is None,
        "blocks": calm_days(page.days),
    }


@dataclass(frozen=True)
class PartTimes:
    """One part of a day: the times shown as buttons, and the rest behind "More times"."""

    part: str
    shown: tuple[Slot, ...]
    more: tuple[Slot, ...]


@dataclass(frozen=True)
class FreeDay:
    day: date
    parts: tuple[PartTimes, ...]


@dataclass(frozen=True)
class NoTimes:
    """Days in a row with no free times, said in one line instead of one paragraph each."""

    first: date
    last: date
    reason: EmptyDay | None  # when every day has the same reason (and detail)
    until: date | None  # the free day straight after, when the page shows it
    nearest_free_day: date | None  # otherwise the nearest free day, if there is one


def calm_days(days: Sequence[DayTimes], most: int = TIMES_PER_PART) -> list[FreeDay | NoTimes]:
    """The page's days as the client reads them: each free day with at most `most` buttons
    per part of the day, and each run of empty days as one line."""
    blocks: list[FreeDay | NoTimes] = []
    run: list[DayTimes] = []

    def end_run(until: date | None) -> None:
        if not run:
            return
        blocks.append(NoTimes(run[0].day, run[-1].day, _shared_reason(run), until, _nearest(run)))
        run.clear()

    def _nearest(run: list[DayTimes]) -> date | None:
        """After free days, the next free one (those before are on the page); for a page
        with none, the nearest either side."""
        after = run[-1].nearest_free_day
        if blocks:
            return after if after and after > run[-1].day else None
        before = run[0].nearest_free_day
        found = [d for d in (before, after) if d]
        return min(
            found, key=lambda d: min(abs(d - run[0].day), abs(d - run[-1].day)), default=None
        )

    for day in days:
        if not day.groups:
            run.append(day)
            continue
        end_run(until=day.day)
        parts = tuple(PartTimes(part, *fewer_times(slots, most)) for part, slots in day.groups)
        blocks.append(FreeDay(day.day, parts))
    end_run(until=None)
    return blocks


def _shared_reason(run: Sequence[DayTimes]) -> EmptyDay | None:
    """The reason every day of `run` has, if they share one. Days the practice never opens
    do not hide a reason worth saying (a closure over a weekend is still a closure)."""
    empties = [day.empty for day in run if day.empty]
    for candidates in (empties, [e for e in empties if e.reason != EmptyDayReason.NOT_WORKING]):
        if candidates and len({(e.reason, e.detail) for e in candidates}) == 1:
            return candidates[0]
    return None


def fewer_times(slots: Sequence[Slot], most: int) -> tuple[tuple[Slot, ...], tuple[Slot, ...]]:
    """At most `most` of `slots`, evenly spread from the first (every half hour, or hour,
    ...), and the rest. A 15-minute grid offers many near-identical times; a tired reader
    needs a few to compare, with the others one press away."""
    if len(slots) <= most:
        return tuple(slots), ()
    for minutes in (30, 45, 60, 90, 120, 180):
        spacing = timedelta(minutes=minutes)
        shown = [slots[0]]
        for slot in slots[1:]:
            if slot.start - shown[-1].start >= spacing:
                shown.append(slot)
        if len(shown) <= most:
            break
    shown = shown[:most]
    chosen = set(shown)
    return tuple(shown), tuple(slot for slot in slots if slot not in chosen)


def changes_at(context: dict[str, object]) -> datetime | None:
    """When time alone would change a times page: the first time it offers stops being
    bookable (minimum notice), or the practice's day ends (words such as "tomorrow")."""
    page: availability.TimesPage = context["page"]  # type: ignore[assignment]
    zone = context["zone"]
    notice: timedelta = context["min_notice"]  # type: ignore[assignment]
    midnight = datetime.combine(context["today"] + timedelta(days=1), time(0), tzinfo=zone)
    offered = [slot for day in page.days for _, slots in day.groups for slot in slots]
    offered += [*page.suiting, *([page.next_available] if page.next_available else [])]
    return min([midnight.astimezone(UTC), *(slot.start - notice for slot in offered)])


def parse_day(raw: str | None) -> date | None:
    """The day a link asks to start from (`?from=2026-11-23`), or None: none, or not a date."""
    try:
        return date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def parse_start(raw: str | None) -> datetime | None:
    """A start time from a link or form: ISO 8601 with an offset, as UTC; None if unusable."""
    if not raw or len(raw) > 40:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None
