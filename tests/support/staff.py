"""Staff accounts for tests, and signing in through the real /login form."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.domain.statuses import IntakeStatus, ReviewState, StaffRole
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Client, Intake, ScreeningQuestion
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


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_page: str = ""):
    """Fill in and send the sign-in form, as a person would."""
    page = client.get("/login" + (f"?next={next_page}" if next_page else ""))
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    if next_page:
        data["next"] = next_page
    return client.post("/login", data=data)


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
