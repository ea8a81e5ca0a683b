"""A therapist's own calendar as busy time, the pure part: which addresses are accepted, and
which stretches of time a calendar file keeps busy.

Only start and end leave this module: titles, descriptions, places and attendees are read by
the parser and dropped here, so they are never stored or shown.

Repeating events are expanded by recurring-ical-events (RRULE, RDATE, EXDATE, moved instances
with RECURRENCE-ID, TZID and the clock changes). Events marked free (TRANSP:TRANSPARENT) or
cancelled (STATUS:CANCELLED) keep no time. An all-day event keeps its local days in the
practice's zone from midnight to midnight; a floating time ("10:00", no zone) is read in the
practice's zone too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from booking.domain.availability import Span, merge

ADDRESS_MAX_LENGTH = 2000
# Enough for any real calendar over the bookable period; a rule repeating every minute stops
# here instead of filling the memory.
MAX_OCCURRENCES = 20_000
SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}


class ReadProblem(StrEnum):
    """Why the last read of an address failed, as a kind: never the address or calendar text."""

    REFUSED_ADDRESS = "refused_address"  # loopback or a private network
    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed_out"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    NOT_FOUND = "not_found"  # 401, 403, 404, 410: the address no longer works
    SERVER_ERROR = "server_error"
    NOT_A_CALENDAR = "not_a_calendar"
    UNREADABLE_ADDRESS = "unreadable_address"  # the stored address cannot be decrypted


PROBLEM_WORDS: dict[ReadProblem, str] = {
    ReadProblem.REFUSED_ADDRESS: "the address points inside a private network, which we do "
    "not read from",
    ReadProblem.UNREACHABLE: "the calendar's server could not be reached",
    ReadProblem.TIMED_OUT: "the calendar's server took too long to answer",
    ReadProblem.TOO_LARGE: "the calendar was too large to read",
    ReadProblem.TOO_MANY_REDIRECTS: "the address sent us on to other addresses too many times",
    ReadProblem.NOT_FOUND: "the calendar's server says the address no longer works",
    ReadProblem.SERVER_ERROR: "the calendar's server had a problem",
    ReadProblem.NOT_A_CALENDAR: "what the address gave back was not a calendar",
    ReadProblem.UNREADABLE_ADDRESS: "the saved address could not be unlocked; please save it again",
}


def problem_words(kind: str | None) -> str:
    """A stored problem kind in plain words (an unknown kind reads as a general failure)."""
    if kind is None:
        return ""
    try:
        return PROBLEM_WORDS[ReadProblem(kind)]
    except ValueError:
        return "the calendar could not be read"


class AddressError(ValueError):
    """An address that is not a calendar address we can read; the message says why."""


def normalised_address(text: str) -> str:
    """The address as it will be read: trimmed, webcal:// as https://; AddressError if it is
    not an http, https or webcal address with a host."""
    address = text.strip()
    if not address:
        raise AddressError("Please paste the calendar's private address.")
    if len(address) > ADDRESS_MAX_LENGTH or any(ch.isspace() for ch in address):
        raise AddressError(
            "That does not look like a calendar address. Please copy it again from your "
            "calendar's sharing settings."
        )
    try:
        parts = urlsplit(address)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = None
    scheme = SCHEMES.get(parts.scheme.lower()) if parts.scheme else None
    if scheme is None or not host:
        raise AddressError(
            "Please paste the whole address, starting with https://, http:// or webcal://."
        )
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def address_host(address: str) -> str:
    """Only the host of an address, which is all that is ever shown back."""
    return (urlsplit(address).hostname or "")[:255]


class NotACalendar(ValueError):
    """The body is not an iCalendar file."""


def busy_spans(body: bytes, start_utc: datetime, end_utc: datetime, zone: ZoneInfo) -> list[Span]:
    """The time an iCalendar file keeps busy within [start_utc, end_utc), merged.

    Each event's occurrences are expanded; at most MAX_OCCURRENCES are read, soonest first.
    A broken series is skipped rather than losing the whole calendar.
    """
    try:
        calendar = Calendar.from_ical(body)
    except ValueError as problem:
        raise NotACalendar(str(problem)[:100]) from None
    if isinstance(calendar, list) or calendar.name != "VCALENDAR":
        raise NotACalendar("not one VCALENDAR")
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    found: list[Span] = []
    # A day before, so an all-day event of the first local day is found whatever the zone.
    for read, event in enumerate(_occurrences(query, start_utc - timedelta(days=1), end_utc)):
        if read >= MAX_OCCURRENCES:
            break
        span = _event_span(event, zone)
        if span is not None and span.overlaps(Span(start_utc, end_utc)) and _keeps_time(event):
            found.append(Span(max(span.start, start_utc), min(span.end, end_utc)))
    return merge(found)


_SHORTEST_LOOK = timedelta(minutes=15)
_LONGEST_LOOK = timedelta(days=7)
_CROWDED = 500  # occurrences in one look: look at less time next


def _occurrences(query, start_utc: datetime, end_utc: datetime):
    """Occurrences between the two times, looked at a stretch at a time (shorter where they
    are crowded), so a rule repeating every second never builds a list of millions."""
    cursor, look = start_utc, timedelta(hours=1)
    while cursor < end_utc:
        stop = min(cursor + look, end_utc)
        batch = query.between(cursor, stop)
        yield from batch
        cursor = stop
        look = look / 2 if len(batch) > _CROWDED else look * 2
        look = min(max(look, _SHORTEST_LOOK), _LONGEST_LOOK)


def _keeps_time(event) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    # Outlook marks "show as free" this way too.
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def _event_span(event, zone: ZoneInfo) -> Span | None:
    """An occurrence's start and end as aware UTC, or None when it has no start."""
    start = event.get("DTSTART")
    if start is None:
        return None
    begins = _instant(start.dt, zone)
    end = event.get("DTEND")
    if end is not None:
        ends = _instant(end.dt, zone)
    elif event.get("DURATION") is not None:
        ends = begins + event["DURATION"].dt
    elif isinstance(start.dt, date) and not isinstance(start.dt, datetime):
        ends = _instant(start.dt + timedelta(days=1), zone)  # RFC 5545: one day
    else:
        ends = begins  # no length: keeps no time
    return Span(begins, max(begins, ends))


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A calendar time as aware UTC: a date is its local midnight, a floating time is local."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=zone).astimezone(UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone).astimezone(UTC)
    return value.astimezone(UTC)
