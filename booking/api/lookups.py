"""Read-only questions the API asks the services, phrased the way the API asks them."""

from __future__ import annotations

from datetime import date, datetime

from booking.api.replies import SlotReply, named_slots
from booking.clock import practice_zone
from booking.services.booking import active_service, bookable_practitioners
from booking.services.booking.availability import find_slots, local_day_bounds


def free_slots(
    service_slug: str,
    first_day: date,
    last_day: date,
    practitioner_id: int | None,
    now: datetime,
) -> list[SlotReply]:
    """Free start times on local dates first_day..last_day (inclusive), earliest first.

    Raises UnknownService or UnknownPractitioner, as booking does.
    """
    service = active_service(service_slug)
    practitioners = bookable_practitioners(practitioner_id)
    zone = practice_zone()
    start, _ = local_day_bounds(first_day, zone)
    _, end = local_day_bounds(last_day, zone)
    return named_slots(find_slots(service, practitioners, start, end, now), practitioners)
