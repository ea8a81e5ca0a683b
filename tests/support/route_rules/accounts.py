"""Routes of the accounts area: the admin's staff account pages and the audit trail."""

from __future__ import annotations

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.services.staff.accounts import add_staff
from tests.support.route_rules.roles import ADMIN_ONLY

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.staff_list": ADMIN_ONLY,
    "dashboard.staff_add": ADMIN_ONLY,
    "dashboard.staff_create": ADMIN_ONLY,
    "dashboard.staff_edit": ADMIN_ONLY,
    "dashboard.staff_change": ADMIN_ONLY,
    "dashboard.staff_password": ADMIN_ONLY,
    "dashboard.staff_deactivate": ADMIN_ONLY,
    "dashboard.staff_reactivate": ADMIN_ONLY,
    "dashboard.staff_reset_second_factor": ADMIN_ONLY,
    "dashboard.audit_trail": ADMIN_ONLY,
}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.staff_edit", StaffRole.ADMIN),
    ("dashboard.staff_change", StaffRole.ADMIN),
    ("dashboard.staff_password", StaffRole.ADMIN),
    ("dashboard.staff_deactivate", StaffRole.ADMIN),
    ("dashboard.staff_reactivate", StaffRole.ADMIN),
    ("dashboard.staff_reset_second_factor", StaffRole.ADMIN),
]
NEW_PASSWORD = "a long walk on a grey morning"


def seed(world) -> None:
    """A reception account for the admin to change: world.ids["staff_id"]."""
    user = add_staff("desk.cover@practice.test", StaffRole.RECEPTION, NEW_PASSWORD)
    db.session.flush()
    world.ids["staff_id"] = user.id


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """A valid form for each POST route (prefixed fields as the edit page sends them)."""
    data = {f"{prefix}-csrf_token": token for prefix in ("change", "password", "switch")}
    if endpoint == "dashboard.staff_create":
        return {
            "email": "new.starter@example.com",
            "role": "therapist",
            "practitioner": str(world.practitioner_id),
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        }
    if endpoint == "dashboard.staff_change":
        return data | {"change-role": "therapist", "change-practitioner": ""}
    if endpoint == "dashboard.staff_password":
        return data | {"password-password": NEW_PASSWORD, "password-password_again": NEW_PASSWORD}
    return data
