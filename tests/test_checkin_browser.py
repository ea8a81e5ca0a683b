"""The check-in that acts, in a real browser, keyboard only: a client postpones from the
reminder's link and books again in two presses; the desk sees it on the to-do list and marks
it done. With JavaScript on, axe checks each page; off, everything still works."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.domain.best_times import BestTimes
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import Booking
from booking.services.messaging import replies
from tests.support.booking import book_as_client, booking_for
from tests.support.browser import axe_violations, sign_in_by_keyboard, tab_and_follow
from tests.support.staff import add_staff_member

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_postpone_then_book_again_and_the_desk_marks_it_done(
    browser, app, practice, live_server, javascript
):
    token = book_as_client(app, name="Ann Smith")
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, token).id)
        booking.client.best_times = BestTimes.from_keys(["thu"], ["afternoon"])
        db.session.commit()
        link = replies.answer_links("checkin", booking)["postpone"]
    add_staff_member(app, StaffRole.RECEPTION)
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()

    def passes_axe() -> None:
        if javascript:
            assert axe_violations(page) == [], page.url

    page.goto(live_server + "/" + link.split("/", 3)[3])
    assert "Your answer: Postpone it, no charge" in page.inner_text("main")
    passes_axe()
    assert "This cancels your session, at no charge." in page.inner_text("main")
    tab_and_follow(page, "Cancel my session, no charge")
    assert "Your session is cancelled. There is no charge" in page.inner_text("main")
    passes_axe()
    first = page.locator(".suiting-times a").first.inner_text()
    assert first.startswith("Thursday")  # a best day, and a week on for pacing
    tab_and_follow(page, first)
    assert page.inner_text("h1") == "Book this time?"
    passes_axe()
    tab_and_follow(page, "Book this time")
    assert page.inner_text("h1") == "You are booked"
    with app.app_context():
        statuses = sorted(b.status for b in db.session.scalars(select(Booking)))
    assert statuses == sorted([BookingStatus.CANCELLED, BookingStatus.CONFIRMED])

    page.goto(live_server + "/dashboard/todo")
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    assert "Ann Smith postponed their session" in page.inner_text("main")
    passes_axe()
    tab_and_follow(page, "Done")
    assert "Done. Thank you." in page.inner_text("main")
    assert "Ann Smith postponed" not in page.inner_text("main")
    context.close()
