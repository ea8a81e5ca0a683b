"""API views: read the request with a schema, make one service call, write the reply with a schema.

Errors (422, 409, 400, 415) are turned into JSON by booking/api/errors.py; 404, 405 and 413
by the site-wide handlers.
"""

from __future__ import annotations

from flask import Response, abort, current_app, make_response, request
from flask.typing import ResponseReturnValue

from booking.api import bp
from booking.api.errors import json_body
from booking.api.lookups import free_slots
from booking.api.openapi import openapi_document
from booking.api.replies import BookingReply
from booking.api.schemas import (
    AvailabilityQuery,
    BookingIn,
    BookingOut,
    CancelIn,
    ServiceList,
    SlotList,
)
from booking.clock import now_utc
from booking.services.booking import ClientDetails, book, cancel, find_by_token, new_manage_token
from booking.services.practice.catalogue import bookable_services
from booking.web import never_cache


@bp.get("/services")
def list_services() -> ResponseReturnValue:
    """The services clients can book, first visits first."""
    return ServiceList().dump({"services": bookable_services()})


@bp.get("/availability")
def availability() -> ResponseReturnValue:
    """Free start times for a service on a range of local dates."""
    query = AvailabilityQuery().load(request.args.to_dict())
    slots = free_slots(
        query["service"], query["start"], query["end"], query.get("practitioner"), now_utc()
    )
    return SlotList().dump({"slots": slots})


@bp.post("/bookings")
def create_booking() -> ResponseReturnValue:
    """Book a session; 201 with the booking and a Location header."""
    data = BookingIn().load(json_body())
    result = book(
        data["service"],
        data["start"],
        data.get("practitioner"),
        ClientDetails(**data["client"]),
        new_manage_token(),
        now_utc(),
    )
    reply = BookingReply(result.booking, result.manage_token)
    return _private(BookingOut().dump(reply), 201, {"Location": reply.api_url})


@bp.get("/bookings/<token>")
def show_booking(token: str) -> ResponseReturnValue:
    """The booking a manage token names; 404 (saying nothing more) for any other token."""
    booking = find_by_token(token)
    if booking is None:
        abort(404)
    return _private(BookingOut().dump(BookingReply(booking, token)))


@bp.post("/bookings/<token>/cancel")
def cancel_booking(token: str) -> ResponseReturnValue:
    """Cancel a session, free at any notice; cancelling again is fine."""
    data = CancelIn().load(json_body())
    try:
        booking = cancel(token, data.get("reason"), now_utc())
    except LookupError:
        abort(404)
    return _private(BookingOut().dump(BookingReply(booking, token)))


def _private(body: dict, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """An answer that carries a booking's manage link: never kept by any cache."""
    return never_cache(make_response(body, status, headers or {}))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """This API's OpenAPI document, generated from the schemas above."""
    return openapi_document(current_app)
