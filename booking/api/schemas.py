"""What the API reads and writes. The OpenAPI document is generated from these same schemas."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from booking.api.fields import Email, Identifier, LocalDate, OffsetDateTime, Phone, PlainText
from booking.domain.statuses import BookingStatus
from booking.services.booking import CANCEL_REASONS

MAX_AVAILABILITY_DAYS = 92

# --- Requests: unknown fields are refused, so a misspelt field is never silently ignored ----


class Request(Schema):
    """A request body or query: every message is one a person can act on."""

    class Meta:
        unknown = RAISE

    error_messages: ClassVar[dict[str, str]] = {
        "type": "Please send a JSON object.",
        "unknown": "We do not know this field. Please check its spelling, or leave it out.",
    }


def required(message: str) -> dict[str, str]:
    """Error messages for a required field, in our words."""
    return {"required": message, "null": message}


class AvailabilityQuery(Request):
    """The query string of GET /availability."""

    class Meta:
        unknown = EXCLUDE  # e.g. a cache-busting parameter added by a browser

    service = PlainText(
        max_length=80,
        required=True,
        error_messages=required("Please choose a service."),
        metadata={
            "description": "The service's slug, from GET /services.",
            "example": "gentle-massage",
        },
    )
    start = LocalDate(
        required=True,
        error_messages=required("Please give the first date to look at, like 2026-11-23."),
        metadata={
            "description": "First local date (inclusive), in the practice's time zone.",
            "example": "2026-11-23",
        },
    )
    end = LocalDate(
        required=True,
        error_messages=required("Please give the last date to look at, like 2026-11-27."),
        metadata={
            "description": (
                "Last local date (inclusive); the range covers at most "
                f"{MAX_AVAILABILITY_DAYS} days."
            ),
            "example": "2026-11-27",
        },
    )
    practitioner = Identifier(
        in_query=True,
        metadata={"description": "Only this therapist's times. Leave out for anyone."},
    )

    @validates_schema
    def dates_in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """The end date comes on or after the start date, and the range is not too long."""
        if data["end"] < data["start"]:
            raise ValidationError("The last date is before the first date.", field_name="end")
        if data["end"] - data["start"] >= timedelta(days=MAX_AVAILABILITY_DAYS):
            raise ValidationError(
                f"Please ask for at most {MAX_AVAILABILITY_DAYS} days at a time.",
                field_name="end",
            )


class ClientIn(Request):
    """Who the session is for; an email address or a phone number (or both)."""

    error_messages: ClassVar[dict[str, str]] = {
        "type": "Please send the client's details as an object: a name, and an email or phone.",
    }

    name = PlainText(
        max_length=120,
        required=True,
        error_messages=required("Please give the name of the person coming."),
        metadata={"example": "Sam Rivers"},
    )
    email = Email(allow_none=True, metadata={"example": "sam@example.com"})
    phone = Phone(
        allow_none=True,
        metadata={"description": "Any common UK or international form.", "example": "07700 900123"},
    )

    @validates_schema
    def reachable(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """We need one way to reach the client about their session."""
        if not data.get("email") and not data.get("phone"):
            raise ValidationError(
                "Please give an email address or a phone number, so we can reach you "
                "about the session.",
                field_name="email",
            )


class BookingIn(Request):
    """The body of POST /bookings."""

    service = PlainText(
        max_length=80,
        required=True,
        error_messages=required("Please choose a service."),
        metadata={"description": "The service's slug.", "example": "first-gentle-session"},
    )
    start = OffsetDateTime(
        required=True,
        error_messages=required("Please choose a time."),
        metadata={
            "description": "One of the start times from GET /availability, with its offset.",
            "example": "2026-11-23T10:15:00+00:00",
        },
    )
    practitioner = Identifier(
        allow_none=True,
        metadata={"description": "A therapist's id; leave out (or null) for anyone free."},
    )
    client = fields.Nested(
        ClientIn,
        required=True,
        error_messages=required(
            "Please tell us who the session is for: a name, and an email or phone."
        ),
    )


REASON_CHOICES = "Please choose one of: " + ", ".join(CANCEL_REASONS) + ", or leave it out."


class CancelIn(Request):
    """The optional body of POST /bookings/{token}/cancel."""

    reason = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(CANCEL_REASONS), error=REASON_CHOICES),
        error_messages={"invalid": REASON_CHOICES},
        metadata={
            "description": "Why, if you would like to say. Never counted against anyone.",
        },
    )


# --- Replies: more fields may be added later, so their documents allow extra properties -----


class Reply(Schema):
    """A response body."""

    class Meta:
        unknown = EXCLUDE


class Practitioner(Reply):
    """A therapist, as the API shows them."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class Service(Reply):
    """A bookable service."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    minutes = fields.Integer(required=True, metadata={"description": "The booked length."})
    hands_on_minutes = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Massage time within it."}
    )
    first_visit = fields.Boolean(
        required=True, metadata={"description": "The service a new client starts with."}
    )
    home_visit = fields.Boolean(required=True)


class ServiceList(Reply):
    """GET /services."""

    services = fields.List(fields.Nested(Service), required=True)


class ServiceRef(Reply):
    """The service a booking is for."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    minutes = fields.Integer(required=True)


class Slot(Reply):
    """A free start time; `practitioner` is the first therapist free for it."""

    start = OffsetDateTime(required=True)
    end = OffsetDateTime(required=True)
    practitioner = fields.Nested(Practitioner, required=True)


class SlotList(Reply):
    """GET /availability."""

    slots = fields.List(fields.Nested(Slot), required=True)


class BookingOut(Reply):
    """A booking, as its manage link's holder sees it. Read from a `BookingReply`."""

    id = fields.Integer(required=True, attribute="booking.id")
    status = fields.Enum(
        BookingStatus,
        by_value=True,
        required=True,
        attribute="booking.status",
        metadata={"type": "string"},
    )
    start = OffsetDateTime(required=True, attribute="booking.start_utc")
    end = OffsetDateTime(required=True, attribute="booking.end_utc")
    practitioner = fields.Nested(Practitioner, required=True, attribute="booking.practitioner")
    service = fields.Nested(ServiceRef, required=True, attribute="booking.service")
    manage_url = fields.String(
        required=True, metadata={"format": "uri", "description": "The client's private page."}
    )
    ics_url = fields.String(
        required=True, metadata={"format": "uri", "description": "The session as a calendar file."}
    )


class Error(Reply):
    """Something went wrong with the request as a whole."""

    error = fields.String(required=True)
    detail = fields.String()
    status = fields.Integer()


class TimeConflict(Error):
    """The time is taken or not offered; nearby free times to choose from instead."""

    alternatives = fields.List(fields.Nested(Slot), required=True)


class ValidationErrors(Reply):
    """Messages per field; nested fields are named with dots, such as `client.email`."""

    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"example": {"client.email": ["This email address does not look complete."]}},
    )
