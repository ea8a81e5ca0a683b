"""The diary in a real browser: keyboard only, and axe finds nothing against WCAG 2.2 AA."""

from __future__ import annotations

import pytest

from booking.domain.statuses import StaffRole
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    tab_and_follow,
    tab_and_press,
    tab_to,
)
from tests.support.diary import seed_diary_week
from tests.support.staff import add_staff_member

pytestmark = pytest.mark.browser


@pytest.fixture
def live_diary(app, live_server) -> str:
    """The diary's week (see seed_diary_week) served locally, with a receptionist's account."""
    seed_diary_week(app)
    add_staff_member(app, StaffRole.RECEPTION)
    return live_server


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_diary_works_by_keyboard_alone_and_passes_axe(browser, live_diary, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(live_diary + "/dashboard/diary?date=2026-11-24")
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    assert page.inner_text("h1") == "Diary: Tuesday 24 November 2026"
    assert axe_violations(page) == []
    # Other start times open from the keyboard, and are links.
    tab_and_press(page, "Other start times", "Enter")
    tab_to(page, "11:45am")
    assert "/dashboard/book?" in page.evaluate("document.activeElement.href")
    assert axe_violations(page) == []
    # To the week, by keyboard.
    tab_and_follow(page, "Week view")
    assert page.inner_text("h1") == "Diary: week of Monday 23 November 2026"
    assert axe_violations(page) == []
    main = page.inner_text("main")
    assert "Step-free access" in main and "Dim room" in main
    assert "Held until the therapist has reviewed the answers" in main
    assert "Closed: Training" in main
    tab_and_follow(page, "Next week")
    assert page.inner_text("h1") == "Diary: week of Monday 30 November 2026"
    # A booking card is a link that opens the booking.
    tab_and_follow(page, "Previous week")
    tab_to(page, "10am to 11am")
    assert "/dashboard/bookings/" in page.evaluate("document.activeElement.href")
    context.close()
