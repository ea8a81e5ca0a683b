"""Routes of the accounts area."""

from __future__ import annotations

from booking.domain.statuses import StaffRole

RULES: dict[str, frozenset[StaffRole]] = {}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = []


def seed(world) -> None:
    """Nothing to add."""


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """No POST routes here."""
    return {}
