"""Who may book what, and how close together: the practice's pacing rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking.domain.statuses import BookingStatus

# Statuses of a session that happened or will happen.
LIVE_STATUSES = frozenset(
    {BookingStatus.HELD_FOR_REVIEW, BookingStatus.CONFIRMED, BookingStatus.ATTENDED}
)

FIRST_MONTH = timedelta(days=30)


@dataclass(frozen=True)
class PastSession:
    """One of the client's bookings, as the rules see it."""

    start: datetime
    status: BookingStatus


def live_starts(sessions: Iterable[PastSession]) -> list[datetime]:
    """Start times of the sessions that count: attended, or held or confirmed."""
    return sorted(s.start for s in sessions if s.status in LIVE_STATUSES)


def is_new_client(sessions: Iterable[PastSession]) -> bool:
    """A client with no attended, held or confirmed session: their first visit comes first."""
    return not live_starts(sessions)


@dataclass(frozen=True)
class PacingClash:
    """A proposed time too close to another of the client's sessions."""

    other_start: datetime
    gap: timedelta

    @property
    def earliest_after(self) -> datetime:
        """The first time far enough after the other session."""
        return self.other_start + self.gap


def pacing_clash(
    sessions: Iterable[PastSession], proposed_start: datetime, first_month_gap: timedelta
) -> PacingClash | None:
    """The session that `proposed_start` sits too close to, if any.

    During a client's first month (counted from their first session) sessions stay at least
    `first_month_gap` apart, so the body can settle and the client can notice how they feel.
    """
    starts = live_starts(sessions)
    if not starts or first_month_gap <= timedelta(0):
        return None
    month_ends = min([*starts, proposed_start]) + FIRST_MONTH
    for other in sorted(starts, key=lambda start: abs(start - proposed_start)):
        in_first_month = min(other, proposed_start) < month_ends
        if in_first_month and abs(other - proposed_start) < first_month_gap:
            return PacingClash(other, first_month_gap)
    return None
