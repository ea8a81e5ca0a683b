"""Calendar files for bookings (icalendar 7): one stable UID per booking, times in UTC.

Nothing about health goes in here: the client's name is not in the client's own file, and
the summary names only the session and the practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event

PRODID = "-//Still Waters Booking//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar needs to know about one session."""

    uid: str
    sequence: int
    start_utc: datetime
    end_utc: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def booking_calendar(entry: CalendarEntry, now: datetime, method: str = "PUBLISH") -> bytes:
    """A VCALENDAR with one VEVENT for `entry`, as bytes with CRLF line endings."""
    event = Event.new(
        uid=entry.uid,
        sequence=entry.sequence,
        stamp=now,
        start=entry.start_utc,
        end=entry.end_utc,
        summary=entry.summary,
        description=entry.description or None,
        location=entry.location or None,
        url=entry.url or None,
        status="CANCELLED" if entry.cancelled else "CONFIRMED",
    )
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    return calendar.to_ical()
