"""Calendar files for bookings (icalendar 7): one stable UID per booking, times in UTC.

Nothing about health goes in here: the client's name is not in the client's own file, and
the summary names only the session and the practice.

`booking_calendar` is the file a client downloads (METHOD:PUBLISH). `invite_calendar` is the
iTIP body of an emailed invite (RFC 5546): METHOD:REQUEST for a new or changed session,
METHOD:CANCEL to take it off the calendar, always with an ORGANIZER and the recipient as
ATTENDEE, and a SEQUENCE the caller raises by one on every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Still Waters Booking//EN"
INVITE_METHODS = ("REQUEST", "CANCEL")


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar needs to know about one session.

    `organizer` and `attendees` are email addresses; the calendar gets them as bare `mailto:`.
    `tentative` marks a session still waiting for the therapist to confirm it.
    """

    uid: str
    sequence: int
    start_utc: datetime
    end_utc: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    organizer: str | None = None
    attendees: tuple[str, ...] = ()
    tentative: bool = False


def booking_calendar(entry: CalendarEntry, now: datetime, method: str = "PUBLISH") -> bytes:
    """A VCALENDAR with one VEVENT for `entry`, as bytes with CRLF line endings."""
    return _calendar(entry, now, method, _status(entry))


def invite_calendar(entry: CalendarEntry, now: datetime, method: str) -> bytes:
    """The calendar part of an emailed invite: METHOD:REQUEST, or METHOD:CANCEL (cancelled)."""
    method = method.upper()
    if method not in INVITE_METHODS:
        raise ValueError(f"An invite is a REQUEST or a CANCEL, not {method!r}.")
    if not entry.organizer or not entry.attendees:
        # RFC 5546 requires both; calendars ignore an invite that lacks them.
        raise ValueError("An invite needs an organizer and at least one attendee.")
    status = "CANCELLED" if method == "CANCEL" else _status(entry)
    return _calendar(entry, now, method, status)


def mailto(address: str) -> str:
    """`mailto:` and the bare address, from "hello@x", "mailto:hello@x" or "Name <hello@x>"."""
    text = address.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    _, bare = parseaddr(text)
    if "@" not in bare:
        raise ValueError(f"{address!r} is not an email address.")
    return f"mailto:{bare}"


def _status(entry: CalendarEntry) -> str:
    if entry.cancelled:
        return "CANCELLED"
    return "TENTATIVE" if entry.tentative else "CONFIRMED"


def session_event(
    entry: CalendarEntry,
    stamp: datetime,
    status: str | None = None,
    last_modified: datetime | None = None,
) -> Event:
    """The VEVENT for one session, as invites, downloads and the feed all write it."""
    return Event.new(
        uid=entry.uid,
        sequence=entry.sequence,
        stamp=stamp,
        last_modified=last_modified,
        start=entry.start_utc,
        end=entry.end_utc,
        summary=entry.summary,
        description=entry.description or None,
        location=entry.location or None,
        url=entry.url or None,
        status=status or _status(entry),
        organizer=mailto(entry.organizer) if entry.organizer else None,
        attendees=[vCalAddress(mailto(address)) for address in entry.attendees] or None,
    )


def _calendar(entry: CalendarEntry, now: datetime, method: str, status: str) -> bytes:
    event = session_event(entry, now, status)
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    # Calendar.new adds a random calendar-level UID (RFC 7986). It names nothing and changes
    # on every download; the event's UID is the one calendars match updates on.
    del calendar["UID"]
    return calendar.to_ical()
