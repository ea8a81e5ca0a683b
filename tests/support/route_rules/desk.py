"""Routes of the desk area: bookings by staff, clients, failed messages, export."""

from __future__ import annotations

from datetime import timedelta

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking
from booking.services.booking.staff_bookings import version_of
from tests.support import DEFAULT_NOW
from tests.support.factories import make_failed_message
from tests.support.route_rules.roles import DESK, EVERYONE

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.booking_detail": EVERYONE,
    "dashboard.booking_attended": EVERYONE,
    "dashboard.booking_no_show": EVERYONE,
    "dashboard.booking_cancel_form": EVERYONE,
    "dashboard.booking_cancel": EVERYONE,
    "dashboard.booking_move_times": EVERYONE,
    "dashboard.booking_move_confirm": EVERYONE,
    "dashboard.booking_move": EVERYONE,
    "dashboard.book_for_client": EVERYONE,
    "dashboard.book_for_client_save": EVERYONE,
    "dashboard.clients": EVERYONE,
    "dashboard.client_page": EVERYONE,
    "dashboard.outbox_failed": DESK,
    "dashboard.outbox_retry": DESK,
    "dashboard.outbox_retry_all": DESK,
    "dashboard.export_bookings": DESK,
}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.booking_detail", StaffRole.RECEPTION),
    ("dashboard.booking_attended", StaffRole.RECEPTION),
    ("dashboard.booking_no_show", StaffRole.THERAPIST),
    ("dashboard.booking_cancel_form", StaffRole.RECEPTION),
    ("dashboard.booking_cancel", StaffRole.ADMIN),
    ("dashboard.booking_move_times", StaffRole.RECEPTION),
    ("dashboard.booking_move_confirm", StaffRole.RECEPTION),
    ("dashboard.booking_move", StaffRole.RECEPTION),
    ("dashboard.client_page", StaffRole.RECEPTION),
    ("dashboard.outbox_retry", StaffRole.RECEPTION),
]


def seed(world) -> None:
    """A failed message to send again, and the booking's version for the change forms."""
    booking = db.session.get(Booking, world.booking_id)
    message = make_failed_message(booking.id, recipient="desk@example.test")
    world.ids["message_id"] = message.id
    world.ids["desk_version"] = version_of(booking)


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """Valid forms: each change carries the booking's version as the page showed it."""
    version = str(world.ids.get("desk_version", ""))
    # Far enough from the client's other sessions for the first month's pacing rule.
    paced = (DEFAULT_NOW + timedelta(days=10)).date().isoformat()
    return {
        "dashboard.booking_attended": {"attended-csrf_token": token, "attended-version": version},
        "dashboard.booking_no_show": {"no_show-csrf_token": token, "no_show-version": version},
        "dashboard.booking_cancel": {"version": version, "reason": "unwell", "note": ""},
        "dashboard.booking_move": {
            "version": version,
            "outside_hours": "y",
            "day": paced,
            "time": "19:00",
            "reason": "only free in the evening",
        },
        "dashboard.book_for_client_save": {
            "client": str(world.client_id),
            "service": "",
            "practitioner": str(world.practitioner_id),
            "day": paced,
            "outside_hours": "y",
            "outside_time": "20:00",
            "outside_reason": "agreed on the phone",
        },
    }.get(endpoint, {})
