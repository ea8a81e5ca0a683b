"""The therapist's day as a compact list: one line a session before its details.

Each line shows the session's practical care flags (the diary's icons with words) and the
plan's headline: the one thing to know first, chosen here so the list stays one line a session.
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.diary import CareFlag
from booking.domain.intake import Flag
from booking.services.schedule.diary import care_flags, practical_needs
from booking.services.schedule.upcoming import IntakeProgress, PreparedSession, TherapistDay

CRASH_HEADLINE = "A crash after the last session: offer shorter and gentler"
NO_ANSWERS_HEADLINE = "No answers yet: ask about their needs first"
NO_FLAGS_HEADLINE = "Nothing flagged"

# The plan's flags, most urgent first: the headline is the first of the most urgent kind.
URGENCY = list(Flag)


@dataclass(frozen=True)
class SessionLine:
    """One line of the day's list."""

    session: PreparedSession
    care: tuple[CareFlag, ...]
    headline: str

    @property
    def answered(self) -> bool:
        """The client has answered something, so there is a plan to show."""
        return _answered(self.session)


def _answered(session: PreparedSession) -> bool:
    return session.plan is not None and session.intake != IntakeProgress.NONE


def headline(session: PreparedSession, flag_words: dict[Flag, str]) -> str:
    """The first thing to know before this session, in one line."""
    plan = session.plan
    answered = _answered(session)
    first = min(plan.flags, key=lambda raised: URGENCY.index(raised.flag)) if answered else None
    if first is not None and first.flag == Flag.STOP:
        return f"{flag_words[first.flag]}: {first.reason}"
    if session.crash_last_time:
        return CRASH_HEADLINE
    if not answered:
        return NO_ANSWERS_HEADLINE
    if first is None:
        return NO_FLAGS_HEADLINE
    return f"{flag_words[first.flag]}: {first.reason}"


def day_lines(day: TherapistDay, flag_words: dict[Flag, str]) -> dict[int, SessionLine]:
    """Every session of the day and the week ahead as a list line, by booking id: one query."""
    sessions = [*day.today_sessions, *(s for _, on_day in day.upcoming for s in on_day)]
    needs = practical_needs({session.booking.client_id for session in sessions})
    return {
        session.booking.id: SessionLine(
            session,
            care_flags(session.booking, needs.get(session.booking.client_id)),
            headline(session, flag_words),
        )
        for session in sessions
    }
