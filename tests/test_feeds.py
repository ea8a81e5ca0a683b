"""The therapist's private calendar feed: what it shows, what it never shows, and its link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from icalendar import Calendar

from booking.domain.feed import FeedEntry, feed_calendar, feed_summary
from booking.domain.statuses import BookingStatus, StaffRole
from booking.domain.text import first_name
from booking.extensions import db
from booking.models import Booking, Practitioner
from booking.services.booking import cancel, token_hash
from booking.services.messaging import feeds
from booking.services.staff.accounts import add_staff
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_press,
)
from tests.support.factories import make_booking, make_client, make_practitioner, make_service
from tests.support.pages import text_of
from tests.support.queries import recorded_statements
from tests.support.staff import (
    PASSWORD,
    add_staff_member,
    page_token,
    sign_in,
    signed_in_client,
)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DASHBOARD = "http://127.0.0.1:5000/dashboard/"
CACHE_CONTROL = "private, max-age=0, must-revalidate"
FEED_URL = re.compile(r"http://127\.0\.0\.1:5000/feeds/([A-Za-z0-9_-]{43})\.ics")


# --- The pure calendar ------------------------------------------------------------------------


def _entry(**overrides) -> FeedEntry:
    start = overrides.pop("start_utc", datetime(2027, 3, 2, 10, 0, tzinfo=UTC))
    values = {
        "uid": "one@booking",
        "sequence": 0,
        "start_utc": start,
        "end_utc": start + timedelta(hours=1),
        "summary": "Gentle massage \u2013 Ann",
        "modified_utc": datetime(2027, 2, 1, 8, 0, tzinfo=UTC),
    }
    return FeedEntry(**(values | overrides))


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Ann Smith", "Ann"),
        ("  Ann  ", "Ann"),
        ("Mary Ann Jones", "Mary"),
        ("Siân Ó Briain", "Siân"),
        ("", "a client"),
        ("   ", "a client"),
    ],
)
def test_only_the_first_name_reaches_the_calendar(name, first):
    assert first_name(name) == first
    assert feed_summary("Gentle massage", name) == f"Gentle massage \u2013 {first}"


def test_the_feed_is_a_publish_calendar_with_refresh_hints():
    entries = [
        _entry(uid="held@booking", sequence=2, tentative=True),
        _entry(uid="gone@booking", cancelled=True),
        _entry(uid="firm@booking", start_utc=datetime(2027, 3, 3, 14, 0, tzinfo=UTC)),
    ]
    body = feed_calendar(entries, NOW, "Still Waters Massage: Therapist One")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in body
    assert b"X-WR-CALNAME:Still Waters Massage: Therapist One\r\n" in body
    calendar = Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH"
    assert "UID" not in calendar  # a random one would change the bytes on every request
    events = {str(event["UID"]): event for event in calendar.events}
    assert set(events) == {"held@booking", "firm@booking"}
    assert events["held@booking"]["STATUS"] == "TENTATIVE"
    assert events["held@booking"]["SEQUENCE"] == 2
    assert events["firm@booking"]["STATUS"] == "CONFIRMED"
    assert events["firm@booking"].start == datetime(2027, 3, 3, 14, 0, tzinfo=UTC)
    assert b"DTSTART:20270303T140000Z\r\n" in body  # UTC, no time zone definitions needed


def test_the_same_sessions_give_the_same_bytes_whenever_asked():
    entries = [_entry()]
    first = feed_calendar(entries, NOW, "Feed")
    assert feed_calendar(entries, NOW + timedelta(minutes=5), "Feed") == first
    assert b"DTSTAMP:20270201T080000Z\r\n" in first  # when the booking last changed
    assert b"LAST-MODIFIED:20270201T080000Z\r\n" in first


def test_another_calendar_library_reads_the_feed():
    from ical.calendar_stream import IcsCalendarStream

    body = feed_calendar([_entry(tentative=True, sequence=3)], NOW, "Feed")
    calendar = IcsCalendarStream.calendar_from_ics(body.decode())
    assert calendar.method == "PUBLISH"
    assert calendar.refresh_interval == timedelta(hours=1)
    (only,) = calendar.events
    assert (only.uid, only.sequence, only.status) == ("one@booking", 3, "TENTATIVE")
    assert only.summary == "Gentle massage \u2013 Ann"


# --- The feed over HTTP -------------------------------------------------------------------------


@dataclass
class Feed:
    practitioner_id: int
    token: str

    @property
    def path(self) -> str:
        return f"/feeds/{self.token}.ics"


@pytest.fixture
def feed(app: Flask, freeze) -> Feed:
    """A therapist with a feed link, and the clock at NOW."""
    freeze(NOW)
    with app.app_context():
        practitioner_id = make_practitioner(name="Therapist One").id
        db.session.commit()
        return Feed(practitioner_id, feeds.rotate_feed_token(practitioner_id))


def _add_booking(app: Flask, feed: Feed, **overrides) -> Booking:
    """A committed booking for the feed's therapist (detached: its values stay readable)."""
    with app.app_context():
        practitioner = db.session.get(Practitioner, feed.practitioner_id)
        service = make_service(minutes=60, buffer_before_minutes=0, buffer_after_minutes=0)
        booking = make_booking(practitioner=practitioner, service=service, **overrides)
        db.session.commit()
        db.session.refresh(booking)
        db.session.expunge(booking)
        return booking


def _events(body: bytes) -> dict[str, object]:
    return {str(event["UID"]): event for event in Calendar.from_ical(body).events}


def test_the_feed_shows_each_session_as_its_invites_do(app, client, feed):
    with app.app_context():
        gentle = make_service(name="Gentle massage")
        ann = make_client(
            name="Ann Smithson", email="ann.smithson@example.test", phone="07700900123"
        )
        kit = make_client(name="Kit Willow", preferred_name="Kit", phone="07700900456")
        confirmed = make_booking(
            practitioner=db.session.get(Practitioner, feed.practitioner_id),
            client=ann,
            service=gentle,
            start_utc=NOW + timedelta(days=2),
            ical_sequence=3,
        )
        held = make_booking(
            practitioner=confirmed.practitioner,
            client=kit,
            service=gentle,
            start_utc=NOW + timedelta(days=3),
            status=BookingStatus.HELD_FOR_REVIEW,
        )
        attended = make_booking(
            practitioner=confirmed.practitioner,
            client=ann,
            service=gentle,
            start_utc=NOW - timedelta(days=7),
            status=BookingStatus.ATTENDED,
        )
        cancelled = make_booking(
            practitioner=confirmed.practitioner,
            client=ann,
            start_utc=NOW + timedelta(days=4),
            status=BookingStatus.CANCELLED,
        )
        someone_elses = make_booking(client=kit, start_utc=NOW + timedelta(days=5))
        expected = {
            confirmed.ical_uid: (3, "CONFIRMED", "Gentle massage \u2013 Ann"),
            held.ical_uid: (0, "TENTATIVE", "Gentle massage \u2013 Kit"),
            attended.ical_uid: (0, "CONFIRMED", "Gentle massage \u2013 Ann"),
        }
        left_out = {cancelled.ical_uid, someone_elses.ical_uid}
        confirmed_uid = confirmed.ical_uid
        db.session.commit()

    response = client.get(feed.path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    body = response.get_data()
    calendar = Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Still Waters Massage: Therapist One"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert b"X-PUBLISHED-TTL:PT1H" in body
    events = _events(body)
    assert set(events) == set(expected)
    assert not left_out & set(events)
    for uid, (sequence, status, summary) in expected.items():
        shown = events[uid]
        assert (shown["SEQUENCE"], shown["STATUS"], shown["SUMMARY"]) == (sequence, status, summary)
        assert shown["DESCRIPTION"] == f"Details in the dashboard: {DASHBOARD}"
        assert shown.start.utcoffset() == timedelta(0)
    assert events[confirmed_uid].start == NOW + timedelta(days=2)
    assert events[confirmed_uid].end == NOW + timedelta(days=2, minutes=60)
    assert b"DTSTART:20270303T090000Z\r\n" in body  # UTC, no time zone definitions needed
    text = body.decode()
    for private in ["Smithson", "Willow", "ann.smithson", "example.test", "07700", "900123"]:
        assert private not in text, private


def test_another_calendar_library_reads_the_served_feed(app, client, feed):
    from ical.calendar_stream import IcsCalendarStream

    booking = _add_booking(app, feed, start_utc=NOW + timedelta(days=1), ical_sequence=2)
    calendar = IcsCalendarStream.calendar_from_ics(client.get(feed.path).get_data(as_text=True))
    assert [(event.uid, event.sequence) for event in calendar.events] == [(booking.ical_uid, 2)]


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        (NOW - timedelta(days=30, minutes=60), False),  # an hour's session, ended as it opens
        (NOW - timedelta(days=30, minutes=59), True),  # still going as the window opens
        (NOW - timedelta(days=45), False),
        (NOW, True),
        (NOW + timedelta(days=180) - timedelta(minutes=1), True),
        (NOW + timedelta(days=180), False),  # starts as the window closes
        (NOW + timedelta(days=365), False),
    ],
)
def test_the_feed_covers_a_month_back_to_six_months_ahead(app, client, feed, start, shown):
    booking = _add_booking(app, feed, start_utc=start)
    assert (booking.ical_uid in _events(client.get(feed.path).get_data())) is shown


def test_an_unchanged_feed_answers_304_with_no_body(app, client, feed):
    _add_booking(app, feed, start_utc=NOW + timedelta(days=1))
    first = client.get(feed.path)
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)  # strong: a hash of the body
    again = client.get(feed.path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == CACHE_CONTROL
    other = client.get(feed.path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.get_data() == first.get_data()


def test_the_etag_changes_when_a_session_is_cancelled(app, client, feed):
    booking = _add_booking(
        app, feed, start_utc=NOW + timedelta(days=1), manage_token_hash=token_hash("manage-me")
    )
    kept = _add_booking(app, feed, start_utc=NOW + timedelta(days=2))
    before = client.get(feed.path)
    assert set(_events(before.get_data())) == {booking.ical_uid, kept.ical_uid}
    with app.test_request_context():  # the cancellation emails carry links
        cancel("manage-me", None, NOW)
    after = client.get(feed.path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert set(_events(after.get_data())) == {kept.ical_uid}


def test_the_etag_changes_when_a_held_session_is_confirmed(app, client, feed):
    booking = _add_booking(
        app, feed, start_utc=NOW + timedelta(days=1), status=BookingStatus.HELD_FOR_REVIEW
    )
    before = client.get(feed.path)
    assert _events(before.get_data())[booking.ical_uid]["STATUS"] == "TENTATIVE"
    with app.app_context():
        db.session.get(Booking, booking.id).status = BookingStatus.CONFIRMED
        db.session.commit()
    after = client.get(feed.path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert _events(after.get_data())[booking.ical_uid]["STATUS"] == "CONFIRMED"


def test_the_feed_takes_two_queries_however_many_sessions(app, client, feed):
    def count() -> int:
        with recorded_statements(app) as statements:
            assert client.get(feed.path).status_code == 200
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    _add_booking(app, feed, start_utc=NOW + timedelta(days=1))
    few = count()
    for day in range(2, 9):
        _add_booking(app, feed, start_utc=NOW + timedelta(days=day))
    assert count() == few == 2  # the practitioner behind the link, then the sessions


ODD_TOKENS = [
    "x" * 500,
    "..",
    "...",
    "%2e%2e",
    "%00",
    "ünïcødé-tøken",
    "%F0%9F%90%8D",
    "%FF%FE",
    "a%20b",
    "' OR 1=1 --",
]


@pytest.mark.parametrize("token", ODD_TOKENS)
def test_an_odd_token_is_a_plain_404(client, feed, token):
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.get_data()


def test_a_wrong_token_is_a_404_that_reveals_nothing(app, client, feed):
    _add_booking(app, feed, start_utc=NOW + timedelta(days=1))
    wrong = feed.token[:-1] + ("A" if feed.token[-1] != "A" else "B")
    for path in [f"/feeds/{wrong}.ics", f"/feeds/{feed.token}.ICS", f"/feeds/{feed.token}"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "We cannot find that page" in text_of(response)
        assert "Therapist One" not in response.get_data(as_text=True)


def test_only_a_hash_of_the_token_is_kept(app, feed):
    with app.app_context():
        practitioner = db.session.get(Practitioner, feed.practitioner_id)
        assert practitioner.feed_token_hash == token_hash(feed.token)
        assert feed.token not in practitioner.feed_token_hash


def test_a_new_link_replaces_the_old_one(app, client, feed):
    with app.app_context():
        new_token = feeds.rotate_feed_token(feed.practitioner_id)
    assert new_token != feed.token
    assert client.get(feed.path).status_code == 404
    assert client.get(f"/feeds/{new_token}.ics").status_code == 200


def test_a_switched_off_feed_is_gone(app, client, feed):
    with app.app_context():
        assert feeds.revoke_feed(feed.practitioner_id) is True
        assert feeds.revoke_feed(feed.practitioner_id) is False
        assert db.session.get(Practitioner, feed.practitioner_id).feed_token_hash is None
    assert client.get(feed.path).status_code == 404


def test_an_unknown_practitioner_has_no_feed_to_change(app):
    with app.app_context():
        with pytest.raises(feeds.UnknownPractitioner):
            feeds.rotate_feed_token(999_999)
        with pytest.raises(feeds.UnknownPractitioner):
            feeds.revoke_feed(999_999)


# --- The dashboard page -------------------------------------------------------------------------


def _therapist_with_diary(app: Flask, feed: Feed):
    """A therapist's account linked to the feed's practitioner, signed in."""
    with app.app_context():
        practitioner = db.session.get(Practitioner, feed.practitioner_id)
        add_staff("one@practice.test", StaffRole.THERAPIST, PASSWORD, practitioner=practitioner)
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "one@practice.test").status_code == 303
    return client


def test_the_therapist_makes_a_link_and_sees_it_once(app, feed):
    with app.app_context():
        feeds.revoke_feed(feed.practitioner_id)
    therapist = _therapist_with_diary(app, feed)
    page = therapist.get("/dashboard/feed")
    assert page.status_code == 200
    words = text_of(page)
    assert "Your calendar feed" in words and "You have no feed link yet." in words
    assert "Make a feed link" in words and "Switch the feed off" not in words

    made = therapist.post("/dashboard/feed/rotate", data={"csrf_token": page_token(therapist)})
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    (token,) = set(FEED_URL.findall(html))
    assert f"webcal://127.0.0.1:5000/feeds/{token}.ics" in html
    words = text_of(made)
    assert (
        "Paste this into your calendar app as a subscription. Anyone with the link can see your "
        "sessions' times and clients' first names; rotate it if it leaks." in words
    )
    assert "Your feed link is in use." in words
    assert therapist.get(f"/feeds/{token}.ics").status_code == 200

    later = therapist.get("/dashboard/feed").get_data(as_text=True)
    assert token not in later and not FEED_URL.search(later)
    assert "Make a new link" in later and "Switch the feed off" in later

    therapist.post("/dashboard/feed/rotate", data={"csrf_token": page_token(therapist)})
    assert therapist.get(f"/feeds/{token}.ics").status_code == 404


def test_the_therapist_switches_the_feed_off(app, feed):
    therapist = _therapist_with_diary(app, feed)
    response = therapist.post("/dashboard/feed/revoke", data={"csrf_token": page_token(therapist)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/feed"
    words = text_of(therapist.get("/dashboard/feed"))
    assert "Your calendar feed is switched off. Its link no longer works." in words
    assert therapist.get(feed.path).status_code == 404


def test_a_therapist_acts_only_on_their_own_feed(app, feed):
    with app.app_context():
        other = make_practitioner(name="Therapist Two")
        db.session.commit()
        other_id = other.id
        other_token = feeds.rotate_feed_token(other_id)
    therapist = _therapist_with_diary(app, feed)
    sent = {"csrf_token": page_token(therapist), "practitioner": str(other_id)}
    assert therapist.post("/dashboard/feed/revoke", data=sent).status_code == 303
    assert therapist.get(f"/feeds/{other_token}.ics").status_code == 200  # untouched
    assert therapist.get(feed.path).status_code == 404  # their own went off
    assert "Therapist Two" not in therapist.get("/dashboard/feed").get_data(as_text=True)


def test_a_therapist_without_a_diary_is_told_kindly(app, feed):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    assert "not linked to a therapist's diary" in text_of(therapist.get("/dashboard/feed"))
    made = therapist.post("/dashboard/feed/rotate", data={"csrf_token": page_token(therapist)})
    assert made.status_code == 200
    assert "not linked to a therapist's diary" in text_of(made)
    assert not FEED_URL.search(made.get_data(as_text=True))
    assert therapist.get(feed.path).status_code == 200  # nobody else's feed changed


def test_the_admin_chooses_whose_feed(app, feed):
    with app.app_context():
        other_id = make_practitioner(name="Therapist Two").id
        db.session.commit()
    admin = signed_in_client(app, StaffRole.ADMIN)
    words = text_of(admin.get("/dashboard/feed"))
    assert "Therapist One: a feed link is in use." in words
    assert "Therapist Two: no feed link." in words

    made = admin.post(
        "/dashboard/feed/rotate",
        data={"csrf_token": page_token(admin), "practitioner": str(other_id)},
    )
    assert made.status_code == 200
    assert "The new link for Therapist Two" in text_of(made)
    (token,) = set(FEED_URL.findall(made.get_data(as_text=True)))
    assert "Therapist Two" in admin.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert admin.get(feed.path).status_code == 200  # Therapist One's link still works

    revoked = admin.post(
        "/dashboard/feed/revoke",
        data={"csrf_token": page_token(admin), "practitioner": str(feed.practitioner_id)},
        follow_redirects=True,
    )
    assert "Therapist One's calendar feed is switched off." in text_of(revoked)
    assert admin.get(feed.path).status_code == 404


@pytest.mark.parametrize("choice", ["", "999999", "not-a-number", "9" * 5000])
def test_the_admin_must_choose_a_listed_therapist(app, feed, choice):
    admin = signed_in_client(app, StaffRole.ADMIN)
    response = admin.post(
        "/dashboard/feed/rotate", data={"csrf_token": page_token(admin), "practitioner": choice}
    )
    assert response.status_code == 422
    assert "Please choose a therapist from the list." in text_of(response)
    assert not FEED_URL.search(response.get_data(as_text=True))
    assert admin.get(feed.path).status_code == 200


def test_reception_has_no_feed_page(app, feed):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    assert reception.get("/dashboard/feed").status_code == 403
    token = page_token(reception)
    for action in ["rotate", "revoke"]:
        sent = {"csrf_token": token, "practitioner": str(feed.practitioner_id)}
        assert reception.post(f"/dashboard/feed/{action}", data=sent).status_code == 403
    assert "/dashboard/feed" not in reception.get("/dashboard/").get_data(as_text=True)
    assert reception.get(feed.path).status_code == 200  # nothing changed


def test_the_staff_menu_links_to_the_feed_page_for_the_therapist(app, feed):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    assert 'href="/dashboard/feed"' in therapist.get("/dashboard/").get_data(as_text=True)


# --- In a real browser: keyboard only, WCAG 2.2 AA ------------------------------------------------


@pytest.fixture
def live_feed_page(app: Flask, feed: Feed, live_server: str) -> str:
    """The app on a free local port, with the feed's therapist and an admin account."""
    add_staff_member(app, StaffRole.ADMIN)
    return live_server


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_feed_page_works_by_keyboard_and_passes_axe(browser, live_feed_page, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(live_feed_page + "/dashboard/feed")
    sign_in_by_keyboard(page, StaffRole.ADMIN)
    assert page.inner_text("h1") == "Calendar feeds"
    assert axe_violations(page) == []
    tab_and_press(page, "Therapist", "ArrowDown")  # the first in the list: Therapist One
    tab_and_follow(page, "Make a new link")
    assert page.inner_text("#new-link-title") == "The new link for Therapist One"
    assert FEED_URL.fullmatch(page.input_value("#feed-url"))
    assert axe_violations(page) == []
    assert small_targets(page) == []
    context.close()
