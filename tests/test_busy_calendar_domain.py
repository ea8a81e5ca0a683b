"""Own calendars as busy time, the pure part: addresses accepted, and the time a file keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from booking.domain.availability import Span
from booking.domain.busy_calendar import (
    MAX_OCCURRENCES,
    AddressError,
    NotACalendar,
    address_host,
    busy_spans,
    normalised_address,
)

LONDON = ZoneInfo("Europe/London")
CALENDARS = Path(__file__).parent / "support" / "calendars"


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(UTC)


def calendar(*events: str, extra: str = "") -> bytes:
    """A calendar file holding these VEVENT bodies."""
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:e{n}@example.test\r\nDTSTAMP:20270101T000000Z\r\n"
        + event.strip().replace("\n", "\r\n")
        + "\r\nEND:VEVENT\r\n"
        for n, event in enumerate(events)
    )
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + extra
        + body
        + "END:VCALENDAR\r\n"
    ).encode()


def spans_of(body: bytes, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return [
        (
            s.start.astimezone(LONDON).replace(tzinfo=None),
            s.end.astimezone(LONDON).replace(tzinfo=None),
        )
        for s in busy_spans(body, start, end, LONDON)
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (
            "https://calendar.google.com/calendar/ical/x/private-abc/basic.ics",
            "https://calendar.google.com/calendar/ical/x/private-abc/basic.ics",
        ),
        (
            "  webcal://p12-caldav.icloud.com/published/2/abc  ",
            "https://p12-caldav.icloud.com/published/2/abc",
        ),
        ("http://cal.example.test:8080/me.ics?key=1", "http://cal.example.test:8080/me.ics?key=1"),
        ("HTTPS://outlook.office365.com", "https://outlook.office365.com/"),
    ],
)
def test_addresses_are_kept_as_they_will_be_read(typed: str, kept: str) -> None:
    assert normalised_address(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "calendar.google.com/x.ics",
        "ftp://example.test/x.ics",
        "file:///etc/passwd",
        "https://",
        "https://exa mple.test/x",
        "javascript:alert(1)",
        "https://host:port/x",
        "https://example.test/" + "x" * 2000,
    ],
)
def test_other_text_is_not_an_address(typed: str) -> None:
    with pytest.raises(AddressError):
        normalised_address(typed)


def test_only_the_host_is_shown_back() -> None:
    assert address_host("https://user:pw@Calendar.Google.com/private-secret/basic.ics") == (
        "calendar.google.com"
    )


def test_the_sample_calendar_keeps_only_busy_time() -> None:
    """TZID, EXDATE, a moved instance, an all-day event, cancelled and free events."""
    body = (CALENDARS / "own.ics").read_bytes()
    assert spans_of(body, local(2027, 3, 15), local(2027, 4, 30)) == [
        (datetime(2027, 3, 17, 10, 0), datetime(2027, 3, 17, 11, 30)),  # weekly, first
        # 18 Mar 09:00 was cancelled; 19 Mar 09:00 UTC is marked free.
        (datetime(2027, 3, 19, 12, 0), datetime(2027, 3, 19, 13, 0)),  # 08:00 in New York
        (datetime(2027, 3, 22, 0, 0), datetime(2027, 3, 24, 0, 0)),  # all day, two days
        (datetime(2027, 3, 24, 10, 0), datetime(2027, 3, 24, 11, 30)),  # weekly
        # 31 Mar is an EXDATE; 7 Apr was moved to 8 Apr 14:00 (RECURRENCE-ID).
        (datetime(2027, 4, 8, 14, 0), datetime(2027, 4, 8, 15, 30)),
    ]


def test_a_weekly_event_keeps_its_local_time_across_the_march_clock_change() -> None:
    body = (CALENDARS / "clock_change.ics").read_bytes()
    found = busy_spans(body, local(2027, 3, 1), local(2027, 4, 12), LONDON)
    assert [(s.start, s.end) for s in found] == [
        (datetime(2027, 3, 17, 9, 0, tzinfo=UTC), datetime(2027, 3, 17, 10, 0, tzinfo=UTC)),
        (datetime(2027, 3, 24, 9, 0, tzinfo=UTC), datetime(2027, 3, 24, 10, 0, tzinfo=UTC)),
        # The clocks go forward on Sunday 28 March: 09:00 local is now 08:00 UTC.
        (datetime(2027, 3, 31, 8, 0, tzinfo=UTC), datetime(2027, 3, 31, 9, 0, tzinfo=UTC)),
        (datetime(2027, 4, 7, 8, 0, tzinfo=UTC), datetime(2027, 4, 7, 9, 0, tzinfo=UTC)),
    ]


def test_an_all_day_event_keeps_the_whole_local_day_in_summer_time() -> None:
    body = calendar("DTSTART;VALUE=DATE:20270601\nSUMMARY:Away")
    assert busy_spans(body, local(2027, 5, 30), local(2027, 6, 5), LONDON) == [
        Span(datetime(2027, 5, 31, 23, 0, tzinfo=UTC), datetime(2027, 6, 1, 23, 0, tzinfo=UTC))
    ]


def test_a_floating_time_is_read_in_the_practice_zone() -> None:
    body = calendar("DTSTART:20270701T100000\nDURATION:PT1H")
    assert spans_of(body, local(2027, 7, 1), local(2027, 7, 2)) == [
        (datetime(2027, 7, 1, 10, 0), datetime(2027, 7, 1, 11, 0))
    ]


def test_busy_time_is_clipped_to_the_horizon_and_overlaps_merge() -> None:
    body = calendar(
        "DTSTART:20270701T080000Z\nDTEND:20270701T100000Z",
        "DTSTART:20270701T093000Z\nDTEND:20270701T110000Z",
        "DTSTART:20270801T093000Z\nDTEND:20270801T110000Z",
    )
    start = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
    end = datetime(2027, 7, 20, tzinfo=UTC)
    assert busy_spans(body, start, end, LONDON) == [
        Span(start, datetime(2027, 7, 1, 11, 0, tzinfo=UTC))
    ]


def test_a_rule_repeating_every_minute_is_capped_not_refused() -> None:
    body = calendar("DTSTART:20270701T000000Z\nDURATION:PT30S\nRRULE:FREQ=MINUTELY")
    found = busy_spans(body, local(2027, 7, 1), local(2027, 9, 1), LONDON)
    assert found  # the nearest occurrences still count
    assert len(found) <= MAX_OCCURRENCES
    assert found[-1].start < datetime(2027, 7, 31, tzinfo=UTC)


def test_a_broken_event_does_not_lose_the_rest_of_the_calendar() -> None:
    body = calendar(
        "DTSTART:20270701T090000Z\nDTEND:20270701T100000Z",
        "DTSTART:20270702T090000Z\nDTEND:20270702T100000Z\nRRULE:FREQ=NONSENSE",
    )
    found = busy_spans(body, local(2027, 7, 1), local(2027, 7, 10), LONDON)
    assert Span(datetime(2027, 7, 1, 9, tzinfo=UTC), datetime(2027, 7, 1, 10, tzinfo=UTC)) in found


@pytest.mark.parametrize("body", [b"", b"<html>Sign in</html>", b"BEGIN:VCARD\r\nEND:VCARD\r\n"])
def test_what_is_not_a_calendar_is_said_so(body: bytes) -> None:
    with pytest.raises(NotACalendar):
        busy_spans(body, local(2027, 7, 1), local(2027, 7, 10), LONDON)
