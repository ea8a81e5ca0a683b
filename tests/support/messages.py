"""The facts of one session that the booking emails and calendar invites are made from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from booking.domain.messages import Outgoing, SessionFacts

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
UID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427@booking"
THERAPIST_EMAIL = "maya@stillwaters.example"
PRACTICE_EMAIL = "hello@stillwaters.example"


def make_facts(**overrides: Any) -> SessionFacts:
    """A first 45-minute session for Ann Smith at the studio, any field overridable."""
    start = overrides.pop("start_utc", MONDAY)
    defaults: dict[str, Any] = {
        "uid": UID,
        "sequence": 0,
        "start_utc": start,
        "end_utc": start + timedelta(minutes=overrides.get("minutes", 45)),
        "zone": LONDON,
        "service_name": "Gentle first session",
        "minutes": 45,
        "hands_on_minutes": 30,
        "home_visit": False,
        "first_visit": True,
        "practitioner_name": "Maya",
        "practitioner_email": THERAPIST_EMAIL,
        "client_first_name": "Ann",
        "client_email": "ann@example.com",
        "practice_name": "Still Waters Massage",
        "practice_email": PRACTICE_EMAIL,
        "practice_phone": "0117 496 0123",
        "practice_address": "12 Mill Lane, Bristol BS1 4AA",
        # A real-length token, so calendar lines are long enough to need folding.
        "manage_url": "https://book.stillwaters.example/manage/" + "k" * 43,
        "dashboard_url": "https://book.stillwaters.example/dashboard/bookings/17",
        "held": False,
    }
    return SessionFacts(**(defaults | overrides))


def confirmation(n: int) -> Outgoing:
    """A plain numbered confirmation email, for tests of the outbox itself."""
    return Outgoing(
        kind="client_confirmation",
        recipient=f"client{n}@example.com",
        subject=f"Booked {n}",
        text=f"Booked {n}.",
        html=f"<p>Booked {n}.</p>",
        calendar=None,
        method=None,
    )
