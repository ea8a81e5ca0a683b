"""Messages as MIME emails, with calendar invites in the iMIP shape (RFC 6047) calendars expect.

    multipart/mixed
      multipart/alternative
        text/plain
        text/html
        text/calendar; method=REQUEST|CANCEL; charset=utf-8   (calendars act on this part)
      application/ics; name=invite.ics                       (the same bytes, for the rest)

The calendar bytes go in base64 so their CRLF line endings arrive exactly as icalendar wrote
them: the email generator rewrites line endings in any text part it is allowed to.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from icalendar import Calendar

from booking.domain.ical import INVITE_METHODS
from booking.domain.messages import Outgoing

INVITE_FILENAME = "invite.ics"


def imip_email(message: Outgoing, sender: str, message_id: str, sent_at: datetime) -> EmailMessage:
    """The email for `message`, from `sender`; `message_id` is kept so a retry is the same email."""
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be an aware datetime.")
    if not (message_id.startswith("<") and message_id.endswith(">")):
        raise ValueError("A Message-ID is written in angle brackets, as make_msgid() returns it.")
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(sent_at)
    email["Message-ID"] = message_id
    # Tells mail servers and autoresponders not to reply ("out of office") to this email.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    if message.calendar is None:
        return email

    method = _checked_method(message.calendar, message.method, sender)
    email.add_alternative(
        message.calendar,
        "text",
        "calendar",
        cte="base64",
        params={"method": method, "charset": "utf-8"},
    )
    # Adding an attachment turns the multipart/alternative into the first part of a
    # multipart/mixed, which is the iMIP shape.
    email.add_attachment(
        message.calendar, "application", "ics", cte="base64", filename=INVITE_FILENAME
    )
    return email


def _checked_method(calendar_bytes: bytes, method: str | None, sender: str) -> str:
    """The invite's method, after checking it matches the calendar and the sender organizes it.

    Calendars drop an invite whose METHOD differs from the part's method parameter, and treat
    one whose ORGANIZER is not the From address as forged.
    """
    if (method or "").upper() not in INVITE_METHODS:
        raise ValueError(f"An invite needs a method of REQUEST or CANCEL, not {method!r}.")
    method = method.upper()
    calendar = Calendar.from_ical(calendar_bytes)
    if str(calendar.get("METHOD", "")).upper() != method:
        raise ValueError("The calendar's METHOD differs from the message's method.")
    (event,) = calendar.walk("VEVENT")
    organizer = str(event.get("ORGANIZER", ""))
    _, address = parseaddr(sender)
    if organizer.lower() != f"mailto:{address}".lower():
        raise ValueError(f"The sender {address!r} is not the organizer {organizer!r}.")
    return method
