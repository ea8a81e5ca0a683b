"""Real Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a live server."""

from __future__ import annotations

import pytest

from tests.support.browser import (
    axe_violations,
    small_targets,
    tab_and_follow,
    tab_and_type,
    tab_to,
)

# Every test here opens the demo practice.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("practice")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/a-page-that-is-not-there"])
def test_pages_pass_axe_wcag_22_aa_in_both_colour_schemes(browser, live_server, scheme, path):
    context = browser.new_context(color_scheme=scheme, bypass_csp=False)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server + path)

    assert axe_violations(page) == []
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is (scheme == "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(20, 25, 23)" if scheme == "dark" else "rgb(248, 246, 241)")
    # No CDNs, no web fonts, nothing from anywhere else.
    assert [url for url in requested if not url.startswith(live_server)] == []
    context.close()


def test_keyboard_users_can_skip_to_the_content(browser, live_server):
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    top, bottom, height = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect();"
        " return [r.top, r.bottom, r.height]; })()"
    )
    assert top >= 0 and bottom <= 800 and height >= 44  # on screen once focused, not hidden
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


@pytest.mark.parametrize("path", ["/", "/a-page-that-is-not-there"])
def test_controls_and_standalone_links_are_at_least_44px_tall(browser, live_server, path):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server + path)
    selector = "a.action, a.site-name, button, input, select, textarea"
    assert small_targets(page, selector, hidden_too=True) == []
    page.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_first_session_can_be_booked_with_the_keyboard_alone(browser, live_server, javascript):
    """The whole booking, keyboard only; with JavaScript on, axe checks every step on the way."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    checked: list[str] = []

    def step_passes_axe() -> None:
        if javascript:
            assert axe_violations(page) == [], page.url
            checked.append(page.title())

    page.goto(live_server + "/")
    tab_and_follow(page, "Book a session")
    step_passes_axe()
    tab_and_follow(page, "Choose first gentle session")
    step_passes_axe()
    tab_and_follow(page, "Choose this time")
    step_passes_axe()
    # Leave out the contact details first: the message sits next to the field, nothing is lost.
    tab_and_type(page, "Full name", "Ann Smith")
    tab_and_follow(page, "Continue")
    assert "Please give an email address or a phone number" in page.inner_text("#email-error")
    assert page.input_value("#name") == "Ann Smith"
    step_passes_axe()
    tab_and_type(page, "Phone (optional if you give an email)", "07700 900123")
    tab_and_follow(page, "Continue")
    assert page.title().startswith("Check your answers")
    step_passes_axe()
    tab_and_follow(page, "Book this session")
    assert page.inner_text("h1") == "You are booked"
    step_passes_axe()
    tab_to(page, "Add to your calendar")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "massage-session.ics"
    manage_path = page.get_attribute(".private-link a", "href")
    assert page.inner_text(".private-link").endswith(manage_path)  # shown in full, on BASE_URL
    page.goto(live_server + manage_path)
    assert page.inner_text("h1") == "Your session"
    step_passes_axe()
    if javascript:
        assert len(checked) == 7  # every step from choosing a service to the manage page
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_times_page_passes_axe_and_targets_are_large(browser, live_server, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/book/first-gentle-session")
    assert axe_violations(page) == []
    assert small_targets(page, "a.action, button, input", hidden_too=True) == []
    context.close()
