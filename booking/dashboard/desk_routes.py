"""Placeholder endpoints other pages link to; the desk work replaces this file."""

from __future__ import annotations

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.dashboard import bp


@bp.get("/bookings/<id:booking_id>")
@roles_required(*EVERY_ROLE)
def booking_detail(booking_id: int):
    """One booking: reschedule, cancel, attended or no-show."""
    return "coming soon"


@bp.get("/clients/<id:client_id>")
@roles_required(*EVERY_ROLE)
def client_page(client_id: int):
    """A client's page: details, bookings, intake status, check-in and follow-up answers."""
    return "coming soon"


@bp.get("/book")
@roles_required(*EVERY_ROLE)
def book_for_client():
    """Book on behalf of a client; ?practitioner=&service=&start= prefill the form."""
    return "coming soon"
