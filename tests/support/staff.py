"""Staff accounts for tests, and signing in through the real /login form."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.clock import now_utc
from booking.domain.second_factor import needs_second_factor
from booking.domain.statuses import IntakeStatus, ReviewState, StaffRole
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Client, Intake, ScreeningQuestion
from booking.services.staff import second_factor as factors
from booking.services.staff.accounts import add_staff, find_staff
from tests.support import DEFAULT_NOW
from tests.support.factories import make_screening_list
from tests.support.pages import csrf_token

PASSWORD = "a quiet afternoon by the river"
# Answers that hold a booking for review (a fever now), with a canary for a medication: a page
# that must show no clinical detail must not show the canary.
CANARY = "CANARY-warfarin-7731"
ANSWERS = {
    "screening": {"now": ["fever"], "history": ["none"], "medications": CANARY},
    "energy": {"severity": "moderate"},
    "condition": {"conditions": ["me_diagnosed"]},
    "senses": {"light": "dim", "scent": "scent_free"},
    "practical": {"access": ["step_free", "rest_after"], "best_days": ["tue"]},
}
EMAILS = {
    StaffRole.ADMIN: "admin@practice.test",
    StaffRole.THERAPIST: "therapist@practice.test",
    StaffRole.RECEPTION: "reception@practice.test",
}


def add_staff_member(
    app: Flask, role: StaffRole, email: str | None = None, *, active: bool = True
) -> int:
    """A committed staff account; returns its id."""
    with app.app_context():
        user = add_staff(email or EMAILS[role], role, PASSWORD)
        user.active = active
        db.session.commit()
        return user.id


def ready_second_factor(app: Flask, email: str) -> str | None:
    """The authenticator secret of a role that signs in with one: set up first, as the set-up
    page would, if it is not yet. The last code used is forgotten, so that every sign-in in a
    test (whose clock stands still) has a fresh code; tests/test_second_factor.py checks that
    a code is never taken twice. None for a role with no second factor, or no account."""
    with app.app_context():
        user = find_staff(email)
        if user is None or not needs_second_factor(user.role):
            return None
        if user.second_factor_confirmed_at is None:
            secret = factors.prepare(user.id).secret
            assert factors.confirm(user.id, code_now(secret), now_utc()) is not None
        user = find_staff(email)
        user.second_factor_last_step = None
        secret = cipher().decrypt(user.second_factor_secret)
        db.session.commit()
        return secret


def code_now(secret: str) -> str:
    """What the authenticator app shows now, by the app's clock (call in an app context)."""
    return pyotp.TOTP(secret).at(now_utc())


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_page: str = ""):
    """Fill in and send the sign-in form, as a person would, and then the code from the app
    for a role that needs one; the last answer (a 303 to the page asked for, when all is
    well)."""
    secret = ready_second_factor(client.application, email)
    page = client.get("/login" + (f"?next={next_page}" if next_page else ""))
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    if next_page:
        data["next"] = next_page
    return send_code(client, client.post("/login", data=data), secret)


def send_code(client: FlaskClient, response, secret: str | None):
    """After the password's answer: when it asks for the code, type the app's code now."""
    if secret is None or not response.headers.get("Location", "").endswith("/login/code"):
        return response
    page = client.get("/login/code")
    with client.application.app_context():
        code = code_now(secret)
    return client.post("/login/code", data={"csrf_token": csrf_token(page), "code": code})


def signed_in_client(app: Flask, role: StaffRole) -> FlaskClient:
    """A test client signed in with this role's account (added if there is none yet)."""
    with app.app_context():
        exists = find_staff(EMAILS[role]) is not None
    if not exists:
        add_staff_member(app, role)
    client = app.test_client()
    response = sign_in(client, EMAILS[role])
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def page_token(client: FlaskClient) -> str:
    """A form token for this client's session: from the sign-in page, or for someone signed
    in, from the dashboard it sends them to (its sign-out button carries one)."""
    return csrf_token(client.get("/login", follow_redirects=True))


def screening_rows() -> list[ScreeningQuestion]:
    """The default screening list: the one migration 0004 inserted, if no earlier test has
    emptied the tables yet, or a fresh copy."""
    rows = list(db.session.scalars(select(ScreeningQuestion).order_by(ScreeningQuestion.id)))
    return rows or make_screening_list()


def add_intake(
    client: Client,
    answers: dict,
    *,
    review_state: ReviewState = ReviewState.NOT_NEEDED,
    status: IntakeStatus = IntakeStatus.SUBMITTED,
    submitted_at: datetime | None = DEFAULT_NOW,
) -> Intake:
    """An intake with these answers, stored encrypted as the intake service stores them."""
    intake = Intake(
        client=client,
        questionnaire_version=1,
        status=status,
        answers_encrypted=cipher().encrypt({"answers": answers, "drafts": {}}),
        link_nonce="test-nonce",
        link_expires_at=DEFAULT_NOW + timedelta(days=30),
        submitted_at=submitted_at,
        current_step="consent" if submitted_at else None,
        review_state=review_state,
    )
    db.session.add(intake)
    db.session.flush()
    return intake
