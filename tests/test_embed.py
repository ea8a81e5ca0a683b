"""Booking from the practice's own web site: /embed/book in a frame.

Only the listed sites may frame it, every other page stays unframeable, the framed forms work
with no cookie at all (as in a cross-site frame), forged posts are refused kindly, and a booking
made in the frame follows exactly the same rules as one made on the site.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

import config
from booking.domain import settings as domain
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, Client, PracticeSetting
from booking.services.practice import settings
from tests.support.pages import csrf_token, text_of
from tests.support.staff import page_token, signed_in_client

FIRST = "first-gentle-session"
MONDAY_FIRST_SLOT = "2026-11-23T10:15:00+00:00"
SITE = "https://www.stillwaters-massage.co.uk"
OTHER_SITE = "https://booking-friends.example.org"
# The test client's requests come from http://localhost, the app's own origin there.
OWN = {"Origin": "http://localhost"}


# --- Which web sites may frame the pages: checked strictly, as they go into a header -------------


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://www.example.co.uk", "https://www.example.co.uk"),
        ("  HTTPS://WWW.Example.CO.UK/ ", "https://www.example.co.uk"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("https://example.com:443", "https://example.com"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://127.0.0.1:5001", "http://127.0.0.1:5001"),
    ],
)
def test_a_site_address_is_read_as_a_browser_writes_its_origin(raw, origin):
    assert domain.parse_origin(raw) == origin


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("*", "not a web site address we can use"),
        ("'none'", "not a web site address we can use"),
        ("'self'", "not a web site address we can use"),
        ("https://*.example.com", "not a web site address we can use"),
        ("https://example.com/booking", "not a web site address we can use"),
        ("https://example.com;script-src", "not a web site address we can use"),
        ("https://example.com'", "not a web site address we can use"),
        ('https://example.com"', "not a web site address we can use"),
        ("www.example.com", "not a web site address we can use"),
        ("javascript:alert(1)", "not a web site address we can use"),
        ("data:text/html,hi", "not a web site address we can use"),
        ("https://user@example.com", "not a web site address we can use"),
        ("https://example.com?x=1", "not a web site address we can use"),
        ("https://-bad-.com", "not a web site address we can use"),
        ("http://example.com", "Please use the https:// address"),
        ("https://example", "missing the end of its name"),
        ("https://example.com:0", "port number that cannot be right"),
        ("https://example.com:70000", "port number that cannot be right"),
    ],
)
def test_anything_but_a_plain_site_address_is_refused_in_plain_words(raw, message):
    with pytest.raises(domain.SettingError) as problem:
        domain.parse_origin(raw)
    assert message in str(problem.value)


def test_a_list_is_read_by_commas_or_spaces_without_repeats_and_within_its_column():
    assert domain.parse_origins("") == ()
    assert domain.parse_origins(f"{SITE}, {OTHER_SITE}\n{SITE}/") == (SITE, OTHER_SITE)
    with pytest.raises(domain.SettingError, match="200 characters or fewer"):
        domain.parse_origins(", ".join(f"https://site{n}.example.co.uk" for n in range(8)))
    # Whatever is typed, what reaches the header is letters, digits, dots, colons and slashes.
    for origin in domain.parse_origins(f"{SITE} http://localhost:5001"):
        assert re.fullmatch(r"[a-z0-9.:/\-\[\]]+", origin)


def test_the_default_comes_from_the_environment_and_a_bad_one_stops_start_up():
    listed = config.TestingConfig(environ={"EMBED_ALLOWED_ORIGINS": f"{SITE}/,{OTHER_SITE}"})
    assert listed.EMBED_ALLOWED_ORIGINS == (SITE, OTHER_SITE)
    assert config.TestingConfig(environ={}).EMBED_ALLOWED_ORIGINS == ()
    with pytest.raises(config.ConfigError, match="EMBED_ALLOWED_ORIGINS"):
        config.TestingConfig(environ={"EMBED_ALLOWED_ORIGINS": "*"})


# --- Headers: only /embed/ pages may be framed, and only by the listed sites ---------------------


@pytest.fixture
def framed(app, practice):
    """The demo practice, with its own web site allowed to frame the booking pages."""
    app.config["EMBED_ALLOWED_ORIGINS"] = (SITE,)
    return app


def frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]+)", response.headers["Content-Security-Policy"])[1]


def framed_booking(client, **fields):
    """Go through the framed steps with no cookies, as in a cross-site frame; the answer to
    pressing Book."""
    times = client.get(f"/embed/book/{FIRST}")
    href = unescape(re.search(r'href="(/embed/book/[^"]+/details\?[^"]+)"', times.text)[1])
    page = client.get(href)
    return post_details(client, page, **fields)


def post_details(client, page, headers=OWN, **fields):
    form = {
        "csrf_token": csrf_token(page),
        "booking_key": hidden(page)["booking_key"],
        "action": "book",
        "start": hidden(page)["start"],
        "practitioner": "",
        "for_whom": "self",
        "name": "Ann Smith",
        "email": "ann@example.com",
        "phone": "",
        "send_to": "client",
    } | fields
    return client.post(f"/embed/book/{FIRST}/details", data=form, headers=headers)


def hidden(response) -> dict[str, str]:
    found = {}
    for tag in re.findall(r"<input [^>]*>", response.text):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden":
            found[attributes["name"]] = unescape(attributes.get("value", ""))
    return found


@pytest.fixture
def cookieless(framed):
    """A browser in a cross-site frame: our session cookie is never sent back."""
    return framed.test_client(use_cookies=False)


def test_the_framed_pages_name_exactly_the_listed_sites(framed, cookieless):
    booked = framed_booking(cookieless)
    assert booked.status_code == 303
    for path in [
        "/embed/book",
        f"/embed/book/{FIRST}",
        f"/embed/book/{FIRST}/details?start={MONDAY_FIRST_SLOT}",
        booked.headers["Location"],
        "/embed/book/no-such-service",  # the kind 404 shows inside the frame too
    ]:
        response = cookieless.get(path)
        assert frame_ancestors(response) == SITE, path
        assert "X-Frame-Options" not in response.headers, path
        assert response.headers["Referrer-Policy"] == "same-origin", path


def test_every_other_page_still_refuses_every_frame(framed, cookieless):
    booked = cookieless.get(framed_booking(cookieless).headers["Location"])
    manage = re.search(r'href="(/manage/[\w-]+)"', booked.text)[1]
    intake = re.search(r'href="(/intake/[^"]+)"', booked.text)[1]
    staff = signed_in_client(framed, StaffRole.ADMIN)
    for client, path in [
        (cookieless, "/"),
        (cookieless, "/book"),
        (cookieless, f"/book/{FIRST}"),
        (cookieless, manage),
        (cookieless, manage + "/calendar.ics"),
        (cookieless, intake),
        (cookieless, "/call-me"),
        (cookieless, "/login"),
        (cookieless, "/embedded"),  # not under /embed/
        (staff, "/dashboard/"),
        (staff, "/dashboard/settings"),
    ]:
        response = client.get(path)
        assert frame_ancestors(response) == "'none'", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path


def test_with_no_site_listed_the_framed_pages_cannot_be_framed_at_all(app, practice):
    response = app.test_client().get("/embed/book")
    assert response.status_code == 200
    assert frame_ancestors(response) == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "embed-frame.js" not in response.text  # no one to tell the height to


def test_a_list_saved_by_admin_replaces_the_configured_one(framed, cookieless):
    with framed.app_context():
        db.session.add(PracticeSetting(key="embed_origins", value=f"{OTHER_SITE}, {SITE}"))
        db.session.commit()
    response = cookieless.get("/embed/book")
    assert frame_ancestors(response) == f"{OTHER_SITE} {SITE}"
    assert f'data-origins="{OTHER_SITE} {SITE}"' in response.text


# --- The framed flow: minimal chrome, staying in the frame, no cookie needed ---------------------


def test_the_framed_pages_keep_the_calm_page_but_drop_the_site_around_it(cookieless):
    page = cookieless.get("/embed/book")
    assert 'class="skip-link" href="#main"' in page.text
    assert "site-header" not in page.text and "site-footer" not in page.text
    assert "Need a hand? Call us on" in page.text
    assert 'src="/static/' in page.text and f'data-origins="{SITE}"' in page.text
    assert "Step 1 of 3" in text_of(page)


def links_of(response) -> list[str]:
    return [
        unescape(h)
        for h in re.findall(r'<(?:a|form)\b[^>]*(?:href|action)="([^"]+)"', response.text)
    ]


def test_every_step_links_and_posts_only_inside_the_frame(cookieless):
    leaving = re.compile(r"^(/embed/|#|tel:|mailto:)")
    services = cookieless.get("/embed/book")
    times = cookieless.get(f"/embed/book/{FIRST}")
    href = unescape(re.search(r'href="(/embed/book/[^"]+/details\?[^"]+)"', times.text)[1])
    details = cookieless.get(href)
    waitlist = f"/waitlist/{FIRST}"
    for page, leaves_for in [(services, ["/call-me"]), (times, [waitlist]), (details, [])]:
        assert [link for link in links_of(page) if not leaving.match(link)] == leaves_for
    # Pages that are never framed open in a tab of their own.
    call_me = re.search(r'<a [^>]*href="/call-me"[^>]*>', services.text)[0]
    assert 'target="_blank"' in call_me and 'rel="noopener"' in call_me
    wait = re.search(rf'<a [^>]*href="{waitlist}"[^>]*>', times.text)[0]
    assert 'target="_blank"' in wait and 'rel="noopener"' in wait
    assert 'action="/embed/book/first-gentle-session/details"' in details.text


def test_booking_in_the_frame_with_no_cookie_at_all(framed, cookieless):
    booked = framed_booking(cookieless, phone="07700 900123", email="")
    assert booked.status_code == 303
    assert booked.headers["Location"].startswith("/embed/book/booked/")
    page = cookieless.get(booked.headers["Location"])
    words = text_of(page)
    assert "You are booked" in words and "Monday 23 November at 10:15am" in words
    # The private pages are never framed: they open in a tab of their own.
    for link in re.findall(r'<a [^>]*href="/(?:manage|intake)/[^>]*>', page.text):
        assert 'target="_blank"' in link and 'rel="noopener"' in link, link
    assert "opens in a new tab" in words
    with framed.app_context():
        booking = db.session.scalars(select(Booking)).one()
        assert booking.client.phone == "+447700900123"
        assert booking.service.slug == FIRST


def test_the_framed_booking_is_the_same_as_one_made_on_the_site(framed, cookieless):
    assert framed_booking(cookieless).status_code == 303
    on_site = framed.test_client()
    page = on_site.get(f"/book/{FIRST}/details", query_string={"start": MONDAY_FIRST_SLOT})
    form = hidden(page) | {"csrf_token": csrf_token(page), "action": "book", "for_whom": "self"}
    form |= {"name": "Bob Jones", "email": "bob@example.com", "send_to": "client"}
    assert on_site.post(f"/book/{FIRST}/details", data=form).status_code == 409  # taken
    with framed.app_context():
        framed_one = db.session.scalars(select(Booking)).one()
        assert (framed_one.status, framed_one.practitioner.name) == ("confirmed", "Maya Okafor")


def test_pressing_book_twice_in_the_frame_books_once(framed, cookieless):
    times = cookieless.get(f"/embed/book/{FIRST}")
    href = unescape(re.search(r'href="(/embed/book/[^"]+/details\?[^"]+)"', times.text)[1])
    page = cookieless.get(href)
    first, second = post_details(cookieless, page), post_details(cookieless, page)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with framed.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_the_first_visit_rule_holds_in_the_frame(cookieless):
    page = cookieless.get(
        "/embed/book/gentle-massage/details", query_string={"start": MONDAY_FIRST_SLOT}
    )
    form = hidden(page) | {"csrf_token": csrf_token(page), "action": "book", "for_whom": "self"}
    form |= {"name": "Ann Smith", "email": "ann@example.com", "send_to": "client"}
    response = cookieless.post("/embed/book/gentle-massage/details", data=form, headers=OWN)
    assert response.status_code == 422
    words = text_of(response)
    assert "shorter, gentler one, so your body can get used to it" in words
    steer = re.search(r'href="([^"]+)">Choose a time for first gentle session', response.text)
    assert steer and steer[1].startswith(f"/embed/book/{FIRST}?draft=")  # details kept


def test_a_taken_time_offers_nearby_times_and_books_one_in_the_frame(framed, cookieless):
    times = cookieless.get(f"/embed/book/{FIRST}")
    href = unescape(re.search(r'href="(/embed/book/[^"]+/details\?[^"]+)"', times.text)[1])
    page = cookieless.get(href)
    assert (
        framed_booking(
            framed.test_client(use_cookies=False), name="Bob", email="bob@example.com"
        ).status_code
        == 303
    )
    taken = post_details(cookieless, page, preferred_name="Annie")
    assert taken.status_code == 409
    words = text_of(taken)
    assert "that time was just taken" in words and "Free times nearby" in words
    assert 'action="/embed/book/first-gentle-session/confirm"' in taken.text
    offered = re.search(r'name="start" id="start-1" value="([^"]+)"', taken.text)[1]
    form = hidden(taken) | {"csrf_token": csrf_token(taken), "action": "confirm", "start": offered}
    again = cookieless.post(f"/embed/book/{FIRST}/confirm", data=form, headers=OWN)
    assert again.status_code == 303
    assert again.headers["Location"].startswith("/embed/book/booked/")
    with framed.app_context():
        assert "Annie" in db.session.scalars(select(Client.preferred_name)).all()


@pytest.mark.parametrize(
    ("action", "goes_to"),
    [("time", f"/embed/book/{FIRST}?from=2026-11-23&draft="), ("session", "/embed/book?draft=")],
)
def test_changing_a_choice_in_the_frame_keeps_what_was_typed_with_no_cookie(
    framed, cookieless, action, goes_to
):
    page = details_page(cookieless)
    back = post_details(cookieless, page, action=action, preferred_name="Annie", email="ann@")
    assert back.status_code == 303
    assert back.headers["Location"].startswith(goes_to)
    assert "Annie" not in back.headers["Location"] and "ann@" not in back.headers["Location"]
    # Every step on the way carries the details on, sealed, until the next time is chosen.
    step = cookieless.get(back.headers["Location"])
    if action == "session":
        href = unescape(
            re.search(r'href="(/embed/book/first-gentle-session\?[^"]+)"', step.text)[1]
        )
        step = cookieless.get(href)
    later = re.findall(r'href="(/embed/book/[^"]+/details\?[^"]+)"', step.text)[-1]
    assert "draft=" in later
    again = cookieless.get(unescape(later))
    assert 'value="Annie"' in again.text and 'value="ann@"' in again.text
    assert post_details(cookieless, again, preferred_name="Annie").status_code == 303


def test_a_tampered_draft_is_ignored(cookieless):
    page = cookieless.get(
        f"/embed/book/{FIRST}/details",
        query_string={"start": MONDAY_FIRST_SLOT, "draft": "gAAAAAforged"},
    )
    assert page.status_code == 200
    assert "draft=" not in page.text
    assert 'value="Ann' not in page.text


# --- Forged posts: refused kindly, nothing booked ---------------------------------------------


def details_page(client, slug=FIRST):
    return client.get(f"/embed/book/{slug}/details", query_string={"start": MONDAY_FIRST_SLOT})


@pytest.mark.parametrize(
    "headers",
    [
        {},  # neither Origin nor Referer
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Origin": "https://www.stillwaters-massage.co.uk.evil.example"},
        {"Referer": "https://evil.example/page"},
    ],
    ids=["nowhere", "null", "other site", "look-alike", "other referrer"],
)
def test_a_post_from_anywhere_else_is_refused_with_a_kind_page(framed, cookieless, headers):
    response = post_details(cookieless, details_page(cookieless), headers=headers)
    assert response.status_code == 400
    assert "Sorry, we could not understand that" in text_of(response)
    assert frame_ancestors(response) == SITE  # the kind page shows inside the frame
    assert "site-header" not in response.text  # in the frame's layout, its way on in the frame
    assert 'href="/embed/book">Start booking again' in response.text
    with framed.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


@pytest.mark.parametrize(
    "headers",
    [OWN, {"Origin": SITE}, {"Referer": "http://localhost/embed/book"}],
    ids=["own origin", "listed site", "own referrer"],
)
def test_a_post_from_this_site_or_a_listed_one_is_accepted(framed, cookieless, headers):
    assert post_details(cookieless, details_page(cookieless), headers=headers).status_code == 303


def test_a_missing_or_wrong_form_token_books_nothing_and_keeps_what_was_typed(framed, cookieless):
    page = details_page(cookieless)
    other_service = csrf_token(details_page(cookieless, slug="gentle-massage"))
    for token in ["", "forged", other_service, csrf_token(page)[:-2] + "xx"]:
        response = post_details(cookieless, page, csrf_token=token, preferred_name="Annie")
        assert response.status_code == 400, token
        assert "Everything you typed is still here" in text_of(response)
        assert hidden(response)["start"] == MONDAY_FIRST_SLOT
        assert 'value="Annie"' in response.text
    with framed.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_an_old_form_token_asks_for_one_more_press(framed, cookieless, monkeypatch):
    import itsdangerous.timed

    page = details_page(cookieless)
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() - 25 * 3600)
    old = details_page(cookieless)
    monkeypatch.setattr(itsdangerous.timed.time, "time", real_time)
    response = post_details(cookieless, page, csrf_token=csrf_token(old))
    assert response.status_code == 400
    assert "Please press the button again" in text_of(response)
    again = post_details(cookieless, response)  # the page's fresh token
    assert again.status_code == 303


def test_the_main_flow_still_needs_its_session_token(framed):
    client = framed.test_client()
    page = client.get(f"/book/{FIRST}/details", query_string={"start": MONDAY_FIRST_SLOT})
    framed_token = csrf_token(details_page(framed.test_client(use_cookies=False)))
    form = hidden(page) | {"csrf_token": framed_token, "action": "book", "for_whom": "self"}
    form |= {"name": "Ann Smith", "email": "ann@example.com", "send_to": "client"}
    assert client.post(f"/book/{FIRST}/details", data=form).status_code == 400


# --- Practice settings: the list and the snippet ----------------------------------------------


SETTINGS_FORM = {
    "first_month_gap_days": "7",
    "min_notice_hours": "12",
    "max_advance_days": "90",
    "reminder_local_time": "10:00",
    "followup_hours": "48",
    "intake_nudge_days": "3",
    "default_quiet_from": "",
    "default_quiet_until": "",
}


def save_settings(client, **values):
    body = client.get("/dashboard/settings").text
    seen = body.split('name="seen" type="hidden" value="')[1].split('"')[0]
    data = SETTINGS_FORM | {"seen": seen, "csrf_token": page_token(client)} | values
    return client.post("/dashboard/settings", data=data)


def test_admin_lists_the_sites_and_sees_the_snippet_to_paste(app, practice):
    admin = signed_in_client(app, StaffRole.ADMIN)
    page = admin.get("/dashboard/settings")
    words = text_of(page)
    assert "No site is listed yet" in words
    snippet = unescape(
        re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', page.text, re.S)[1]
    )
    assert '<iframe id="booking-frame" src="http://127.0.0.1:5000/embed/book"' in snippet
    assert 'title="Book a session"' in snippet
    assert '<script src="http://127.0.0.1:5000/static/embed-parent.js"' in snippet
    saved = save_settings(admin, embed_origins=f"{SITE}/, {OTHER_SITE}")
    assert saved.status_code == 303
    words = text_of(admin.get("/dashboard/settings"))
    assert f"sites showing the booking pages: none → {SITE}, {OTHER_SITE}" in words
    assert "No site is listed yet" not in words
    with app.app_context():
        assert settings.current().embed_origins == (SITE, OTHER_SITE)
    assert frame_ancestors(app.test_client().get("/embed/book")) == f"{SITE} {OTHER_SITE}"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("*", "is not a web site address we can use"),
        (f"{SITE}; script-src *", "is not a web site address we can use"),
        ("http://www.example.co.uk", "Please use the https:// address"),
        (", ".join(f"https://site{n}.example.co.uk" for n in range(8)), "200 characters"),
    ],
)
def test_a_bad_site_is_explained_next_to_the_field_keeping_what_was_typed(
    app, practice, typed, message
):
    admin = signed_in_client(app, StaffRole.ADMIN)
    response = save_settings(admin, embed_origins=typed, min_notice_hours="24")
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="embed_origins-error">(.*?)</p>', response.text, re.S)
    assert error and message in unescape(error[1])
    field = re.search(r'<input [^>]*name="embed_origins"[^>]*>', response.text)[0]
    assert typed in unescape(field)
    assert 'aria-invalid="true"' in field
    with app.app_context():
        assert settings.current().embed_origins == ()
        assert settings.current().min_notice_hours == 12


@pytest.mark.parametrize("role", [StaffRole.RECEPTION, StaffRole.THERAPIST], ids=str)
def test_only_the_admin_changes_the_sites(app, practice, role):
    staff = signed_in_client(app, role)
    assert staff.get("/dashboard/settings").status_code == 403
    data = SETTINGS_FORM | {"embed_origins": SITE, "csrf_token": page_token(staff)}
    assert staff.post("/dashboard/settings", data=data).status_code == 403
    with app.app_context():
        assert settings.current().embed_origins == ()
