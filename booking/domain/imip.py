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

import functools
import secrets
import sys
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import Policy
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr

from icalendar.parser import Contentlines

from booking.domain.ical import INVITE_METHODS
from booking.domain.messages import Outgoing

INVITE_FILENAME = "invite.ics"


class _FoldsOnce(BaseHeader):
    """A header that remembers how it is written out for each line length and ending."""

    def fold(self, *, policy: Policy) -> str:
        # What folding depends on besides the header itself (email._header_value_parser).
        key = (policy.max_line_length, policy.utf8, policy.linesep)
        folds = self.__dict__.setdefault("_folds", {})
        if key not in folds:
            folds[key] = super().fold(policy=policy)
        return folds[key]


class _HeadersParsedOnce(HeaderRegistry):
    """The standard header classes, with each distinct header parsed once.

    The standard registry makes a new class each time it is asked about a header (and it is
    asked again for every header set, to check how many there may be), then parses the value.
    An invite sets about 25 headers, most of them the same in every email (content types,
    transfer encodings, the sender): that was most of the time building one took. A parsed
    header is immutable, so one object serves every email that has it.
    """

    def __init__(self) -> None:
        super().__init__(base_class=_FoldsOnce)
        self._classes: dict[str, type[BaseHeader]] = {}
        self._parsed = functools.lru_cache(maxsize=1024)(super().__call__)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        if name not in self._classes:
            self._classes[name] = super().__getitem__(name)
        return self._classes[name]

    def __call__(self, name: str, value: object) -> BaseHeader:
        if type(value) is not str:  # e.g. an email.header.Header: not hashable
            return super().__call__(name, value)
        return self._parsed(name, value)


# The standard policy (the same bytes on the wire), only quicker.
POLICY = default_policy.clone(header_factory=_HeadersParsedOnce())


def _boundary(message: Outgoing) -> str:
    """A MIME boundary of the standard library's form that the message's texts do not contain
    (the calendar goes in base64, which cannot). Chosen here, because the standard generator,
    choosing one, compiles a regular expression for it: the slowest step in writing an email.
    """
    while True:
        boundary = f"{'=' * 15}{secrets.randbelow(sys.maxsize):019d}=="
        if boundary not in message.text and boundary not in message.html:
            return boundary


def imip_email(message: Outgoing, sender: str, message_id: str, sent_at: datetime) -> EmailMessage:
    """The email for `message`, from `sender`; `message_id` is kept so a retry is the same email."""
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be an aware datetime.")
    if not (message_id.startswith("<") and message_id.endswith(">")):
        raise ValueError("A Message-ID is written in angle brackets, as make_msgid() returns it.")
    email = EmailMessage(policy=POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(sent_at)
    email["Message-ID"] = message_id
    # Tells mail servers and autoresponders not to reply ("out of office") to this email.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text)
    email.make_alternative(boundary=_boundary(message))
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
    # The multipart/alternative becomes the first part of a multipart/mixed, the iMIP shape.
    email.make_mixed(boundary=_boundary(message))
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
    calendar_method, organizers = _method_and_organizers(calendar_bytes)
    if calendar_method.upper() != method:
        raise ValueError("The calendar's METHOD differs from the message's method.")
    (organizer,) = organizers  # an invite is about one event
    _, address = parseaddr(sender)
    if organizer.lower() != f"mailto:{address}".lower():
        raise ValueError(f"The sender {address!r} is not the organizer {organizer!r}.")
    return method


def _method_and_organizers(calendar_bytes: bytes) -> tuple[str, list[str]]:
    """The calendar's METHOD, and the ORGANIZER of each of its events ("" for none).

    Read line by line, parsing only the lines that say these: building the whole calendar
    took longer than writing the rest of the email.
    """
    method, organizers, inside = "", [], []
    for line in Contentlines.from_ical(calendar_bytes):
        name = line.split(":", 1)[0].split(";", 1)[0].upper()  # a name holds neither
        if name not in {"BEGIN", "END", "METHOD", "ORGANIZER"}:
            continue
        _, _, value = line.parts()
        if name == "BEGIN":
            inside.append(value.upper())
            if inside[-1] == "VEVENT":
                organizers.append("")
        elif name == "END":
            inside.pop()
        elif name == "METHOD" and inside == ["VCALENDAR"]:
            method = value
        elif name == "ORGANIZER" and inside[-1:] == ["VEVENT"]:
            organizers[-1] = value
    return method, organizers
