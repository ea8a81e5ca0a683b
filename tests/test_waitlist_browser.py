"""The waiting list in real Chromium: asking to be told by keyboard (JavaScript on and off),
your place, a time offered and taken, and the desk's list, with axe in both colour schemes,
wide and narrow."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from booking.domain.best_times import BestTimes
from booking.domain.channels import Channel
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import OutboxMessage, WaitlistEntry
from booking.services import booking as bookings
from booking.services.waitlist import entries, offers
from tests.support import DEFAULT_NOW
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    tab_and_follow,
    tab_and_press,
    tab_and_type,
)
from tests.support.staff import add_staff_member

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def checked(page, found: dict, name: str) -> None:
    """axe and sideways scroll on the page now shown."""
    found[name] = (axe_violations(page), page.evaluate(NO_SIDEWAYS_SCROLL))


@pytest.mark.parametrize(
    ("scheme", "width", "script"),
    [
        ("light", 1280, True),
        ("dark", 1280, True),
        ("light", 320, True),
        ("dark", 320, True),
        ("light", 320, False),
    ],
)
def test_asking_to_be_told_by_keyboard_then_taking_a_time(
    app, browser, live_server, practice, scheme, width, script
):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 800}, java_script_enabled=script
    )
    page = context.new_page()
    found: dict[str, tuple[list[str], bool]] = {}

    def check(name: str) -> None:
        if script:  # axe runs in the page: with JavaScript off, the keyboard alone is tested
            checked(page, found, name)

    page.goto(live_server + "/book/first-gentle-session")
    tab_and_follow(page, "Tell me when a time frees")
    assert page.inner_text("h1") == "Tell me when a time frees"
    check("form")
    tab_and_press(page, "Tuesday", "Space")
    tab_and_press(page, "Morning", "Space")
    tab_and_follow(page, "Put me on the list")  # no name yet: said next to the field
    assert "Please tell us the name" in page.inner_text(".error-summary")
    assert page.is_checked("#days-1") and page.is_checked("#parts-0")  # nothing lost
    check("form with a problem")
    tab_and_type(page, "Full name", "Dee Fox")
    tab_and_type(page, "Email", "dee@example.com")
    tab_and_follow(page, "Put me on the list")
    assert page.inner_text("h1") == "You are on the waiting list"
    assert "Tuesdays" in page.inner_text("main")
    check("place")

    with app.app_context():
        offers.offer_free_times(DEFAULT_NOW)  # the demo has free Tuesday mornings
        body = db.session.scalars(
            select(OutboxMessage.text_body).where(OutboxMessage.kind == "client_waitlist_offer")
        ).one()
    token = re.search(r"/waitlist/offer/([A-Za-z0-9_-]+)", body)[1]
    page.goto(f"{live_server}/waitlist/offer/{token}")
    assert page.inner_text("h1") == "A time has freed"
    check("offer")
    tab_and_follow(page, "Take this time")
    assert page.inner_text("h1") == "You are booked"
    context.close()
    assert found == dict.fromkeys(found, ([], True))


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 320)])
def test_the_desk_list_and_a_place_by_keyboard(app, browser, live_server, practice, scheme, width):
    add_staff_member(app, StaffRole.RECEPTION)
    with app.app_context():
        details = bookings.ClientDetails(name="Dee Fox", email="dee@example.com")
        wish = entries.WaitingFor(
            "first-gentle-session",
            None,
            BestTimes.from_keys(["tue"], []),
            date(2026, 12, 31),
            Channel.EMAIL,
        )
        entries.join(wish, DEFAULT_NOW, details=details)
        offers.offer_free_times(DEFAULT_NOW)
        client_id = db.session.scalars(select(WaitlistEntry.client_id)).one()
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    found: dict[str, tuple[list[str], bool]] = {}
    page.goto(live_server + "/login?next=/dashboard/waitlist")
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    assert page.inner_text("h1") == "Waiting list"
    checked(page, found, "list")
    tab_and_follow(page, "Dee Fox")
    assert page.inner_text("h1") == "Waiting list: Dee Fox"
    checked(page, found, "place")
    tab_and_follow(page, "Take off the list")  # no reason yet
    assert "Please say why" in page.inner_text(".error-summary")
    checked(page, found, "place with a problem")
    tab_and_type(page, "Why are they leaving the list?", "asked on the phone")
    tab_and_follow(page, "Take off the list")
    assert "Nobody is waiting" in page.inner_text("main")
    page.goto(f"{live_server}/dashboard/waitlist/add?client={client_id}")
    checked(page, found, "add")
    context.close()
    assert found == dict.fromkeys(found, ([], True))
