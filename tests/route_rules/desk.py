"""Routes of the desk area."""

from __future__ import annotations

from booking.domain.statuses import StaffRole

EVERYONE = frozenset(StaffRole)
RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.booking_detail": EVERYONE,
    "dashboard.client_page": EVERYONE,
    "dashboard.book_for_client": EVERYONE,
}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.booking_detail", StaffRole.RECEPTION),
    ("dashboard.client_page", StaffRole.RECEPTION),
]


def seed(world) -> None:
    """Nothing to add."""


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """No POST routes here."""
    return {}
