"""Routes of the waiting list at the desk: every role (it shows no clinical details)."""

from __future__ import annotations

from datetime import date, timedelta

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, WaitlistEntry
from tests.support import DEFAULT_NOW
from tests.support.route_rules.roles import EVERYONE

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.waitlist": EVERYONE,
    "dashboard.waitlist_entry": EVERYONE,
    "dashboard.waitlist_remove": EVERYONE,
    "dashboard.waitlist_add": EVERYONE,
    "dashboard.waitlist_add_save": EVERYONE,
}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.waitlist_entry", StaffRole.RECEPTION),
    ("dashboard.waitlist_remove", StaffRole.RECEPTION),
]
_SLUG: dict[str, str] = {}


def seed(world) -> None:
    """The world's client waits for another session like the one they have booked."""
    booking = db.session.get(Booking, world.booking_id)
    entry = WaitlistEntry(
        client_id=world.client_id,
        service_id=booking.service_id,
        until_date=date(2026, 12, 31),
        channel="phone",
        status="waiting",
        token_hash="0" * 64,
        token_sealed="",
        created_at=DEFAULT_NOW,
    )
    db.session.add(entry)
    db.session.flush()
    world.ids["entry_id"] = entry.id
    _SLUG["service"] = booking.service.slug


def form(endpoint: str, world, token: str) -> dict[str, str]:
    until = (DEFAULT_NOW + timedelta(days=20)).date().isoformat()
    return {
        "dashboard.waitlist_remove": {"reason": "asked on the phone"},
        "dashboard.waitlist_add_save": {
            "client": str(world.client_id),
            "service": _SLUG.get("service", ""),
            "practitioner": "",
            "channel": "phone",
            "until": until,
        },
    }.get(endpoint, {})
