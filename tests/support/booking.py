"""Booking as a client does online, through the booking service, and reading the booking back
by its manage token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking
from booking.services import booking as bookings
from tests.support import DEFAULT_NOW

# The demo practice's first free time after DEFAULT_NOW: Monday 23 November 2026, 10:15 in
# London (GMT), once Maya's 10:00 start and the first session's rest are allowed for.
MONDAY = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


def book_as_client(
    app, start: datetime = MONDAY, slug: str = "first-gentle-session", now=DEFAULT_NOW, **details
) -> str:
    """Book a session with any therapist; returns the manage token. `details` are ClientDetails
    fields: Ann Smith, by email, unless told otherwise."""
    client: dict[str, Any] = {"name": "Ann Smith", "email": "ann@example.com"} | details
    with app.app_context():
        token = bookings.new_manage_token()
        bookings.book(slug, start, None, bookings.ClientDetails(**client), token, now)
        return token


def booking_for(app, token: str) -> Booking:
    """The booking behind a manage token as stored now, detached to read after the context."""
    with app.app_context():
        query = select(Booking).where(Booking.manage_token_hash == bookings.token_hash(token))
        booking = db.session.scalars(query).one()
        db.session.expunge(booking)
        return booking
