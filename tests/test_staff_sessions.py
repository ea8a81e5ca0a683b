"""Staff sessions live on the server: signing out, timing out, or switching an account off
ends them, and a copied cookie stops working with them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from booking.domain.staff_sessions import SessionEnd, SessionLimits, needs_touch, timed_out
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import StaffSession
from booking.services.staff import accounts as staff
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.pages import text_of
from tests.support.staff import EMAILS, add_staff_member, page_token, sign_in

THERAPIST = EMAILS[StaffRole.THERAPIST]
LIMITS = SessionLimits(idle=timedelta(minutes=30), lifetime=timedelta(hours=10))
T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks go forward in London


@pytest.mark.parametrize(
    ("since_start", "since_seen", "ended"),
    [
        (timedelta(0), timedelta(0), None),
        (timedelta(minutes=29, seconds=59), timedelta(minutes=29, seconds=59), None),
        (timedelta(minutes=30), timedelta(minutes=30), SessionEnd.IDLE),
        (timedelta(hours=9, minutes=59), timedelta(minutes=5), None),
        (timedelta(hours=10), timedelta(minutes=1), SessionEnd.EXPIRED),
        (timedelta(hours=11), timedelta(hours=2), SessionEnd.EXPIRED),  # both: the lifetime
        (-timedelta(minutes=5), -timedelta(minutes=5), None),  # a clock set back: still open
    ],
)
def test_timed_out(since_start, since_seen, ended):
    now = T0 + timedelta(hours=12)
    assert timed_out(now - since_start, now - since_seen, now, LIMITS) == ended


def test_timeouts_count_real_time_across_the_clock_change():
    # 00:30 UTC to 01:15 UTC is 45 minutes, though London's clocks jump from 00:30 to 02:15.
    assert timed_out(T0, T0, T0 + timedelta(minutes=45), LIMITS) == SessionEnd.IDLE


@pytest.mark.parametrize(
    ("gap", "touch"),
    [(timedelta(0), False), (timedelta(seconds=59), False), (timedelta(minutes=1), True)],
)
def test_activity_is_written_at_most_once_a_minute(gap, touch):
    assert needs_touch(T0, T0 + gap) is touch


@pytest.fixture
def therapist_id(app) -> int:
    return add_staff_member(app, StaffRole.THERAPIST)


def _sessions(app) -> list[StaffSession]:
    with app.app_context():
        rows = list(db.session.scalars(select(StaffSession).order_by(StaffSession.id)))
        db.session.expunge_all()
        return rows


def _copy_of(app, client):
    """A second browser holding a copy of this client's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _is_sign_in_page(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_signing_in_opens_a_session_that_stores_only_a_hash_of_its_token(app, client, therapist_id):
    sign_in(client, THERAPIST)
    (row,) = _sessions(app)
    assert row.staff_user_id == therapist_id
    assert row.started_at == row.last_seen_at == DEFAULT_NOW and row.ended_at is None
    with client.session_transaction() as browser:
        token = browser["_user_id"].rsplit(".", 1)[1]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_stops(
    app, client, therapist_id
):
    sign_in(client, THERAPIST)
    copy = _copy_of(app, client)
    assert copy.get("/dashboard/").status_code == 200  # the copy works while the session is open
    client.post("/logout", data={"csrf_token": page_token(client)})
    assert _is_sign_in_page(copy.get("/dashboard/"))
    (row,) = _sessions(app)
    assert row.ended_at == DEFAULT_NOW and row.end_reason == "signed_out"


def test_each_browser_has_its_own_session(app, therapist_id):
    first, second = app.test_client(), app.test_client()
    sign_in(first, THERAPIST)
    sign_in(second, THERAPIST)
    first.post("/logout", data={"csrf_token": page_token(first)})
    assert second.get("/dashboard/").status_code == 200
    assert [row.end_reason for row in _sessions(app)] == ["signed_out", None]


def test_half_an_hour_without_activity_signs_out_calmly(app, client, freeze, therapist_id):
    sign_in(client, THERAPIST)
    freeze(DEFAULT_NOW + timedelta(minutes=29))
    assert client.get("/dashboard/").status_code == 200  # activity: the clock starts again
    freeze(DEFAULT_NOW + timedelta(minutes=29 + 29))
    assert client.get("/dashboard/").status_code == 200
    freeze(DEFAULT_NOW + timedelta(minutes=29 + 29 + 30))
    response = client.get("/dashboard/calls")
    assert _is_sign_in_page(response)
    page = client.get(response.headers["Location"])
    assert (
        "You were signed out after 30 minutes without activity. Please sign in again."
        in text_of(page)
    )
    assert 'value="/dashboard/calls"' in page.get_data(as_text=True)  # comes back afterwards
    (row,) = _sessions(app)
    assert row.end_reason == "idle" and row.ended_at == DEFAULT_NOW + timedelta(minutes=88)
    with client.session_transaction() as browser:
        assert "_user_id" not in browser


def test_the_idle_time_comes_from_the_config(make_app, _schema, therapist_id):
    app = make_app(STAFF_IDLE_MINUTES=5)
    client = app.test_client()
    sign_in(client, THERAPIST)
    app.extensions["clock"] = lambda: DEFAULT_NOW + timedelta(minutes=5)
    response = client.get("/dashboard/", follow_redirects=True)
    assert "signed out after 5 minutes without activity" in text_of(response)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client, freeze, therapist_id):
    sign_in(client, THERAPIST)
    for step in range(1, 30):  # every 20 minutes, up to 9 hours 40 minutes
        freeze(DEFAULT_NOW + step * timedelta(minutes=20))
        assert client.get("/dashboard/").status_code == 200
    freeze(DEFAULT_NOW + timedelta(hours=10))
    response = client.get("/dashboard/", follow_redirects=True)
    assert (
        "You were signed out because you had been signed in for 10 hours. Please sign in again."
        in text_of(response)
    )
    assert _sessions(app)[0].end_reason == "expired"


def test_the_sign_in_page_itself_says_why_a_session_ended(app, client, freeze, therapist_id):
    sign_in(client, THERAPIST)
    freeze(DEFAULT_NOW + timedelta(hours=1))
    page = client.get("/login")
    assert page.status_code == 200
    assert "signed out after 30 minutes without activity" in text_of(page)


def test_activity_is_noted_at_most_once_a_minute(app, client, freeze, therapist_id):
    sign_in(client, THERAPIST)
    freeze(DEFAULT_NOW + timedelta(seconds=50))
    client.get("/dashboard/")
    assert _sessions(app)[0].last_seen_at == DEFAULT_NOW  # no write for 50 seconds
    freeze(DEFAULT_NOW + timedelta(seconds=70))
    client.get("/dashboard/")
    assert _sessions(app)[0].last_seen_at == DEFAULT_NOW + timedelta(seconds=70)


def test_switching_an_account_off_ends_all_its_sessions(app, therapist_id):
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        sign_in(browser, THERAPIST)
    with app.app_context():
        staff.set_active(audit.SYSTEM_ACTOR, therapist_id, False, DEFAULT_NOW)
        staff.set_active(audit.SYSTEM_ACTOR, therapist_id, True, DEFAULT_NOW)  # back on
    for browser in browsers:  # switched back on, but the old sessions stay ended
        assert _is_sign_in_page(browser.get("/dashboard/"))
    assert {row.end_reason for row in _sessions(app)} == {"deactivated"}


def test_a_new_password_ends_all_sessions(app, therapist_id):
    browser = app.test_client()
    sign_in(browser, THERAPIST)
    copy = _copy_of(app, browser)
    with app.app_context():
        staff.set_password(audit.SYSTEM_ACTOR, therapist_id, "a fresh start in spring", DEFAULT_NOW)
    assert _is_sign_in_page(copy.get("/dashboard/"))
    assert _sessions(app)[0].end_reason == "new_password"
    assert sign_in(app.test_client(), THERAPIST, "a fresh start in spring").status_code == 303


@pytest.mark.parametrize(
    "user_id",
    ["1", "1.abc", "x.y.z", "99999999999999.a.b", "1.deadbeefdeadbeef.", "1..token", ""],
)
def test_a_forged_session_value_is_simply_not_signed_in(app, client, therapist_id, user_id):
    with client.session_transaction() as browser:
        browser["_user_id"] = user_id
    assert _is_sign_in_page(client.get("/dashboard/"))


def test_a_password_set_while_the_old_one_is_being_checked_wins(app, monkeypatch):
    # The old password leaked; admin sets a new one during the (slow) argon2 check of a
    # sign-in with the old one. That sign-in must not get a session the reset left alive.
    import threading

    import booking.auth.accounts as accounts

    user_id = add_staff_member(app, StaffRole.THERAPIST)
    real_check = accounts.password_matches

    def check_while_admin_resets(stored_hash: str, password: str) -> bool:
        result = real_check(stored_hash, password)
        db.session.rollback()  # SQLite has one writer: let the reset in now

        def reset() -> None:
            with app.app_context():
                staff.set_password(
                    audit.SYSTEM_ACTOR, user_id, "a brand new secret phrase", DEFAULT_NOW
                )

        thread = threading.Thread(target=reset)
        thread.start()
        thread.join()
        return result

    monkeypatch.setattr(accounts, "password_matches", check_while_admin_resets)
    browser = app.test_client()
    response = sign_in(browser, THERAPIST)  # the old password
    monkeypatch.setattr(accounts, "password_matches", real_check)
    assert response.status_code == 422
    assert browser.get("/dashboard/").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(StaffSession)).all() == []
