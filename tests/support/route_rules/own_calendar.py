"""Routes of the own-calendar page: a therapist's own, admin's for anyone, never reception."""

from __future__ import annotations

from booking.domain.statuses import StaffRole
from tests.support.route_rules.roles import CLINICAL

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.own_calendar": CLINICAL,
    "dashboard.own_calendar_save": CLINICAL,
    "dashboard.own_calendar_read": CLINICAL,
    "dashboard.own_calendar_remove": CLINICAL,
}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = []


def seed(world) -> None:
    """Nothing of its own: the therapist area links the therapist's account to a diary."""


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """The admin names whose calendar; a therapist's is always their own."""
    data = {"practitioner": str(world.practitioner_id)}
    if endpoint == "dashboard.own_calendar_save":
        data["address"] = "https://calendar.example.test/private-abc/basic.ics"
    return data
