"""Routes of a client's data rights: a copy of everything held, and erasure (admin only)."""

from __future__ import annotations

from booking.domain.statuses import StaffRole
from tests.support.route_rules.roles import ADMIN_ONLY

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.client_export": ADMIN_ONLY,
    "dashboard.client_erase": ADMIN_ONLY,
}
# The export answers with the zip itself.
ANSWERED_IN_PLACE = {"dashboard.client_export"}
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.client_export", StaffRole.ADMIN),
    ("dashboard.client_erase", StaffRole.ADMIN),
]


def seed(world) -> None:
    """Nothing more: the world's client has a session tomorrow, so erasure is refused (and
    the other routes keep their client)."""


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """Erasure needs the box ticked."""
    return {"confirm": "y"} if endpoint == "dashboard.client_erase" else {}
