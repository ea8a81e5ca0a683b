"""Booking on a client's behalf in a real browser: keyboard only, no JavaScript needed."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, Practitioner
from tests.support.staff import EMAILS, PASSWORD, add_staff_member
from tests.test_browser import axe_violations, follow, tab_to

pytestmark = pytest.mark.browser


@pytest.fixture
def live_desk(app, practice) -> Iterator[str]:
    """The demo practice served on a free local port, with a receptionist's account."""
    add_staff_member(app, StaffRole.RECEPTION)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_reception_books_for_a_caller_with_the_keyboard_alone(browser, live_desk, app):
    with app.app_context():
        maya = db.session.scalar(select(Practitioner.id).where(Practitioner.name == "Maya Okafor"))
    context = browser.new_context()
    page = context.new_page()
    start = f"/dashboard/book?practitioner={maya}&service=first-gentle-session&day=2026-11-23"
    page.goto(live_desk + start)  # not signed in: the sign-in page, then back here
    tab_to(page, "Email address")
    page.keyboard.type(EMAILS[StaffRole.RECEPTION])
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "Sign in")
    follow(page)
    assert page.inner_text("h1") == "Book a session for a client"
    assert axe_violations(page) == []
    tab_to(page, "10:15")
    page.keyboard.press("Space")
    tab_to(page, "Full name")
    page.keyboard.type("Ann Caller")
    tab_to(page, "Phone")
    page.keyboard.type("07700 900123")
    tab_to(page, "Book the session")
    follow(page)
    assert page.inner_text("h1") == "First gentle session for Ann Caller"
    assert "Booked for Monday 23 November at 10:15" in page.inner_text("body")
    assert axe_violations(page) == []
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        assert booking.client.name == "Ann Caller"
    context.close()
