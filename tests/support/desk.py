"""The demo practice at the desk: Maya's first Monday slot, booking through the staff form, and
reading a booking back."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking, Practitioner, Service
from booking.services.booking.staff_bookings import version_of
from tests.support.factories import make_booking, make_client
from tests.support.pages import csrf_token

MONDAY = "2026-11-23"
MONDAY_FIRST_SLOT = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)  # Maya opens at 10:00 (+ rest)
FIRST = "first-gentle-session"


def maya_id(app) -> int:
    """The demo practice's Maya Okafor."""
    with app.app_context():
        return db.session.scalar(select(Practitioner.id).where(Practitioner.name == "Maya Okafor"))


def book_at_desk(desk, app, *, service=FIRST, day=MONDAY, start=None, client_id=None, **fields):
    """Open the booking page (for its form key), then send the form as reception would."""
    practitioner = maya_id(app)
    query = {"service": service, "practitioner": practitioner, "day": day}
    if client_id:
        query["client"] = client_id
    page = desk.get("/dashboard/book", query_string=query)
    key = re.search(
        r'name="booking_key" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    data = {
        "csrf_token": csrf_token(page),
        "booking_key": key[1] if key else "",
        "client": str(client_id or ""),
        "service": service,
        "practitioner": str(practitioner),
        "day": day,
        "start": start.isoformat() if start else "",
    }
    if not client_id:
        data |= {"name": "Ann Phone", "phone": "07700 900123"}
    return desk.post("/dashboard/book", data=data | fields)


def book_outside_hours(desk, app, time: str, reason: str, *, day=MONDAY, **fields):
    """Send the desk form with "book outside opening hours" ticked, for `time` on `day`."""
    return book_at_desk(
        desk, app, day=day, outside_hours="y", outside_time=time, outside_reason=reason, **fields
    )


def first_session_with_maya(app, client_name: str) -> int:
    """A confirmed first session with Maya on Monday at 10:15 for a new client; its id."""
    with app.app_context():
        booking = make_booking(
            client=make_client(name=client_name, email="dee@example.com"),
            practitioner=db.session.scalars(
                select(Practitioner).where(Practitioner.name == "Maya Okafor")
            ).one(),
            service=db.session.scalars(select(Service).where(Service.slug == FIRST)).one(),
            start_utc=MONDAY_FIRST_SLOT,
        )
        db.session.commit()
        return booking.id


def booking_version(app, booking_id: int) -> str:
    """The version a staff form for this booking carries."""
    with app.app_context():
        return version_of(db.session.get(Booking, booking_id))


def stored_booking(app, booking_id: int) -> Booking:
    """The booking as stored now, detached so its columns can be read afterwards."""
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        db.session.expunge(booking)
        return booking
