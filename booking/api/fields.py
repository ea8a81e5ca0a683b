"""Marshmallow fields for the API: strict dates and times, safe plain text, contact details.

Each field refuses what the database or the date arithmetic behind it could not take (NUL
characters, lone surrogates, years far outside any diary), so no input reaches a 500.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from marshmallow import ValidationError, fields

from booking.clock import practice_zone
from booking.domain.contact import ContactError, normalise_email, normalise_phone

# Dates and times are checked against these years, far wider than any booking window.
FIRST_YEAR = 2000
LAST_YEAR = 2999
LARGEST_ID = 2**31 - 1  # the database's integer columns

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?"
    r"(?P<offset>Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?"
)
_DIGITS = re.compile(r"[0-9]{1,10}")
# Control characters (tabs and newlines included) have no place in a name or a slug.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class PlainText(fields.String):
    """One line of text: trimmed, at most `max_length` characters as sent, no control characters."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Please send this as text.",
        "too_long": "This is too long. Please keep it to {max_length} characters.",
        "control": "This contains characters we cannot store. Please type it again.",
        "blank": "Please fill this in.",
    }

    def __init__(self, *, max_length: int, blank: bool = False, **kwargs: Any) -> None:
        metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
        if not blank:
            metadata.setdefault("minLength", 1)
        super().__init__(metadata=metadata, **kwargs)
        self.max_length = max_length
        self.blank = blank

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if len(value) > self.max_length:
            raise self.make_error("too_long", max_length=self.max_length)
        if _CONTROL.search(value) or not _encodable(value):
            raise self.make_error("control")
        text = value.strip()
        if not text:
            if self.blank:
                return None
            raise self.make_error("blank")
        return text


def _encodable(text: str) -> bool:
    """False for lone surrogates, which JSON allows but no database can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Email(PlainText):
    """An email address, checked and normalised; blank means none."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"format": "email", **kwargs.pop("metadata", {})}
        super().__init__(max_length=254, blank=True, metadata=metadata, **kwargs)
        self.error_messages["too_long"] = (
            "This email address is too long. Please check it (at most 254 characters)."
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is None:
            return None
        try:
            address = normalise_email(text)
        except ContactError as problem:
            raise ValidationError(str(problem)) from None
        if len(address) > self.max_length:
            raise self.make_error("too_long")
        return address


class Phone(PlainText):
    """A phone number in any common UK or international form, stored as +447700900123."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, blank=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is None:
            return None
        try:
            return normalise_phone(text)
        except ContactError as problem:
            raise ValidationError(str(problem)) from None


class Identifier(fields.Integer):
    """A row id: a whole number from 1; a JSON number, or digits in a query string."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Please give the number of the therapist, for example 1.",
        "too_large": "We do not know that number. Please check it.",
    }

    def __init__(self, *, in_query: bool = False, **kwargs: Any) -> None:
        metadata = {"minimum": 1, "maximum": LARGEST_ID, **kwargs.pop("metadata", {})}
        super().__init__(strict=True, metadata=metadata, **kwargs)
        self.in_query = in_query

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if self.in_query and isinstance(value, str):
            if not _DIGITS.fullmatch(value):
                raise self.make_error("invalid")
            value = int(value)
        number = super()._deserialize(value, attr, data, **kwargs)
        if not 1 <= number <= LARGEST_ID:
            raise self.make_error("too_large")
        return number


class LocalDate(fields.Date):
    """A calendar date written YYYY-MM-DD."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Please give a date like 2026-11-23 (year, month, day).",
        "range": f"Please give a date between {FIRST_YEAR} and {LAST_YEAR}.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise self.make_error("range")
        return day


class OffsetDateTime(fields.DateTime):
    """A moment written in ISO 8601 with its offset; read as UTC, written in the practice's zone."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Please give a date and time like 2026-11-23T10:15:00+00:00.",
        "naive": (
            "Please add the time zone offset, so we know exactly when you mean: for example "
            "2026-11-23T10:15:00+00:00 in winter or 2026-06-15T10:15:00+01:00 in summer."
        ),
        "range": f"Please give a time between {FIRST_YEAR} and {LAST_YEAR}.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        match = _DATE_TIME.fullmatch(value.upper())
        if match is None:
            raise self.make_error("invalid")
        if match["offset"] is None:
            raise self.make_error("naive")
        try:
            moment = datetime.fromisoformat(match[0]).astimezone(UTC)
        except (ValueError, OverflowError):
            raise self.make_error("invalid") from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise self.make_error("range")
        return moment

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any):
        if value is None:
            return None
        return value.astimezone(practice_zone()).isoformat()
