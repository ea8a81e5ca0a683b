"""How the API says no: JSON bodies it cannot read, invalid fields, and booking rules.

Shapes: `{"errors": {field: [messages]}}` (422) for anything a person can correct field by
field; `{"error": message, "alternatives": [slots]}` (409) when a time is not free; and
`{"error", "detail", "status"}` for problems with the request as a whole (400, 404, 415...).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from booking.api import bp
from booking.api.replies import named_slots
from booking.api.schemas import Error, TimeConflict, ValidationErrors
from booking.clock import practice_zone
from booking.services.booking import (
    BookingError,
    FirstVisitFirst,
    NotChangeable,
    TimeNotOffered,
    TooClose,
)
from booking.services.booking.availability import active_practitioners

WHOLE_BODY = "body"  # the field name for problems with the body as a whole


class BodyProblem(Exception):
    """The request body could not be read as JSON at all."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail


def json_body() -> Any:
    """The request's JSON body ({} when empty); BodyProblem when it is not sent as JSON.

    Content-Type: application/json is required even for an empty body: a page on another
    site can send a form (urlencoded, multipart, text/plain) to any address without asking,
    but JSON only after a CORS preflight, which this API never answers.
    """
    if not request.is_json:
        raise BodyProblem(
            415,
            "Please send JSON",
            "Send the body as JSON, with the header Content-Type: application/json.",
        )
    data = request.get_data(cache=True)
    if not data.strip():
        return {}
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise BodyProblem(
            400,
            "We could not read that JSON",
            "The body is not valid JSON. Please check its brackets, quotes and commas.",
        ) from None


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested messages as `{"client.email": [...]}`; whole-object ones go to the parent."""
    if not isinstance(messages, Mapping):
        items = messages if isinstance(messages, list) else [messages]
        return {prefix or WHOLE_BODY: [str(item) for item in items]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        for field, texts in flatten(value, name).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def field_errors(errors: dict[str, list[str]]) -> ResponseReturnValue:
    """A 422 with messages per field."""
    return ValidationErrors().dump({"errors": errors}), 422


@bp.errorhandler(BodyProblem)
def unreadable_body(problem: BodyProblem) -> ResponseReturnValue:
    """400 or 415, in the same shape as the site's other HTTP errors."""
    body = {"error": problem.error, "detail": problem.detail, "status": problem.status}
    return Error().dump(body), problem.status


@bp.errorhandler(ValidationError)
def invalid_fields(error: ValidationError) -> ResponseReturnValue:
    """422 with each field's messages."""
    return field_errors(flatten(error.messages))


@bp.errorhandler(BookingError)
def refused(problem: BookingError) -> ResponseReturnValue:
    """A booking rule said no: 422, next to the field it is about."""
    return field_errors({problem.field: [problem.message]})


@bp.errorhandler(FirstVisitFirst)
def first_visit_first(problem: FirstVisitFirst) -> ResponseReturnValue:
    """422 on `service`, naming the service to book first."""
    messages = [problem.message]
    first = problem.first_visit_service
    if first is not None:
        messages.append(f'Please book "{first.name}" (service "{first.slug}") first.')
    return field_errors({problem.field: messages})


@bp.errorhandler(TooClose)
def too_close(problem: TooClose) -> ResponseReturnValue:
    """422 on `start`, saying when the next session could be."""
    zone = practice_zone()
    other = problem.clash.other_start.astimezone(zone)
    earliest = problem.clash.earliest_after.astimezone(zone)
    days = problem.clash.gap.days
    messages = [
        problem.message,
        f"In your first month, sessions are kept at least {days} days apart so each can "
        f"settle. Your other session starts at {other.isoformat()}; the earliest time after "
        f"it is {earliest.isoformat()}.",
    ]
    return field_errors({problem.field: messages})


@bp.errorhandler(TimeNotOffered)
def time_not_free(problem: TimeNotOffered) -> ResponseReturnValue:
    """409 with nearby free times to choose from."""
    alternatives = named_slots(problem.alternatives, active_practitioners())
    return TimeConflict().dump({"error": problem.message, "alternatives": alternatives}), 409


@bp.errorhandler(NotChangeable)
def not_changeable(problem: NotChangeable) -> ResponseReturnValue:
    """409: the session has started, ended or been cancelled."""
    return Error().dump({"error": problem.message, "status": 409}), 409
