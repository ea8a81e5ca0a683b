"""When reminders and follow-ups go out: the day before and two days after, never in quiet hours.

Pure: times in, times out. Quiet hours are the client's local times with no messages (for
example 20:00 to 10:00, across midnight); a message due inside them waits until they end.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

REMINDER_LOCAL_TIME = time(10, 0)  # the day before, mid-morning
FOLLOWUP_AFTER = timedelta(hours=48)


def in_quiet_hours(moment: time, quiet_from: time | None, quiet_until: time | None) -> bool:
    """Whether a local time falls in [quiet_from, quiet_until), which may cross midnight."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= moment < quiet_until
    return moment >= quiet_from or moment < quiet_until


def after_quiet_hours(
    moment_utc: datetime, zone: ZoneInfo, quiet_from: time | None, quiet_until: time | None
) -> datetime:
    """The moment itself, or, inside quiet hours, the first moment they have ended."""
    local = moment_utc.astimezone(zone)
    if not in_quiet_hours(local.time(), quiet_from, quiet_until):
        return moment_utc
    assert quiet_until is not None
    day = local.date() if local.time() < quiet_until else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet_until, tzinfo=zone).astimezone(moment_utc.tzinfo)


def reminder_due(
    start_utc: datetime,
    zone: ZoneInfo,
    quiet_from: time | None = None,
    quiet_until: time | None = None,
    local_time: time = REMINDER_LOCAL_TIME,
) -> datetime:
    """The day-before reminder: that morning in the practice's zone, after quiet hours."""
    day_before = start_utc.astimezone(zone).date() - timedelta(days=1)
    due = datetime.combine(day_before, local_time, tzinfo=zone).astimezone(start_utc.tzinfo)
    return after_quiet_hours(due, zone, quiet_from, quiet_until)


# When the client said their worsening usually starts -> how long after a session to ask how
# they were, so the question comes once any worsening has shown. Other answers ("it varies",
# "not sure") and no answer use the practice's setting (48 hours unless admin changed it).
FOLLOWUP_AFTER_BY_WORSENING = {
    "same_day": timedelta(hours=24),
    "next_day": timedelta(hours=48),
    "two_days_or_more": timedelta(hours=96),
}


def followup_delay(worsening_starts: str | None, practice_default: timedelta) -> timedelta:
    """How long after a session the follow-up goes, for this client's usual pattern."""
    return FOLLOWUP_AFTER_BY_WORSENING.get(worsening_starts or "", practice_default)


def followup_due(
    end_utc: datetime,
    zone: ZoneInfo,
    quiet_from: time | None = None,
    quiet_until: time | None = None,
    after: timedelta = FOLLOWUP_AFTER,
) -> datetime:
    """How were you one or two days later? About 48 hours after, after quiet hours."""
    return after_quiet_hours(end_utc + after, zone, quiet_from, quiet_until)
