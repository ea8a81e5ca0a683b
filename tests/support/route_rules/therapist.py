"""Routes of the therapist area: the therapist's day, notes, and admin's services and settings."""

from __future__ import annotations

from datetime import timedelta

from booking.domain.settings import fingerprint
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking
from booking.services.practice import services_admin, settings
from booking.services.staff.accounts import add_staff, find_staff
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_service
from tests.support.route_rules.roles import ADMIN_ONLY, CLINICAL
from tests.support.staff import EMAILS, PASSWORD

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.today": CLINICAL,
    "dashboard.session_note": CLINICAL,
    "dashboard.session_note_save": CLINICAL,
    "dashboard.agree_next": CLINICAL,
    "dashboard.client_timeline": CLINICAL,
    "dashboard.cover_client": CLINICAL,
    "dashboard.services_list": ADMIN_ONLY,
    "dashboard.service_new": ADMIN_ONLY,
    "dashboard.service_add": ADMIN_ONLY,
    "dashboard.service_edit": ADMIN_ONLY,
    "dashboard.service_save": ADMIN_ONLY,
    "dashboard.practice_settings": ADMIN_ONLY,
    "dashboard.practice_settings_save": ADMIN_ONLY,
}
ANSWERED_IN_PLACE: set[str] = set()
# The versions the forms were "opened" with, noted by seed(): a stale one is answered with 409.
_SEEN: dict[str, str] = {}
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.session_note", StaffRole.THERAPIST),
    ("dashboard.session_note_save", StaffRole.THERAPIST),
    ("dashboard.agree_next", StaffRole.THERAPIST),
    ("dashboard.client_timeline", StaffRole.THERAPIST),
    ("dashboard.cover_client", StaffRole.THERAPIST),
    ("dashboard.service_edit", StaffRole.ADMIN),
    ("dashboard.service_save", StaffRole.ADMIN),
]


def seed(world) -> None:
    """A session that took place yesterday (so a note may be written) and a service to edit."""
    booking = db.session.get(Booking, world.booking_id)
    # With a therapist of its own, so it can never overlap another area's seeded bookings.
    past = make_booking(client=booking.client, start_utc=DEFAULT_NOW - timedelta(days=1))
    world.ids["session_id"] = past.id
    # The therapist account sees this client's sessions: it is the client's therapist.
    therapist = find_staff(EMAILS[StaffRole.THERAPIST]) or add_staff(
        EMAILS[StaffRole.THERAPIST], StaffRole.THERAPIST, PASSWORD
    )
    therapist.practitioner = past.practitioner
    service = make_service(name="Quiet massage", slug="quiet-massage", description="")
    world.ids["service_id"] = service.id
    _SEEN["service"] = services_admin.version_of(service)
    _SEEN["settings"] = fingerprint(settings.current())


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """A valid form for each POST route."""
    if endpoint == "dashboard.session_note_save":
        return {
            "hands_on_minutes": "25",
            "pressure": "2",
            "helped": "Settled well; lighter on the shoulders next time.",
            "seen": "",
        }
    if endpoint == "dashboard.cover_client":
        return {"reason": "Covering Maya's Tuesday session while she is away."}
    if endpoint == "dashboard.agree_next":
        return {"hands_on_minutes": "25", "pressure": "2", "direction": "same"}
    if endpoint in ("dashboard.service_add", "dashboard.service_save"):
        return {
            "name": "Quiet massage",
            "slug": "quiet-massage" if endpoint == "dashboard.service_save" else "another-one",
            "description": "",
            "minutes": "50",
            "hands_on_minutes": "40",
            "buffer_before_minutes": "10",
            "buffer_after_minutes": "15",
            "active": "y",
            "order": "5",
            "seen": _SEEN["service"] if endpoint == "dashboard.service_save" else "",
        }
    if endpoint == "dashboard.practice_settings_save":
        return {
            "first_month_gap_days": "7",
            "min_notice_hours": "24",
            "max_advance_days": "90",
            "reminder_local_time": "10:00",
            "followup_hours": "48",
            "intake_nudge_days": "3",
            "default_quiet_from": "",
            "default_quiet_until": "",
            "embed_origins": "",
            "seen": _SEEN["settings"],
        }
    return {}
