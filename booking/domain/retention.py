"""How long records are kept (DOMAIN.md, "Records and data protection"), as pure date rules.

Clinical records (intake answers, consents, session notes) are kept 7 years after the
client's last treatment; for someone treated as a minor, until 7 years after their 18th
birthday if that is later. Messages, signed-out staff sessions and handled call requests go
much sooner. A record is kept through the whole of its last day and is past its keeping time
from the day after.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

CLINICAL_YEARS = 7
ADULT_AGE = 18
OUTBOX_KEEP = timedelta(days=90)  # sent, failed or dropped messages hold names and times
STAFF_SESSION_KEEP = timedelta(days=30)
CALL_REQUEST_KEEP = timedelta(days=365)


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a common year.

    1 March rather than 28 February: the later day, so a record is never removed early.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + years, 3, 1)


def clinical_keep_until(last_treatment: date, born: date | None = None) -> date:
    """The last day a client's clinical record is kept."""
    until = years_after(last_treatment, CLINICAL_YEARS)
    if born is not None:
        until = max(until, years_after(years_after(born, ADULT_AGE), CLINICAL_YEARS))
    return until


def clinical_record_expired(last_treatment: date, born: date | None, today: date) -> bool:
    """True once a clinical record is past its keeping time."""
    return today > clinical_keep_until(last_treatment, born)


def kept_since(keep: timedelta, now: datetime) -> datetime:
    """The moment before which a record kept for `keep` is past its time."""
    return now - keep


def past_keeping(moment: datetime, keep: timedelta, now: datetime) -> bool:
    """True when something that happened at `moment` has been kept longer than `keep`."""
    return moment < kept_since(keep, now)
