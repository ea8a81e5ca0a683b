"""Staff pages at their edges: odd numbers and far dates, the outside-hours override's
limits, and reading records leaving a trace. (Each began as a bug a review found.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking
from tests.support.desk import (
    MONDAY_FIRST_SLOT,
    book_outside_hours,
    booking_version,
    first_session_with_maya,
    stored_booking,
)
from tests.support.pages import csrf_token, text_of
from tests.support.staff import signed_in_client


@pytest.fixture
def desk(app, practice):
    return signed_in_client(app, StaffRole.RECEPTION)


# --- 500s on odd input ------------------------------------------------------------------------


def test_book_page_with_unicode_digit_client_id_is_not_a_500(desk):
    # "²".isdigit() is True but int("²") raises ValueError (desk_book_routes._id)
    assert desk.get("/dashboard/book", query_string={"client": "²"}).status_code == 200
    assert desk.get("/dashboard/book", query_string={"practitioner": "²"}).status_code == 200


def test_the_public_times_page_ignores_a_therapist_number_it_cannot_read(app, practice):
    page = app.test_client().get("/book/first-gentle-session", query_string={"practitioner": "²"})
    assert page.status_code == 200


def test_export_of_the_last_possible_day_is_not_a_500(desk):
    response = desk.get(
        "/dashboard/export", query_string={"first": "9999-12-31", "last": "9999-12-31"}
    )
    assert response.status_code == 422
    assert "Please check this date: it is very far away." in text_of(response)


def test_book_page_for_the_last_possible_day_is_not_a_500(desk):
    response = desk.get("/dashboard/book", query_string={"day": "9999-12-31"})
    assert response.status_code == 200
    assert "Please check this date: it is very far away." in text_of(response)


# --- The override lets staff book or move into the past -----------------------------------------


def test_staff_override_cannot_book_a_session_in_the_past(desk, app):
    # now is Sat 21 Nov 2026 10:00 UTC; the override books Friday 20th, yesterday
    booked = book_outside_hours(desk, app, "18:30", "after work", day="2026-11-20")
    with app.app_context():
        made = db.session.scalars(select(Booking)).all()
    assert booked.status_code == 409 and made == []
    assert "That time has already passed." in text_of(booked)


def test_staff_override_cannot_book_into_a_closure(desk, app):
    from booking.models import Closure

    with app.app_context():
        db.session.add(
            Closure(
                start_utc=MONDAY_FIRST_SLOT - timedelta(days=1),
                end_utc=MONDAY_FIRST_SLOT + timedelta(days=1),
                reason="Holiday",
            )
        )
        db.session.commit()
    booked = book_outside_hours(desk, app, "18:30", "after work", day="2026-11-23")
    assert booked.status_code == 409
    assert "closed then (time off or a holiday)" in text_of(booked)


@pytest.fixture
def booked(app, practice) -> int:
    return first_session_with_maya(app, "Dee Mover")


def test_staff_override_cannot_move_a_session_into_the_past(desk, app, booked):
    page = desk.get(f"/dashboard/bookings/{booked}/move")
    moved = desk.post(
        f"/dashboard/bookings/{booked}/move",
        data={
            "csrf_token": csrf_token(page),
            "version": booking_version(app, booked),
            "outside_hours": "y",
            "day": "2026-11-19",
            "time": "17:30",
            "reason": "after work",
        },
    )
    assert moved.status_code == 409
    assert "That time has already passed." in text_of(moved)
    assert stored_booking(app, booked).start_utc == MONDAY_FIRST_SLOT


def test_audit_trail_with_unicode_digits_in_the_address_is_not_a_500(app, practice):
    admin = signed_in_client(app, StaffRole.ADMIN)
    # accounts_routes._before_id and AuditFilterForm.validate_client: "²".isdigit() is True
    assert admin.get("/dashboard/audit", query_string={"before": "²"}).status_code == 200


def test_audit_trail_client_filter_with_unicode_digits_is_not_a_500(app, practice):
    admin = signed_in_client(app, StaffRole.ADMIN)
    response = admin.get("/dashboard/audit", query_string={"client": "²"})
    assert response.status_code in (200, 422)
    assert "Traceback" not in response.get_data(as_text=True)


# --- Audit gaps -------------------------------------------------------------------------------


def test_opening_a_session_record_is_audited_as_a_view(app, practice, booked, freeze):
    from booking.models import AuditEvent

    freeze(MONDAY_FIRST_SLOT + timedelta(hours=2))
    therapist = signed_in_client(app, StaffRole.ADMIN)
    page = therapist.get(f"/dashboard/today/sessions/{booked}/note")
    saved = therapist.post(
        f"/dashboard/today/sessions/{booked}/note",
        data={
            "csrf_token": csrf_token(page),
            "hands_on_minutes": "25",
            "pressure": "2",
            "helped": "Migraine after; lighter pressure",
            "avoid_next": "Migraine: no neck work",
            "seen": "",
        },
    )
    assert saved.status_code == 303
    assert therapist.get(f"/dashboard/today/sessions/{booked}/note").status_code == 200
    assert therapist.get("/dashboard/today").status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        viewed = [(e.action.value, e.client_id, e.booking_id) for e in events[-2:]]
        client_id = stored_booking(app, booked).client_id
        assert all("Migraine" not in e.detail for e in events)
    assert viewed == [
        ("viewed_session_note", client_id, booked),
        ("viewed_session_plans", client_id, None),
    ]
