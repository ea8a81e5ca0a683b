"""Phone-first: every client page reflows at 320px and 390px with no sideways scroll, and
radios and tick boxes stay at least 24px whatever their labels do (WCAG 1.4.10, 2.5.8)."""

from __future__ import annotations

import pytest

from tests.support.booking import book_as_client
from tests.support.browser import axe_violations
from tests.support.intake import GOOD_PAGES, fill_in, intake_link

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("practice")]

FIRST = "/book/first-gentle-session"
DETAILS = FIRST + "/details?start=2026-11-23T10:15:00%2B00:00&practitioner="


@pytest.fixture
def client_pages(app, client) -> list[str]:
    """The pages a client meets, from the home page to the questionnaire and the manage page."""
    token = book_as_client(app)
    link = intake_link(client, token)
    fill_in(client, link)  # every page answered, so the energy pages are there too
    manage = f"/manage/{token}"
    return [
        "/",
        "/book",
        FIRST,
        DETAILS,
        "/call-me",
        f"/book/booked/{token}",
        manage,
        f"{manage}/move",
        f"{manage}/cancel",
        f"{manage}/shorten",
        link,
        *(f"{link}/{step}" for step in GOOD_PAGES),
        f"{link}/check",
    ]


def sideways_scroll(page) -> int:
    """How far the page scrolls sideways: 0 when it reflows."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def small_choices(page) -> list[tuple[str, float, float]]:
    """Radios and tick boxes drawn smaller than 24px, with their label's start."""
    return page.eval_on_selector_all(
        "input[type=radio], input[type=checkbox]",
        "nodes => nodes.filter(n => n.offsetParent !== null).map(n => {"
        " const r = n.getBoundingClientRect();"
        " return [(n.labels[0] || n).textContent.trim().slice(0, 40), r.width, r.height]; })"
        ".filter(([, w, h]) => w < 24 || h < 24)",
    )


@pytest.mark.parametrize("width", [320, 390])
def test_every_client_page_reflows_and_keeps_its_choices_large(
    browser, live_server, client_pages, width
):
    page = browser.new_page(viewport={"width": width, "height": 800})
    wide, small = {}, {}
    for path in client_pages:
        page.goto(live_server + path)
        assert page.url == live_server + path  # the page itself, not one it sent us on to
        if page.is_visible("input[value=other]"):
            page.check("input[value=other]")  # the carer's questions, on the details page
        if sideways_scroll(page) > 0:
            wide[path] = sideways_scroll(page)
        if small_choices(page):
            small[path] = small_choices(page)
    assert wide == {}
    assert small == {}
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("path", ["/", FIRST, DETAILS])
def test_the_booking_pages_pass_axe_on_a_phone_and_a_desk(
    browser, live_server, scheme, width, path
):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server + path)
    assert axe_violations(page) == []
    if page.is_visible("summary"):
        page.click("summary")  # "N more times this afternoon", opened
        assert axe_violations(page) == []
    context.close()
