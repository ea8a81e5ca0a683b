"""Routes of the diary area: the diary (everyone), the slots overview (everyone), and changing
hours, openings and closures (reception and admin)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Practitioner
from tests.support import DEFAULT_NOW
from tests.support.factories import make_closure, make_opening, open_weekdays
from tests.support.route_rules.roles import DESK, EVERYONE

RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.diary": EVERYONE,
    "dashboard.slots_overview": EVERYONE,
    "dashboard.slots_hours": DESK,
    "dashboard.slots_hours_send": DESK,
    "dashboard.slots_opening": DESK,
    "dashboard.slots_opening_send": DESK,
    "dashboard.slots_opening_remove": DESK,
    "dashboard.slots_opening_remove_send": DESK,
    "dashboard.slots_closure": DESK,
    "dashboard.slots_closure_send": DESK,
    "dashboard.slots_closure_remove": DESK,
    "dashboard.slots_closure_remove_send": DESK,
}
ANSWERED_IN_PLACE: set[str] = set()
ID_ROUTES: list[tuple[str, StaffRole]] = [
    ("dashboard.slots_hours", StaffRole.RECEPTION),
    ("dashboard.slots_hours_send", StaffRole.RECEPTION),
    ("dashboard.slots_opening_remove", StaffRole.RECEPTION),
    ("dashboard.slots_opening_remove_send", StaffRole.ADMIN),
    ("dashboard.slots_closure_remove", StaffRole.RECEPTION),
    ("dashboard.slots_closure_remove_send", StaffRole.ADMIN),
]

# Far from every other area's bookings, so no session is touched and each save goes through.
HOURS = {"effective_from": "2028-06-05"} | {
    day: "08:00-20:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
OPENING = {"day": "2027-03-06", "start": "10:00", "end": "13:00", "note": ""}
CLOSURE = {
    "start_day": "2027-03-10",
    "start_time": "",
    "end_day": "",
    "end_time": "",
    "reason": "Training day",
}
# The fingerprint each save sends back, worked out from the seeded world (see seed()).
_CHECKED: dict[str, str] = {}


def seed(world) -> None:
    """Weekly hours, an extra opening and a closure for the world's therapist; the previews."""
    from booking.clock import practice_zone
    from booking.domain import slots as rules
    from booking.domain.availability import Span
    from booking.services.practice import slots

    practitioner = db.session.get(Practitioner, world.practitioner_id)
    open_weekdays(practitioner)
    opening = make_opening(
        practitioner,
        datetime(2026, 12, 5, 10, tzinfo=UTC),
        datetime(2026, 12, 5, 13, tzinfo=UTC),
    )
    closure = make_closure(
        datetime(2026, 12, 24, tzinfo=UTC), datetime(2026, 12, 27, tzinfo=UTC), reason="Christmas"
    )
    db.session.flush()
    world.ids["opening_id"] = opening.id
    world.ids["closure_id"] = closure.id
    zone, today = practice_zone(), DEFAULT_NOW.date()
    plan = {index: rules.parse_windows("08:00-20:00") for index in range(7)}
    _CHECKED["hours"] = slots.preview_hours(
        world.practitioner_id, plan, date(2028, 6, 5), DEFAULT_NOW
    ).token
    span = rules.opening_span(date(2027, 3, 6), time(10), time(13), zone, today, DEFAULT_NOW)
    _CHECKED["opening"] = slots.preview_opening(world.practitioner_id, span, "", DEFAULT_NOW).token
    whole_day = rules.closure_span(date(2027, 3, 10), None, None, None, zone, today, DEFAULT_NOW)
    assert isinstance(whole_day, Span)
    _CHECKED["closure"] = slots.preview_closure(
        world.practitioner_id, whole_day, "Training day", DEFAULT_NOW
    ).token
    _CHECKED["remove_opening"] = slots.preview_opening_removal(opening.id, DEFAULT_NOW).token
    _CHECKED["remove_closure"] = slots.preview_closure_removal(closure.id, DEFAULT_NOW).token


def form(endpoint: str, world, token: str) -> dict[str, str]:
    """A valid save for each POST route, as if sent from its preview."""
    if endpoint == "dashboard.slots_opening_remove_send":
        return {"checked": _CHECKED["remove_opening"]}
    if endpoint == "dashboard.slots_closure_remove_send":
        return {"checked": _CHECKED["remove_closure"]}
    if endpoint == "dashboard.slots_hours_send":
        return HOURS | {"checked": _CHECKED["hours"], "action": "save"}
    if endpoint == "dashboard.slots_opening_send":
        return OPENING | {
            "practitioner": str(world.practitioner_id),
            "checked": _CHECKED["opening"],
            "action": "save",
        }
    if endpoint == "dashboard.slots_closure_send":
        return CLOSURE | {
            "who": str(world.practitioner_id),
            "checked": _CHECKED["closure"],
            "action": "save",
        }
    return {}
