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


# A normal week of the demo practice (seed_demo's therapists, hours and services): local
# start times, Monday 23 to Friday 27 November 2026 (GMT, so local time is UTC).
DEMO_WEEK = {
    "Maya Okafor": [
        (23, 10, 15, "gentle-massage"),
        (23, 13, 0, "first-gentle-session"),
        (23, 14, 45, "short-session"),
        (24, 10, 30, "gentle-massage"),
        (24, 14, 0, "short-session"),
        (25, 13, 30, "first-gentle-session"),
        (25, 15, 30, "gentle-massage"),
        (25, 17, 45, "short-session"),
        (26, 10, 30, "gentle-massage"),
        (26, 13, 0, "gentle-massage"),
    ],
    "Tom Reid": [
        (24, 10, 30, "home-visit"),
        (24, 13, 0, "gentle-massage"),
        (25, 10, 0, "gentle-massage"),
        (25, 12, 30, "home-visit"),
        (27, 10, 0, "first-gentle-session"),
        (27, 12, 0, "short-session"),
        (27, 14, 0, "gentle-massage"),
    ],
}


def seed_demo_week(app) -> int:
    """Seventeen sessions across the demo practice's week of 23 November, every third client
    with care needs; needs the `practice` fixture. Committed; returns the number of sessions."""
    from sqlalchemy import select

    from booking.models import Practitioner, Service

    with app.app_context():
        people = {p.name: p for p in db.session.scalars(select(Practitioner))}
        services = {s.slug: s for s in db.session.scalars(select(Service))}
        count = 0
        for name, sessions in DEMO_WEEK.items():
            for day, hour, minute, slug in sessions:
                client = make_client(name=f"Client {count + 1}")
                if count % 3 == 0:
                    add_intake(client, ANSWERS)
                make_booking(
                    client=client,
                    practitioner=people[name],
                    service=services[slug],
                    start_utc=datetime(2026, 11, day, hour, minute, tzinfo=UTC),
                )
                count += 1
        db.session.commit()
        return count
