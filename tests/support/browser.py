"""Driving Debian's Chromium through Playwright: keyboard steps, axe-core, target sizes.

The `browser` and `live_server` fixtures are in conftest.py; these are the helpers the browser
tests share.
"""

from __future__ import annotations

from pathlib import Path

from booking.domain.statuses import StaffRole
from tests.support.staff import EMAILS, PASSWORD, code_now, ready_second_factor

# The app the live server serves (set by the `live_server` fixture): the sign-in helper reads
# the account's authenticator secret from it, as a person reads their phone.
LIVE: dict[str, object] = {}

# Debian's Chromium, never a browser Playwright downloads, started quietly and headless.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# WCAG 2.0, 2.1 and 2.2, levels A and AA, as axe-core tags them.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Controls and stand-alone links: what must be at least 44px tall (WCAG 2.5.8, with room to
# spare). Tick boxes and radio buttons are checked as their whole labelled row instead.
CONTROLS = (
    "a.action, button, select, textarea, summary, input:not([type=checkbox]):not([type=radio])"
)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.0-2.2 A and AA rules on the page as it is now; one line a violation.

    axe is put into the page unless it is there already (see with_axe in
    test_intake_browser.py, which loads it into every page as it opens).
    """
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {
        "runOnly": {"type": "tag", "values": WCAG_AA_TAGS},
        "resultTypes": ["violations"],  # the same rules; less to send back for passes
    }
    results = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target'][0]) for n in v['nodes'])})"
        for v in results["violations"]
    ]


def small_targets(
    page, selector: str = CONTROLS, *, hidden_too: bool = False
) -> list[tuple[str, float]]:
    """The elements matching `selector` that are shorter than 44px, as (text, height).

    Elements that are not shown (no offsetParent) are left out unless `hidden_too`.
    """
    shown = "" if hidden_too else ".filter(n => n.offsetParent !== null)"
    heights = page.eval_on_selector_all(
        selector,
        f"nodes => nodes{shown}"
        ".map(n => [n.textContent.trim() || n.id, n.getBoundingClientRect().height])",
    )
    assert heights, f"nothing on the page matches {selector!r}"
    return [(text, height) for text, height in heights if height < 44]


def tab_to(page, name: str, limit: int = 200) -> None:
    """Press Tab until the focused element's text or label starts with `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.labels && e.labels[0] ? e.labels[0].textContent"
            " : (e.getAttribute('aria-label') || e.textContent)).trim(); })()"
        )
        if focused.startswith(name):
            return
    raise AssertionError(f"could not reach {name!r} with the Tab key")


def follow(page) -> None:
    """Press Enter on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_and_follow(page, name: str) -> None:
    """Tab to the link or button `name`, press Enter, and wait for the next page."""
    tab_to(page, name)
    follow(page)


def tab_and_press(page, name: str, key: str) -> None:
    """Tab to `name` and press `key` (Space ticks a box, arrow keys choose in a radio group)."""
    tab_to(page, name)
    page.keyboard.press(key)


def tab_and_type(page, label: str, text: str) -> None:
    """Tab to the field labelled `label` and type `text` into it."""
    tab_to(page, label)
    page.keyboard.type(text)


def sign_in_by_keyboard(page, role: StaffRole) -> None:
    """On the sign-in page: type the role's email and password, Tab to Sign in, press Enter,
    and wait for the page it leads to."""
    secret = ready_second_factor(LIVE["app"], EMAILS[role]) if "app" in LIVE else None
    tab_and_type(page, "Email address", EMAILS[role])
    tab_and_type(page, "Password", PASSWORD)
    tab_and_follow(page, "Sign in")
    if secret is not None and page.url.endswith("/login/code"):
        with LIVE["app"].app_context():
            code = code_now(secret)
        tab_and_type(page, "Code", code)
        tab_and_follow(page, "Sign in")
