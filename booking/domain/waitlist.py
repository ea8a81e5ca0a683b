"""The waiting list's rules: which free times suit a waiting client, and how long an offer
stays open. Pure: times in, answers out (the caller passes `now`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from booking.domain.availability import Slot
from booking.domain.best_times import BestTimes
from booking.domain.booking_rules import PastSession, is_new_client, live_starts, pacing_clash

# An offer stays open this long after it is sent: long enough to see it on a slow day, short
# enough that the time can still go to someone else. Never past the time's own booking limit.
OFFER_OPEN_FOR = timedelta(hours=24)
# How many waiting clients one free time is offered to at once; the first to press books it.
OFFERS_PER_TIME = 5
# How far ahead a client may ask to wait, at most (the booking window is shorter anyway).
LONGEST_WAIT = timedelta(days=180)


@dataclass(frozen=True)
class Wish:
    """What a waiting client asked for: a therapist (None for anyone), when, and until when."""

    practitioner_id: int | None
    best: BestTimes
    until: date

    def suits(self, slot: Slot, zone: ZoneInfo) -> bool:
        """Whether a free time is on a day and in a part of the day they chose, by their date."""
        if slot.start.astimezone(zone).date() > self.until:
            return False
        if self.practitioner_id is not None and self.practitioner_id not in slot.practitioner_ids:
            return False
        return self.best.suits(slot.start, zone)


def allowed_for(
    sessions: Sequence[PastSession],
    start: datetime,
    *,
    first_visit_service: bool,
    first_month_gap: timedelta,
    zone: ZoneInfo,
) -> bool:
    """Whether the booking rules let this client have a session at `start`: a new client's
    first session is the first-visit one, the first month keeps its pacing, and never two
    sessions on one day (a day with a session is a day to rest around it)."""
    if not first_visit_service and is_new_client(sessions):
        return False
    if pacing_clash(sessions, start, first_month_gap) is not None:
        return False
    day = start.astimezone(zone).date()
    return all(other.astimezone(zone).date() != day for other in live_starts(sessions))


def first_fitting(
    slots: Iterable[Slot],
    wish: Wish,
    zone: ZoneInfo,
    allowed: Callable[[datetime], bool],
    offered_before: set[tuple[int, datetime]],
    full: set[tuple[int, datetime]],
) -> tuple[int, datetime] | None:
    """The earliest (practitioner, start) that suits the wish and the rules, not offered to
    this client before, and not already offered to as many clients as a time may be."""
    for slot in slots:
        if not wish.suits(slot, zone) or not allowed(slot.start):
            continue
        ids = slot.practitioner_ids if wish.practitioner_id is None else (wish.practitioner_id,)
        for practitioner_id in ids:
            key = (practitioner_id, slot.start)
            if key not in offered_before and key not in full:
                return key
    return None


def offer_expires(sent_at: datetime, start: datetime, latest_booking: datetime) -> datetime:
    """When an offer sent at `sent_at` closes: after OFFER_OPEN_FOR, or once the time can no
    longer be booked online (`latest_booking`, its start less the minimum notice)."""
    return max(sent_at, min(sent_at + OFFER_OPEN_FOR, latest_booking, start))
