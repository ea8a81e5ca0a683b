"""The diary in a real browser: keyboard only, and axe finds nothing against WCAG 2.2 AA."""

from __future__ import annotations

import pytest

from booking.domain.statuses import StaffRole
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_press,
    tab_to,
)
from tests.support.diary import seed_demo_week, seed_diary_week
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


@pytest.fixture
def demo_week(app, practice, live_server) -> str:
    """The demo practice with a normal week booked (see seed_demo_week), and a receptionist."""
    seed_demo_week(app)
    add_staff_member(app, StaffRole.RECEPTION)
    return live_server


HEIGHTS = """(() => {
  const box = s => document.querySelector(s).getBoundingClientRect();
  const monday = document.getElementById('day-2026-11-23').parentElement;
  const rows = [...monday.querySelectorAll('.book-session')].map(
    e => [e.querySelector('.book-time').textContent, e.getBoundingClientRect().height]);
  const page = document.documentElement;
  return {diary: box('.book').bottom - box('h1').top, rows, header: box('.site-header').height,
          scrolls: page.scrollHeight > page.clientHeight};
})()"""


def test_a_normal_week_fits_one_screen_with_blocks_sized_by_length(browser, demo_week):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(demo_week + "/dashboard/diary?view=week&date=2026-11-24")
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    found = page.evaluate(HEIGHTS)
    # The heading, the dates, the key and the whole week take at most 680px (about 655 today):
    # under a staff header of up to 120px, the week is on one screen without scrolling.
    assert found["diary"] <= 680, found["diary"]
    # Under the two-row staff header (it was 163px), with no client footer: no page scroll.
    assert found["header"] <= 120, found["header"]
    assert not found["scrolls"]
    heights = {time.split(" to ")[0]: height for time, height in found["rows"]}
    # 4px for every five minutes: the 60-minute Gentle massage is twice the 30-minute Short one.
    assert heights["10:15am"] == pytest.approx(48, abs=1)  # Monday, Gentle massage
    assert heights["2:45pm"] == pytest.approx(24, abs=1)  # Monday, Short session
    assert heights["1pm"] == pytest.approx(36, abs=1)  # Monday, First gentle session (45)
    assert axe_violations(page) == []
    page.close()


NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
SHOWN_DAYS = "days => days.filter(d => d.offsetParent).map(d => d.querySelector('h2').textContent)"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 390])
def test_a_phone_shows_one_day_at_a_time_without_sideways_scroll(browser, demo_week, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(demo_week + "/dashboard/diary?view=week&date=2026-11-24")
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    sideways = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL), sideways
    assert page.eval_on_selector_all(".book-day", SHOWN_DAYS) == ["Tuesday 24 November"]
    assert axe_violations(page) == []
    # The next day is one link away, no script needed.
    tab_and_follow(page, "Wed 25")
    assert page.eval_on_selector_all(".book-day", SHOWN_DAYS) == ["Wednesday 25 November"]
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_demo_week_passes_axe_at_1280(browser, demo_week, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(demo_week + "/dashboard/diary?view=week&date=2026-11-24")
    sign_in_by_keyboard(page, StaffRole.RECEPTION)
    assert axe_violations(page) == []
    # Every link in the book is at least 24px tall (WCAG 2.5.8).
    assert [(text, h) for text, h in small_targets(page, ".book a") if h < 24] == []
    context.close()
