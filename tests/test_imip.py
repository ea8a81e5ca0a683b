"""Emails with calendar invites in the iMIP shape every calendar accepts, read back the way a
mail client would: from the bytes on the wire."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from booking.domain.ical import CalendarEntry, booking_calendar, invite_calendar
from booking.domain.imip import imip_email
from booking.domain.messages import Change, Outgoing, booking_messages
from tests.support import DEFAULT_NOW
from tests.support.messages import MONDAY, PRACTICE_EMAIL, UID, make_facts

SENDER = f"Still Waters Massage <{PRACTICE_EMAIL}>"
MESSAGE_ID = "<outbox-42@stillwaters.example>"
SENT_AT = datetime(2026, 11, 21, 10, 0, 5, tzinfo=UTC)


def all_messages() -> list[object]:
    """pytest params: every message of every change, for a client with and without a first visit."""
    return [
        pytest.param(message, id=f"{change}-{message.kind}-{'first' if first else 'returning'}")
        for change in Change
        for first in (True, False)
        for message in booking_messages(make_facts(first_visit=first), change, DEFAULT_NOW)
    ]


def on_the_wire(message: Outgoing, policy: email.policy.Policy = email.policy.default):
    """The email as a mail client receives it: built, turned into bytes and parsed back."""
    built = imip_email(message, SENDER, MESSAGE_ID, SENT_AT)
    return email.message_from_bytes(built.as_bytes(policy=policy), policy=email.policy.default)


def structure(part: EmailMessage) -> object:
    """The MIME tree as nested content types: ("multipart/mixed", [...])."""
    if part.is_multipart():
        return (part.get_content_type(), [structure(child) for child in part.iter_parts()])
    return part.get_content_type()


def calendar_parts(received: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    """The inline text/calendar part and the .ics attachment."""
    alternative, attachment = received.iter_parts()
    *_, inline = alternative.iter_parts()
    return inline, attachment


# --- The shape ---------------------------------------------------------------------------------


@pytest.mark.parametrize("message", all_messages())
def test_an_invite_is_mixed_with_the_alternatives_first_and_the_calendar_last(message):
    received = on_the_wire(message)
    assert structure(received) == (
        "multipart/mixed",
        [
            ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
            "application/ics",
        ],
    )
    inline, attachment = calendar_parts(received)
    assert inline.get_content_disposition() is None  # shown as the invite, not a file
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"


@pytest.mark.parametrize("message", all_messages())
def test_the_method_is_the_same_in_the_mime_part_and_the_calendar(message):
    inline, _ = calendar_parts(on_the_wire(message))
    calendar = Calendar.from_ical(inline.get_payload(decode=True))
    assert inline.get_param("method") == message.method
    assert inline.get_content_charset() == "utf-8"
    assert str(calendar["METHOD"]) == message.method
    assert message.method == ("CANCEL" if "cancellation" in message.kind else "REQUEST")


@pytest.mark.parametrize("policy", [email.policy.default, email.policy.SMTP], ids=["lf", "crlf"])
@pytest.mark.parametrize("message", all_messages())
def test_both_calendar_parts_carry_the_calendar_bytes_exactly(message, policy):
    inline, attachment = calendar_parts(on_the_wire(message, policy))
    assert inline.get_payload(decode=True) == message.calendar
    assert attachment.get_payload(decode=True) == message.calendar
    assert b"\r\n" in message.calendar
    assert b"\n" not in message.calendar.replace(b"\r\n", b"")


@pytest.mark.parametrize("message", all_messages())
def test_the_bodies_arrive_as_written(message):
    alternative, _ = on_the_wire(message).iter_parts()
    text, html, _ = alternative.iter_parts()
    assert text.get_content() == message.text
    assert html.get_content() == message.html


def test_the_headers_say_who_when_and_that_no_one_should_auto_reply():
    message = booking_messages(make_facts(), Change.BOOKED, DEFAULT_NOW)[0]
    received = on_the_wire(message)
    assert received["From"] == SENDER
    assert received["To"] == "ann@example.com"
    assert received["Subject"] == message.subject
    assert received["Message-ID"] == MESSAGE_ID
    assert received["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(received["Date"]) == SENT_AT


def test_a_retry_builds_the_same_email():
    message = booking_messages(make_facts(), Change.MOVED, DEFAULT_NOW)[0]
    first = imip_email(message, SENDER, MESSAGE_ID, SENT_AT)
    retry = imip_email(message, SENDER, MESSAGE_ID, SENT_AT + timedelta(minutes=5))
    assert first["Message-ID"] == retry["Message-ID"]
    assert calendar_parts(first)[0].get_payload(decode=True) == message.calendar


def test_a_name_outside_ascii_survives_the_subject_and_the_calendar():
    facts = make_facts(client_first_name="Zoë", service_name="Massage \N{EN DASH} gentle")
    therapist = booking_messages(facts, Change.BOOKED, DEFAULT_NOW)[-1]
    received = on_the_wire(therapist, email.policy.SMTP)
    inline, _ = calendar_parts(received)
    assert received["Subject"] == therapist.subject
    assert "Zoë" in received["Subject"]
    summary = Calendar.from_ical(inline.get_payload(decode=True)).walk("VEVENT")[0]["SUMMARY"]
    assert str(summary) == "Massage \N{EN DASH} gentle \N{EN DASH} Zoë"


# --- The calendar as the recipient's calendar reads it -----------------------------------------


@pytest.mark.parametrize("message", all_messages())
def test_the_sender_organizes_and_the_recipient_attends(message):
    received = on_the_wire(message)
    inline, _ = calendar_parts(received)
    body = inline.get_payload(decode=True)
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    from_address = parseaddr(str(received["From"]))[1]
    to_address = parseaddr(str(received["To"]))[1]
    assert str(event["ORGANIZER"]) == f"mailto:{from_address}"
    assert [str(attendee) for attendee in event.attendees] == [f"mailto:{to_address}"]
    # The same, read by the independent `ical` package.
    (other,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert other.organizer.uri == f"mailto:{from_address}"
    assert [attendee.uri for attendee in other.attendees] == [f"mailto:{to_address}"]


@pytest.mark.parametrize("message", all_messages())
def test_the_event_is_the_booking_in_utc(message):
    inline, _ = calendar_parts(on_the_wire(message))
    body = inline.get_payload(decode=True)
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["UID"]) == UID
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].dt == MONDAY
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == MONDAY + timedelta(minutes=45)
    (other,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert (other.uid, other.sequence, other.dtstart) == (UID, 0, MONDAY)


# --- Messages without a calendar, and mistakes refused -----------------------------------------


def test_a_message_without_a_calendar_is_just_text_and_html():
    message = dataclasses.replace(
        booking_messages(make_facts(), Change.BOOKED, DEFAULT_NOW)[0], calendar=None, method=None
    )
    received = on_the_wire(message)
    assert structure(received) == ("multipart/alternative", ["text/plain", "text/html"])


def bad(message: Outgoing, **changes: object) -> Outgoing:
    return dataclasses.replace(message, **changes)


@pytest.mark.parametrize(
    ("changes", "sender", "message_id", "sent_at"),
    [
        pytest.param({}, "someone@else.example", MESSAGE_ID, SENT_AT, id="sender-not-organizer"),
        pytest.param({"method": "CANCEL"}, SENDER, MESSAGE_ID, SENT_AT, id="method-mismatch"),
        pytest.param({"method": None}, SENDER, MESSAGE_ID, SENT_AT, id="no-method"),
        pytest.param({"method": "PUBLISH"}, SENDER, MESSAGE_ID, SENT_AT, id="not-an-invite"),
        pytest.param({}, SENDER, "outbox-42@stillwaters.example", SENT_AT, id="bare-message-id"),
        pytest.param({}, SENDER, MESSAGE_ID, SENT_AT.replace(tzinfo=None), id="naive-time"),
    ],
)
def test_an_email_calendars_would_drop_is_refused(changes, sender, message_id, sent_at):
    message = bad(booking_messages(make_facts(), Change.BOOKED, DEFAULT_NOW)[0], **changes)
    with pytest.raises(ValueError):
        imip_email(message, sender, message_id, sent_at)


def test_the_organizer_may_be_written_in_any_case():
    message = booking_messages(make_facts(), Change.BOOKED, DEFAULT_NOW)[0]
    built = imip_email(message, PRACTICE_EMAIL.upper(), MESSAGE_ID, SENT_AT)
    assert built["From"] == PRACTICE_EMAIL.upper()


# --- invite_calendar and booking_calendar ------------------------------------------------------

ENTRY = CalendarEntry(
    uid=UID,
    sequence=4,
    start_utc=MONDAY,
    end_utc=MONDAY + timedelta(minutes=45),
    summary="Gentle first session with Maya, Still Waters Massage",
    organizer=PRACTICE_EMAIL,
    attendees=("ann@example.com",),
)


@pytest.mark.parametrize(
    ("method", "entry", "status"),
    [
        ("REQUEST", ENTRY, "CONFIRMED"),
        ("request", ENTRY, "CONFIRMED"),
        ("REQUEST", dataclasses.replace(ENTRY, tentative=True), "TENTATIVE"),
        ("CANCEL", ENTRY, "CANCELLED"),
        ("CANCEL", dataclasses.replace(ENTRY, tentative=True), "CANCELLED"),
    ],
)
def test_invite_calendar_writes_the_method_and_status(method, entry, status):
    calendar = Calendar.from_ical(invite_calendar(entry, DEFAULT_NOW, method))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == method.upper()
    assert str(event["STATUS"]) == status
    assert int(event["SEQUENCE"]) == 4
    assert "UID" not in calendar  # only the event's UID, the one calendars match on


@pytest.mark.parametrize(
    ("method", "entry"),
    [
        ("PUBLISH", ENTRY),
        ("REPLY", ENTRY),
        ("REQUEST", dataclasses.replace(ENTRY, organizer=None)),
        ("CANCEL", dataclasses.replace(ENTRY, attendees=())),
    ],
)
def test_invite_calendar_refuses_what_is_not_an_invite(method, entry):
    with pytest.raises(ValueError):
        invite_calendar(entry, DEFAULT_NOW, method)


@pytest.mark.parametrize(
    "organizer", [PRACTICE_EMAIL, f"MAILTO:{PRACTICE_EMAIL}", f"Still Waters <{PRACTICE_EMAIL}>"]
)
def test_the_organizer_is_always_a_bare_mailto(organizer):
    entry = dataclasses.replace(ENTRY, organizer=organizer)
    body = invite_calendar(entry, DEFAULT_NOW, "REQUEST")
    assert f"ORGANIZER:mailto:{PRACTICE_EMAIL}\r\n".encode() in body


def test_an_invite_from_a_sender_with_a_display_name_matches_its_from_address():
    message = booking_messages(make_facts(practice_email=SENDER), Change.BOOKED, DEFAULT_NOW)[0]
    inline, _ = calendar_parts(on_the_wire(message))
    (event,) = Calendar.from_ical(inline.get_payload(decode=True)).walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{PRACTICE_EMAIL}"


def test_the_downloadable_calendar_is_unchanged_for_existing_callers():
    entry = CalendarEntry(
        uid=UID,
        sequence=1,
        start_utc=MONDAY,
        end_utc=MONDAY + timedelta(minutes=45),
        summary="Gentle first session with Maya",
        cancelled=True,
    )
    calendar = Calendar.from_ical(booking_calendar(entry, DEFAULT_NOW))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["STATUS"]) == "CANCELLED"
    assert "ORGANIZER" not in event
    assert "ATTENDEE" not in event
