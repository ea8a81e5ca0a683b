"""The framed booking flow in Chromium, inside a page of another site.

The host page is served from http://localhost:PORT and the app from http://127.0.0.1:PORT:
different sites to the browser, so the frame is a cross-site frame, as on the practice's own
web site. Chromium neither sends nor stores a SameSite=Lax cookie in such a frame, whatever
its third-party cookie setting, so these tests book with no session cookie at all (and check
that none was set).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from booking.views.embedding import embed_snippet
from tests.support.browser import axe_violations, small_targets

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("practice")]

HOST_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Still Waters: book online</title></head>
<body>
<main>
<h1>Book online</h1>
<p><a href="#after">A link on the host page before the frame</a></p>
{snippet}
<p id="after">The rest of the practice's own page.</p>
</main>
</body></html>
"""


class HostSite:
    """A tiny web site of the practice's own on another origin, framing the booking pages."""

    def __init__(self) -> None:
        self.html = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # "localhost", not 127.0.0.1: another site to the browser than the booking app.
        self.origin = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def host(app, live_server) -> Iterator[HostSite]:
    """The host site, listed as allowed, with the snippet from Practice settings pasted in."""
    site = HostSite()
    app.config["BASE_URL"] = live_server
    app.config["EMBED_ALLOWED_ORIGINS"] = (site.origin,)
    with app.test_request_context():
        site.html = HOST_PAGE.format(snippet=embed_snippet().unescape())
    yield site
    site.close()


def booking_frame(page):
    """The booking frame's document, once its page has loaded."""
    handle = page.wait_for_selector("#booking-frame")
    frame = handle.content_frame()
    frame.wait_for_load_state()
    return frame


FOCUSED_NAME = (
    "(() => { const e = document.activeElement;"
    " return (e.labels && e.labels[0] ? e.labels[0].textContent"
    " : (e.getAttribute('aria-label') || e.textContent)).trim(); })()"
)


def tab_in_frame(page, frame, name: str, limit: int = 200) -> None:
    """Press Tab (on the whole page, as a person does) until the focused element inside the
    frame is `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if frame.evaluate("document.hasFocus()") and frame.evaluate(FOCUSED_NAME).startswith(name):
            return
    raise AssertionError(f"could not reach {name!r} in the frame with the Tab key")


def follow_in_frame(page, frame, name: str) -> None:
    """Tab to `name` in the frame, press Enter, and wait for the frame's next page."""
    tab_in_frame(page, frame, name)
    with frame.expect_navigation():
        page.keyboard.press("Enter")


def type_in_frame(page, frame, label: str, text: str) -> None:
    tab_in_frame(page, frame, label)
    page.keyboard.type(text)


def frame_fits_its_page(page, frame) -> bool:
    framed_height = frame.evaluate(
        "Math.ceil(document.documentElement.getBoundingClientRect().height)"
    )
    frame_height = page.evaluate(
        "document.getElementById('booking-frame').getBoundingClientRect().height"
    )
    return abs(framed_height - frame_height) <= 1


def wait_until_fitted(page, frame) -> None:
    framed_height = frame.evaluate(
        "Math.ceil(document.documentElement.getBoundingClientRect().height)"
    )
    page.wait_for_function(
        "h => Math.abs(document.getElementById('booking-frame')"
        ".getBoundingClientRect().height - h) <= 1",
        arg=framed_height,
        timeout=5000,
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_booking_by_keyboard_inside_the_practices_own_page(browser, live_server, host, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(host.origin + "/")
    frame = booking_frame(page)
    assert frame.url.endswith("/embed/book")
    assert frame.evaluate("document.querySelector('h1').textContent") == (
        "What would you like to book?"
    )
    if javascript:
        wait_until_fitted(page, frame)  # the host page's frame grows to the booking page
    else:
        assert page.evaluate("document.getElementById('booking-frame').offsetHeight") == 900
        assert not frame_fits_its_page(page, frame)  # it scrolls inside the fixed height

    follow_in_frame(page, frame, "Choose first gentle session")
    follow_in_frame(page, frame, "Choose this time")
    assert frame.url.split("?")[0].endswith("/embed/book/first-gentle-session/details")
    # A mistake first: the message sits next to the field, and what was typed stays.
    type_in_frame(page, frame, "Full name", "Ann Smith")
    follow_in_frame(page, frame, "Book this session")
    assert "Please give an email address or a phone number" in frame.inner_text("#email-error")
    assert frame.input_value("#name") == "Ann Smith"
    # Changing the time keeps what was typed, with no cookie: it rides along, sealed.
    follow_in_frame(page, frame, "Change the time")
    assert "/embed/book/first-gentle-session" in frame.url
    follow_in_frame(page, frame, "Choose this time")
    assert frame.input_value("#name") == "Ann Smith"
    type_in_frame(page, frame, "Phone (optional if you give an email)", "07700 900123")
    follow_in_frame(page, frame, "Book this session")
    assert frame.inner_text("h1") == "You are booked"
    assert "/embed/book/booked/" in frame.url
    if javascript:
        wait_until_fitted(page, frame)  # and follows each page, shorter or taller
    # The private link opens in a tab of its own: the manage page is never framed.
    tab_in_frame(page, frame, "http://127.0.0.1")
    with context.expect_page() as opened:
        page.keyboard.press("Enter")
    manage = opened.value
    manage.wait_for_load_state()
    assert manage.url.startswith(live_server + "/manage/")
    assert manage.inner_text("h1") == "Your session"
    assert page.url == host.origin + "/"  # the host page stays where it was
    # No cookie of ours was set or needed in the frame: the host page is another site.
    assert [c for c in context.cookies() if c["name"] == "session"] == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 320])
def test_the_framed_pages_pass_axe_in_both_colour_schemes_and_widths(browser, host, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(host.origin + "/")
    frame = booking_frame(page)
    checked = []

    def step_passes_axe() -> None:
        assert axe_violations(frame) == [], frame.url
        if width == 320:
            assert small_targets(frame) == [], frame.url
            scroll = frame.evaluate("document.documentElement.scrollWidth")
            assert scroll <= frame.evaluate("window.innerWidth"), "no sideways scrolling"
        checked.append(frame.evaluate("document.title"))

    step_passes_axe()
    follow_in_frame(page, frame, "Choose first gentle session")
    step_passes_axe()
    follow_in_frame(page, frame, "Choose this time")
    follow_in_frame(page, frame, "Book this session")  # nothing typed: messages shown
    step_passes_axe()
    type_in_frame(page, frame, "Full name", "Ann Smith")
    type_in_frame(page, frame, "Email (optional if you give a phone number)", "ann@example.com")
    follow_in_frame(page, frame, "Book this session")
    assert frame.inner_text("h1") == "You are booked"
    step_passes_axe()
    frame.goto(frame.url.split("/embed/")[0] + "/embed/book/no-such-session")
    assert frame.inner_text("h1") == "We cannot find that page"  # shown in the frame too
    step_passes_axe()
    assert len(checked) == 5
    context.close()


def test_the_skip_link_and_focus_are_visible_inside_the_frame(browser, host):
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    page.goto(host.origin + "/")
    frame = booking_frame(page)
    tab_in_frame(page, frame, "Skip to main content")
    outline = frame.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.id") == "main"
    page.close()


def test_a_site_not_listed_cannot_show_the_booking_pages(browser, app, host):
    app.config["EMBED_ALLOWED_ORIGINS"] = ("https://www.stillwaters-massage.co.uk",)
    page = browser.new_page()
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.goto(host.origin + "/")  # Chromium names the rule when it refuses the frame
    frame = page.query_selector("#booking-frame").content_frame()
    assert "/embed/book" not in frame.url  # Chromium's error page instead
    page.close()
