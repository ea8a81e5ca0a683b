"""The intake questionnaire in a real Chromium: keyboard only, autosave, axe, targets, errors.

Debian's /usr/bin/chromium, driven by Playwright, against the live server (skipped on a
developer machine without Chromium, a failure in CI). SQLite only: the questions here are about
the browser, not the database.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.domain.statuses import IntakeStatus
from tests.support import DEFAULT_NOW, sqlite_only
from tests.support.booking import book_as_client
from tests.support.browser import (
    axe_violations,
    tab_and_follow,
    tab_and_press,
    tab_and_type,
    tab_to,
)
from tests.support.intake import (
    GOOD_PAGES,
    answers,
    drafts,
    fill_in,
    intake_link,
    the_intake,
)

pytestmark = [pytest.mark.browser, sqlite_only]

SAVED = "Kept for you. Press Save and continue when this page is done."
NO_SUCH_DATE = "That date does not exist: February 1990 has 28 days."


@pytest.fixture
def link(app, practice) -> str:
    """A first session booked on the demo practice, and its questionnaire link (a path)."""
    manage_token = book_as_client(app)
    return intake_link(app.test_client(), manage_token)


def with_axe(context):
    """Load axe-core into every page of the context as it opens (once, not per check)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    context.add_init_script(path=AXE_FILE_PATH)
    return context


def focused(page) -> str:
    """The id (or, failing that, the text) of the element with focus."""
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def is_ticked(page, name: str, value: str) -> bool:
    return page.is_checked(f'input[name="{name}"][value="{value}"]')


def save_and_continue(page, title: str, button: str = "Save and continue") -> None:
    """Tab to the page's main button, press Enter, and arrive on the page called `title`."""
    tab_and_follow(page, button)
    assert page.inner_text("h1") == title, page.inner_text("main")


def step_count(page) -> tuple[int, int]:
    """The progress line's step and total: "Step 3 of up to 13 · ..." is (3, 13)."""
    number, total = re.match(r"Step (\d+) of (?:up to )?(\d+)", page.inner_text(".step")).groups()
    return int(number), int(total)


def start(page, base: str, link: str) -> None:
    """Open the link and press its big button, keyboard only; arrive on the first page.

    The button should say "Start" on a first visit; it says "Carry on where you left off"
    (see test_a_first_visit_says_start), so this presses whichever is there.
    """
    page.goto(base + link)
    tab_and_follow(page, page.inner_text("main a.button"))
    assert page.inner_text("h1") == "About you"


def about_you(page) -> None:
    """Page one: the name is there from the booking; type the date of birth and a short name."""
    assert page.input_value("#name") == "Ann Smith"
    assert is_ticked(page, "filled_by", "self")  # "for myself" is chosen already
    tab_and_type(page, "Date of birth", "27 3 1985")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "preferred_name"
    page.keyboard.type("Annie")


def test_a_first_visit_says_start(browser, live_server, link):
    page = browser.new_page()
    page.goto(live_server + link)
    # Page one already holds the name from the booking, but nothing is started yet.
    assert page.inner_text("main a.button") == "Start"
    assert "The pages" not in page.inner_text("main")
    page.close()


# --- 1. Keyboard only, without JavaScript ------------------------------------------------------


def test_the_whole_questionnaire_can_be_sent_with_the_keyboard_alone_without_javascript(
    app, browser, live_server, link
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    start(page, live_server, link)
    assert page.inner_text(".step").startswith("Step 1 of up to 13 · about ")
    counts = [step_count(page)]

    def go(title: str, button: str = "Save and continue") -> None:
        save_and_continue(page, title, button)
        if page.locator(".step").count():
            counts.append(step_count(page))

    about_you(page)
    go("Reaching you")

    # The first choice of a group with none chosen yet; arrow keys move within the group, and
    # choose.
    tab_and_press(page, "Email", "ArrowDown")
    assert is_ticked(page, "channel", "sms")
    tab_and_press(page, "Morning", "Space")
    go("Your care")

    tab_and_press(page, "Yes", "ArrowRight")
    assert is_ticked(page, "gp_contact", "no")
    go("Health check")

    tab_and_press(page, "None of these", "Space")  # going on now
    tab_and_press(page, "None of these", "Space")  # in the past
    assert is_ticked(page, "now", "none") and is_ticked(page, "history", "none")
    go("Long-term conditions")

    tab_and_press(page, "ME/CFS, diagnosed", "Space")
    go("Your energy")

    tab_and_press(page, "I can look after myself", "ArrowDown")
    assert is_ticked(page, "severity", "moderate")
    tab_and_press(page, "About the same as usual", "Space")
    tab_and_type(page, "Your energy today", "40")  # a select's type-ahead
    assert page.input_value("#bell_today") == "40"
    go("After doing too much")

    tab_and_press(page, "Physical effort", "Space")
    tab_and_press(page, "The same day", "ArrowDown")
    assert is_ticked(page, "delay", "next_day")
    go("Comfort on the couch")

    tab_and_press(page, "Yes", "Space")  # lying flat
    assert is_ticked(page, "lie_flat", "yes")
    go("Pressure and areas")
    assert is_ticked(page, "pressure", "1")  # the lightest touch unless chosen otherwise
    go("Light, sound and talking")

    # An optional page: its skip button comes before its questions, one press away.
    go("Times and getting here", button="Skip this page")

    tab_and_press(page, "No, I can come to you", "Space")
    go("Your agreement")

    tab_and_press(page, "I agree to gentle massage", "Space")
    tab_and_press(page, "I agree that the practice keeps my health answers", "Space")
    tab_and_press(page, "Email", "Space")
    tab_and_type(page, "Type your full name to sign", "Ann Smith")
    go("Check your answers")

    words = page.inner_text("main")
    assert "Contact by: Text message" in words and "Energy today: 40" in words
    assert re.search(r"Light, sound and talking\s+Skipped", words)
    assert len(page.inner_text("main").split()) < 300
    # The step count went up one page at a time and its total never grew.
    assert [number for number, _ in counts] == list(range(1, 13))
    totals = [total for _, total in counts]
    assert totals[0] == 13 and totals == sorted(totals, reverse=True)
    tab_and_follow(page, "Send my answers")
    assert page.inner_text("h1") == "Thank you: your answers are sent"

    intake = the_intake(app)
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.submitted_at == DEFAULT_NOW
    given = answers(app)
    assert given["about"] == {
        "name": "Ann Smith",
        "preferred_name": "Annie",
        "date_of_birth": "1985-03-27",
        "filled_by": "self",
    }
    assert given["energy"] == {"severity": "moderate", "state": "stable", "bell_today": "40"}
    assert given["consent"]["signed_name"] == "Ann Smith"
    assert given["senses"] == {}  # skipped
    context.close()


# --- 2. With JavaScript: answers are kept as they are given -------------------------------------


def test_with_javascript_a_ticked_choice_is_saved_without_pressing_a_button(
    app, browser, live_server, link
):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    start(page, live_server, link)
    about_you(page)
    save_and_continue(page, "Reaching you")
    expect(page.locator("#autosave-status")).to_be_empty()
    tab_to(page, "Afternoon")
    with page.expect_response(lambda r: r.url.endswith("/contact/autosave")) as saved:
        page.keyboard.press("Space")  # and nothing more: no button is pressed on this page
    assert saved.value.ok
    expect(page.locator("#autosave-status")).to_have_text(SAVED)

    # Another browser, no cookies: the link alone brings the choice back.
    later = browser.new_context()
    again = later.new_page()
    again.goto(live_server + link)
    tab_and_follow(again, "Carry on where you left off")
    assert again.inner_text("h1") == "Reaching you"
    assert is_ticked(again, "contact_times", "afternoon")
    assert not is_ticked(again, "contact_times", "morning")
    assert the_intake(app).status == IntakeStatus.DRAFT
    later.close()
    context.close()


def test_with_javascript_skip_is_one_press_and_keeps_nothing_half_ticked(
    app, browser, live_server, link
):
    """A tick kept for you as you go, then "Skip this page": the page is skipped, and the tick
    (a draft, never saved with the page's button) goes with it."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}{link}/senses")
    tab_to(page, "Dim, please")
    with page.expect_response(lambda r: r.url.endswith("/senses/autosave")) as kept:
        page.keyboard.press("Space")
    assert kept.value.ok and drafts(app)["senses"] == {"light": "dim"}
    page.keyboard.press("Shift+Tab")  # back one: the skip button sits above the questions
    assert focused(page) == "Skip this page"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("h1") == "Times and getting here"
    page.wait_for_timeout(1500)  # long enough for a late save to land, were one sent
    assert answers(app)["senses"] == {}
    assert "senses" not in drafts(app)
    context.close()


def test_finish_later_by_keyboard_comes_back_to_the_unfinished_page(
    app, browser, live_server, link
):
    client = app.test_client()
    fill_in(client, link, until="condition")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}{link}/condition")
    tab_and_type(page, "Another condition", "Asthma")  # the required question left out
    tab_and_follow(page, "Save and finish later")
    assert "we will bring you back to where you were" in page.inner_text("main")
    tab_and_follow(page, "Carry on where you left off")
    assert page.inner_text("h1") == "Long-term conditions"
    assert page.input_value("#other_condition") == "Asthma"
    context.close()


# --- 3. axe on every page, light and dark --------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_questionnaire_page_passes_axe_in_both_colour_schemes(
    app, browser, live_server, link, freeze, scheme
):
    context = with_axe(browser.new_context(color_scheme=scheme))
    page = context.new_page()
    found: dict[str, list[str]] = {}
    checked: list[str] = []

    def check(name: str) -> None:
        checked.append(name)
        problems = axe_violations(page)
        if problems:
            found[name] = problems

    page.goto(live_server + link)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is (scheme == "dark")
    check("start")

    page.goto(f"{live_server}{link}/about")
    page.fill("#date_of_birth", "31 2 1990")
    page.click("button[value=continue]")
    assert NO_SUCH_DATE in page.inner_text("#date_of_birth-error")
    check("about, with an error")

    # Every other page, reached through answers that bring the follow-up and energy pages.
    client = app.test_client()
    screening = {"now": ["none"], "history": ["pregnancy"], "local": ["scar"]}
    steps = fill_in(client, link, GOOD_PAGES, screening=screening)
    assert {"screening_details", "energy", "pem", "consent"} <= set(steps)
    for step in steps:
        page.goto(f"{live_server}{link}/{step}")
        check(step)

    page.goto(f"{live_server}{link}/check")
    check("check")
    page.click("text=Send my answers")
    assert page.inner_text("h1") == "Thank you: your answers are sent"
    check("thank you")
    page.goto(f"{live_server}{link}/consents")
    assert page.inner_text("h1") == "What you agreed to"
    check("consents")

    freeze(DEFAULT_NOW + timedelta(days=app.config["INTAKE_LINK_DAYS"], hours=1))
    response = page.goto(live_server + link)
    assert response.status == 410
    assert page.inner_text("h1") == "This link has ended"
    check("link has ended")

    assert found == {}
    assert len(checked) == len(steps) + 6
    context.close()


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_page_a_question_page_and_the_check_page_pass_axe_wide_and_narrow(
    app, browser, live_server, link, scheme, width
):
    context = with_axe(
        browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    )
    page = context.new_page()
    client = app.test_client()
    fill_in(client, link, until="pem")  # the first page then lists the pages, with their state
    found = {}
    for path in ("", "/pem", "/check"):
        page.goto(f"{live_server}{link}{path}")
        wide = page.evaluate("document.documentElement.scrollWidth > innerWidth")
        found[path or "/"] = (axe_violations(page), wide)
    assert page.locator("main dl.summary > div").count() == 12  # one line a page
    assert found == {"/": ([], False), "/pem": ([], False), "/check": ([], False)}
    context.close()


# --- 4. Large targets; focus never hidden ---------------------------------------------------------


def test_choices_and_buttons_are_large_and_the_last_button_shows_when_focused(
    browser, live_server, link
):
    page = browser.new_page(viewport={"width": 390, "height": 640})
    page.goto(f"{live_server}{link}/comfort")  # radio groups and tick boxes
    rows = page.eval_on_selector_all(
        ".radio",
        """rows => rows.map(row => {
            const input = row.querySelector('input').getBoundingClientRect();
            const label = row.querySelector('label').getBoundingClientRect();
            const top = Math.min(input.top, label.top);
            const bottom = Math.max(input.bottom, label.bottom);
            return [row.textContent.trim(), row.getBoundingClientRect().height, bottom - top,
                    input.width, input.height];
        })""",
    )
    assert len(rows) >= 15
    # WCAG 2.5.8: the row, and the input with its label (one target), are 44px tall;
    # the box itself is at least 24px on its own.
    assert [r for r in rows if r[1] < 44 or r[2] < 44 or r[3] < 24 or r[4] < 24] == []
    buttons = page.eval_on_selector_all(
        "main button", "nodes => nodes.map(n => [n.textContent.trim(), n.offsetHeight])"
    )
    assert [text for text, _ in buttons] == [
        "Skip this page",
        "Save and continue",
        "Save and finish later",
    ]
    assert [(text, h) for text, h in buttons if h < 44] == []

    tab_to(page, "Save and finish later")
    shown = page.evaluate(
        """(() => {
            const b = document.activeElement, r = b.getBoundingClientRect();
            const points = [[r.left + r.width / 2, r.top + r.height / 2],
                            [r.left + 8, r.top + 8], [r.right - 8, r.bottom - 8]];
            return {
                inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight
                        && r.right <= innerWidth,
                onTop: points.every(([x, y]) => b.contains(document.elementFromPoint(x, y))),
                outline: getComputedStyle(b).outlineStyle,
            };
        })()"""
    )
    assert shown == {"inside": True, "onTop": True, "outline": "solid"}
    page.close()


# --- 5. The error sits next to its field ----------------------------------------------------------


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_an_impossible_date_is_tied_to_its_field_and_the_summary_leads_there(
    browser, live_server, link, javascript
):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server}{link}/about")
    tab_and_type(page, "Date of birth", "31 2 1990")
    save_and_continue(page, "About you")
    assert page.title().startswith("Please check: About you")

    field = page.locator("#date_of_birth")
    expect(page.locator(".field-error")).to_have_count(1)
    error = page.locator(".field-error", has=field).locator(".error")
    error_id = error.get_attribute("id")
    assert NO_SUCH_DATE in error.inner_text()
    # Right above the box it is about, not somewhere else on the page.
    gap = field.bounding_box()["y"] - (error.bounding_box()["y"] + error.bounding_box()["height"])
    assert 0 <= gap < 60
    assert error_id in (field.get_attribute("aria-describedby") or "").split()
    assert field.get_attribute("aria-invalid") == "true"
    expect(field).to_have_accessible_description(re.compile(re.escape(NO_SUCH_DATE)))
    expect(field).to_have_value("31 2 1990")  # what was typed stays

    summary_link = page.locator(".error-summary a")
    expect(summary_link).to_have_text(NO_SUCH_DATE)
    assert summary_link.get_attribute("href") == "#date_of_birth"
    tab_and_press(page, NO_SUCH_DATE, "Enter")
    expect(field).to_be_focused()
    context.close()
