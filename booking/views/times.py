"""The times page's data, shared by booking and by moving a booking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from booking.clock import local_date, now_utc, practice_zone
from booking.domain.availability import Slot
from booking.domain.best_times import BestTimes
from booking.models import Practitioner, Service
from booking.services.booking import availability

DAYS_SHOWN = 7


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
    }


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
