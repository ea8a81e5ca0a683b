"""A therapist's private calendar feed (icalendar 7): one subscription of their sessions.

The feed is METHOD:PUBLISH and carries each booking's own UID and SEQUENCE, so a calendar that
also received the emailed invites keeps one event per session. It names only the service and
the client's first name: a calendar app may show it on a lock screen or share it onward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vDuration

from booking.domain.ical import PRODID, CalendarEntry, session_event
from booking.domain.text import first_name

# How often a subscribed calendar should fetch the feed again (RFC 7986, and Outlook's hint).
REFRESH_EVERY = timedelta(hours=1)
EN_DASH = "\u2013"


@dataclass(frozen=True)
class FeedEntry(CalendarEntry):
    """A session as the feed shows it, with when it last changed."""

    modified_utc: datetime | None = None


def feed_summary(service_name: str, client_name: str) -> str:
    """The therapist's event title, in invites and the feed: the service, an en dash, the
    client's first name."""
    return f"{service_name} {EN_DASH} {first_name(client_name)}"


def feed_calendar(entries: Sequence[FeedEntry], now: datetime, name: str) -> bytes:
    """A PUBLISH VCALENDAR named `name` with one VEVENT per entry; cancelled entries left out.

    Each event's DTSTAMP is the time its booking last changed (`now` only for an entry that
    does not say), so the same bookings always give the same bytes and the feed's ETag changes
    only when a session does.
    """
    events = [_event(entry, now) for entry in entries if not entry.cancelled]
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=name,  # NAME and X-WR-CALNAME
        refresh_interval=REFRESH_EVERY,
        subcomponents=events,
    )
    # RFC 7986 spells the value type out; icalendar leaves it implicit.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_EVERY))
    # Calendar.new adds a random calendar UID: it would change the bytes on every request.
    del calendar["UID"]
    return calendar.to_ical()


def _event(entry: FeedEntry, now: datetime) -> Event:
    return session_event(entry, entry.modified_utc or now, last_modified=entry.modified_utc)
