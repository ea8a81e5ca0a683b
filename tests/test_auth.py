"""Staff sign-in and sign-out: one message for any wrong details, safe redirects, real sign-out."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from booking.auth import accounts
from booking.auth.routes import safe_next
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import StaffUser
from booking.passwords import hash_password
from tests.support import DEFAULT_NOW
from tests.support.pages import csrf_token, text_of
from tests.support.staff import (
    EMAILS,
    PASSWORD,
    add_staff_member,
    page_token,
    ready_second_factor,
    send_code,
    sign_in,
)

THERAPIST = EMAILS[StaffRole.THERAPIST]


@pytest.fixture
def therapist_id(app) -> int:
    return add_staff_member(app, StaffRole.THERAPIST)


def is_sign_in_redirect(response, next_page: str | None = None) -> bool:
    """A redirect to the sign-in page (which will come back to next_page, if given)."""
    location = urlsplit(response.headers.get("Location", ""))
    if response.status_code != 302 or location.path != "/login":
        return False
    return next_page is None or parse_qs(location.query).get("next") == [next_page]


def test_the_sign_in_page_is_plain_and_labelled(client):
    response = client.get("/login")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Staff sign-in</h1>" in body
    assert re.search(r'<label for="email">Email address</label>', body)
    assert re.search(r'<label for="password">Password</label>', body)
    email = re.search(r'<input [^>]*id="email"[^>]*>', body)[0]
    password = re.search(r'<input [^>]*id="password"[^>]*>', body)[0]
    assert 'autocomplete="username"' in email and 'type="email"' in email
    assert 'autocomplete="current-password"' in password and 'type="password"' in password
    assert response.headers["Cache-Control"] == "no-store"


def test_signing_in_lands_on_the_dashboard_and_records_the_time(app, client, therapist_id):
    response = sign_in(client, "  Therapist@Practice.TEST ")  # as typed, with spaces and capitals
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    with app.app_context():
        assert db.session.get(StaffUser, therapist_id).last_login_at == DEFAULT_NOW


def _without_tokens(response) -> str:
    words = text_of(response)
    return re.sub(r"\S+@practice\.test", "EMAIL", words)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(app, client, therapist_id):
    wrong_password = sign_in(client, THERAPIST, password="not the password")
    unknown_email = sign_in(app.test_client(), "nobody@practice.test")
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert _without_tokens(wrong_password) == _without_tokens(unknown_email)
    assert "That email and password do not match an account we know" in text_of(unknown_email)
    assert client.get("/dashboard/").status_code == 302  # still not signed in


def test_an_unknown_email_still_costs_a_password_check(app, client, therapist_id, monkeypatch):
    checked = []
    real = accounts.password_matches

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "password_matches", counting)
    sign_in(client, "nobody@practice.test")
    sign_in(client, THERAPIST, password="wrong")
    assert len(checked) == 2
    # The stand-in hash is a real argon2id hash, so checking it takes the same time.
    assert checked[0].startswith("$argon2id$")


def test_a_switched_off_account_cannot_sign_in(app, client):
    add_staff_member(app, StaffRole.RECEPTION, active=False)
    response = sign_in(client, EMAILS[StaffRole.RECEPTION])
    assert response.status_code == 422
    assert "do not match an account we know" in text_of(response)
    assert client.get("/dashboard/").status_code == 302


def test_empty_fields_are_named_next_to_the_field(client):
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_token(page), "email": "x@y.test"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="password-error"' in body and "Please enter your password." in body
    assert 'value="x@y.test"' in body  # what was typed is kept


def test_signing_in_without_the_form_token_is_refused(client, therapist_id):
    response = client.post("/login", data={"email": THERAPIST, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302


def test_a_dashboard_page_asks_to_sign_in_then_comes_back(app, client, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    response = client.get("/dashboard/calls")
    assert is_sign_in_redirect(response, "/dashboard/calls")
    login_page = client.get(response.headers["Location"])
    assert re.search(r'<input [^>]*name="next"[^>]*value="/dashboard/calls"', login_page.text)
    signed_in = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(login_page),
            "email": THERAPIST,
            "password": PASSWORD,
            "next": "/dashboard/calls",
        },
    )
    assert signed_in.headers["Location"] == "/login/code"  # the second step, then back
    assert send_code(client, signed_in, secret).headers["Location"] == "/dashboard/calls"


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/",
        "//evil.example/dashboard/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "dashboard/",
        "/dashboard/\r\nSet-Cookie: x=1",
    ],
)
def test_next_never_leaves_the_site(client, therapist_id, next_page):
    response = sign_in(client, THERAPIST, next_page=next_page)
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/dashboard/calls", "/dashboard/calls"),
        ("/dashboard/?day=2026-11-23", "/dashboard/?day=2026-11-23"),
        ("", None),
        (None, None),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example/x", None),
        ("/ok\tnot", None),
        ("/" + "a" * 3000, None),
    ],
)
def test_safe_next(target, safe):
    assert safe_next(target) == safe


def test_sign_out_is_post_only_with_a_token_and_ends_the_session(client, therapist_id):
    sign_in(client, THERAPIST)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token: nothing happens
    assert client.get("/dashboard/").status_code == 200
    response = client.post("/logout", data={"csrf_token": page_token(client)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "You have signed out." in text_of(client.get("/login"))
    assert is_sign_in_redirect(client.get("/dashboard/"))


def test_switching_an_account_off_ends_its_session(app, client, therapist_id):
    sign_in(client, THERAPIST)
    assert client.get("/dashboard/").status_code == 200
    with app.app_context():
        db.session.get(StaffUser, therapist_id).active = False
        db.session.commit()
    assert is_sign_in_redirect(client.get("/dashboard/"))
    with client.session_transaction() as session:
        assert "_user_id" not in session  # the stale sign-in is gone, not just ignored


def test_a_new_password_ends_sessions_opened_with_the_old_one(app, client, therapist_id):
    sign_in(client, THERAPIST)
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.id == therapist_id)).one()
        user.password_hash = hash_password("a brand new password")
        db.session.commit()
    assert is_sign_in_redirect(client.get("/dashboard/"))


def test_a_session_taken_to_another_browser_is_dropped(client, therapist_id):
    sign_in(client, THERAPIST)
    assert client.get("/dashboard/", headers={"User-Agent": "TestBrowser"}).status_code == 302


def test_signed_in_staff_visiting_the_sign_in_page_go_to_the_dashboard(client, therapist_id):
    sign_in(client, THERAPIST)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
