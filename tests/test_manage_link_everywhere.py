"""Every message to a client carries their manage link, also about changes staff made: the
token is kept sealed with the field key, and a booking from before that gets a new link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services.booking import tokens
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.desk import booking_version, first_session_with_maya
from tests.support.pages import csrf_token
from tests.support.staff import signed_in_client

MANAGE_LINK = re.compile(r"https?://[^\s\"<>]+/manage/([A-Za-z0-9_\-]+)")


@pytest.fixture
def desk(app, practice):
    return signed_in_client(app, StaffRole.RECEPTION)


def _client_bodies(app, booking_id: int, kind: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage.text_body).where(
                    OutboxMessage.booking_id == booking_id, OutboxMessage.kind == kind
                )
            )
        )


def _cancel_at_desk(desk, app, booking_id: int):
    form = desk.get(f"/dashboard/bookings/{booking_id}/cancel")
    return desk.post(
        f"/dashboard/bookings/{booking_id}/cancel",
        data={
            "csrf_token": csrf_token(form),
            "version": booking_version(app, booking_id),
            "reason": "unwell",
        },
    )


def test_a_cancellation_by_staff_carries_the_link_the_client_already_has(app, practice, desk):
    token = book_as_client(app)
    booking_id = booking_for(app, token).id
    with app.app_context():
        sealed = db.session.get(Booking, booking_id).manage_token_sealed
    assert sealed and token not in sealed  # kept, but never in the clear

    assert _cancel_at_desk(desk, app, booking_id).status_code == 303

    [body] = _client_bodies(app, booking_id, "client_cancellation")
    assert "use the link in your booking email" not in body
    assert MANAGE_LINK.findall(body) == [token]
    page = app.test_client().get(f"/manage/{token}")
    assert page.status_code == 200


def test_a_booking_without_a_kept_token_gets_a_new_working_link(app, practice, desk):
    booking_id = first_session_with_maya(app, "Dee Flare")  # as made before tokens were kept
    with app.app_context():
        assert db.session.get(Booking, booking_id).manage_token_sealed is None

    assert _cancel_at_desk(desk, app, booking_id).status_code == 303

    [body] = _client_bodies(app, booking_id, "client_cancellation")
    [token] = MANAGE_LINK.findall(body)
    assert app.test_client().get(f"/manage/{token}").status_code == 200
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert tokens.stored_token(booking) == token


def test_a_move_by_staff_and_the_reminder_it_queues_carry_the_link(app, practice, desk):
    token = book_as_client(app)
    booking_id = booking_for(app, token).id
    later = MONDAY + timedelta(days=7)  # the same free time a week on
    page = desk.get(f"/dashboard/bookings/{booking_id}/move/confirm?start={later.isoformat()}")
    moved = desk.post(
        f"/dashboard/bookings/{booking_id}/move",
        data={
            "csrf_token": csrf_token(page),
            "version": booking_version(app, booking_id),
            "start": later.isoformat(),
        },
    )
    assert moved.status_code == 303, moved.get_data(as_text=True)
    for kind in ("client_update", "client_reminder"):
        bodies = _client_bodies(app, booking_id, kind)
        assert bodies and all(MANAGE_LINK.findall(body) == [token] for body in bodies), kind


def test_a_token_that_no_longer_matches_its_hash_is_not_offered(app, practice):
    token = book_as_client(app)
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, token).id)
        tokens.give_token(booking, token)
        booking.manage_token_hash = tokens.token_hash("replaced by hand")
        assert tokens.stored_token(booking) is None
        assert tokens.manage_link_token(booking) != token
