"""Two-factor sign-in in real Chromium: setting the app up by keyboard from the key shown in
text, the recovery codes, and the code page, with axe in both colour schemes, wide and narrow."""

from __future__ import annotations

import pytest

from booking.domain.statuses import StaffRole
from tests.support.browser import axe_violations, tab_and_follow, tab_and_type
from tests.support.staff import EMAILS, PASSWORD, add_staff_member, code_now, ready_second_factor

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def type_password(page, base: str) -> None:
    page.goto(base + "/login")
    tab_and_type(page, "Email address", EMAILS[StaffRole.THERAPIST])
    tab_and_type(page, "Password", PASSWORD)
    tab_and_follow(page, "Sign in")


def checked(page, found: dict, name: str) -> None:
    """axe and sideways scroll on the page now shown."""
    found[name] = (axe_violations(page), page.evaluate(NO_SIDEWAYS_SCROLL))


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_setting_up_the_app_by_keyboard_and_signing_in_with_a_code(
    app, browser, live_server, scheme, width
):
    add_staff_member(app, StaffRole.THERAPIST)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    found: dict[str, tuple[list[str], bool]] = {}

    type_password(page, live_server)
    assert page.inner_text("h1") == "Set up two-factor sign-in"
    assert page.locator(".qr svg").count() == 1
    checked(page, found, "set up")
    # Typed by hand from the key in text, as someone whose phone cannot scan would.
    secret = page.inner_text("code.secret").replace(" ", "")
    tab_and_type(page, "Code from your app", "000000")
    tab_and_follow(page, "Confirm and sign in")
    assert "That code did not work" in page.inner_text(".error-summary")
    checked(page, found, "set up, wrong code")
    page.fill("#code", "")
    with app.app_context():
        code = code_now(secret)
    tab_and_type(page, "Code from your app", code)
    tab_and_follow(page, "Confirm and sign in")
    assert page.inner_text("h1") == "Keep your recovery codes"
    assert page.locator(".recovery-codes li").count() == 10
    checked(page, found, "recovery codes")
    tab_and_follow(page, "I have kept them")
    assert page.url.endswith("/dashboard/")
    context.close()

    # The next sign-in, in a fresh browser: the code page.
    ready_second_factor(app, EMAILS[StaffRole.THERAPIST])  # the clock stands still in tests
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    type_password(page, live_server)
    assert page.inner_text("h1") == "Your sign-in code"
    checked(page, found, "code")
    with app.app_context():
        code = code_now(secret)
    tab_and_type(page, "Code", code)
    tab_and_follow(page, "Sign in")
    assert page.url.endswith("/dashboard/")
    context.close()
    assert found == dict.fromkeys(found, ([], True))
