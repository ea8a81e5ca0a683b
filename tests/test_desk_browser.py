"""Booking on a client's behalf in a real browser: keyboard only, no JavaScript needed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, Practitioner
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    tab_and_follow,
    tab_and_press,
    tab_and_type,
)
from tests.support.staff import add_staff_member

pytestmark = pytest.mark.browser


@pytest.fixture
def live_desk(app, practice, live_server) -> str:
    """The demo practice served on a free local port, with a receptionist's account."""
    add_staff_member(app, StaffRole.RECEPTION)
    return live_server


def test_reception_books_for_a_caller_with_the_keyboard_alone(browser, live_desk, app):
    with app.app_context():
        maya = db.session.scalar(select(Practitioner.id).where(Practitioner.name == "Maya Okafor"))
    context = browser.new_context()
    page = context.new_page()
    start = f"/dashboard/book?practitioner={maya}&service=first-gentle-session&day=2026-11-23"
    page.goto(live_desk + start)  # not signed in: the sign-in page, then back here
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    assert page.inner_text("h1") == "Book a session for a client"
    assert axe_violations(page) == []
    tab_and_press(page, "10:15", "Space")
    tab_and_type(page, "Full name", "Ann Caller")
    tab_and_type(page, "Phone", "07700 900123")
    tab_and_follow(page, "Book the session")
    assert page.inner_text("h1") == "First gentle session for Ann Caller"
    assert "Booked for Monday 23 November at 10:15" in page.inner_text("body")
    assert axe_violations(page) == []
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        assert booking.client.name == "Ann Caller"
    context.close()
