"""A week in the diary: the scene the diary's page tests and its browser test both look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from booking.domain.statuses import BookingStatus, ReviewState
from booking.extensions import db
from tests.support.factories import (
    make_booking,
    make_client,
    make_closure,
    make_practitioner,
    make_service,
    open_weekdays,
)
from tests.support.staff import CANARY, add_intake

# Ro's answers: care needs the diary shows as flags, and a medication it must never show.
ANSWERS = {
    "screening": {"now": ["none"], "history": ["none"], "medications": CANARY},
    "senses": {"light": "dim", "scent": "scent_free"},
    "practical": {"access": ["step_free", "rest_after"]},
}


@dataclass
class Diary:
    practitioner_id: int
    booking_id: int
    held_id: int
    service_slug: str


def seed_diary_week(app) -> Diary:
    """Maya works weekdays 9 to 5; Ro is booked Tuesday 24 November at 10 and has answered;
    Sam's home visit that afternoon is held for review; Kit's session at noon is cancelled;
    Maya is away on Wednesday for training. Committed."""
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        open_weekdays(maya)
        massage = make_service(
            name="Gentle massage", slug="gentle", buffer_before_minutes=10, buffer_after_minutes=15
        )
        home = make_service(name="Gentle home visit", slug="home", home_visit=True, minutes=40)
        ro = make_client(name="Rowan Ash", preferred_name="Ro")
        add_intake(ro, ANSWERS)
        booking = make_booking(
            client=ro,
            practitioner=maya,
            service=massage,
            start_utc=datetime(2026, 11, 24, 10, tzinfo=UTC),
            checkin_answer="gentler",
        )
        sam = make_client(name="Sam Birch")
        add_intake(sam, {"senses": {"light": "bright"}}, review_state=ReviewState.PENDING)
        held = make_booking(
            client=sam,
            practitioner=maya,
            service=home,
            start_utc=datetime(2026, 11, 24, 14, tzinfo=UTC),
            status=BookingStatus.HELD_FOR_REVIEW,
        )
        make_booking(
            client=make_client(name="Kit Willow"),
            practitioner=maya,
            service=massage,
            start_utc=datetime(2026, 11, 24, 12, tzinfo=UTC),
            status=BookingStatus.CANCELLED,
        )
        make_closure(
            datetime(2026, 11, 25, 0, tzinfo=UTC),
            datetime(2026, 11, 26, 0, tzinfo=UTC),
            practitioner=maya,
            reason="Training day",
        )
        db.session.commit()
        return Diary(maya.id, booking.id, held.id, massage.slug)
