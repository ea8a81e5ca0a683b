"""Least privilege for clinical records: a therapist reads the answers, plans, records and
timeline of their own clients (a session that was not cancelled) and of those they say they
are covering, with a reason, for COVER_DAYS; admin reads all; every cover is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, ReviewState, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking, Intake
from booking.services.sessions.access import COVER_DAYS
from booking.services.staff.accounts import find_staff
from tests.support import DEFAULT_NOW
from tests.support.browser import axe_violations, sign_in_by_keyboard, tab_and_follow
from tests.support.factories import make_booking, make_client, make_practitioner
from tests.support.pages import csrf_token, text_of
from tests.support.staff import (
    ANSWERS,
    CANARY,
    EMAILS,
    add_intake,
    add_staff_member,
    page_token,
    signed_in_client,
)


@pytest.fixture
def world(app):
    """Ann is Maya's client, with answers held for review; the therapist signed in is Tom."""
    add_staff_member(app, StaffRole.THERAPIST)
    with app.app_context():
        maya, tom = make_practitioner(name="Maya"), make_practitioner(name="Tom")
        ann = make_client(name="Ann Smith")
        booking = make_booking(
            client=ann,
            practitioner=maya,
            start_utc=DEFAULT_NOW + timedelta(days=3),
            status=BookingStatus.HELD_FOR_REVIEW,
        )
        add_intake(ann, ANSWERS, review_state=ReviewState.PENDING)
        find_staff(EMAILS[StaffRole.THERAPIST]).practitioner = tom
        db.session.commit()
        return {"ann": ann.id, "booking": booking.id, "tom": tom.id}


def intake_page(tom, world):
    return tom.get(f"/dashboard/clients/{world['ann']}/intake")


def cover(tom, world, reason: str):
    path = f"/dashboard/clients/{world['ann']}/cover"
    return tom.post(path, data={"csrf_token": csrf_token(tom.get(path)), "reason": reason})


def test_a_therapist_cannot_read_a_colleagues_client(app, world):
    tom = signed_in_client(app, StaffRole.THERAPIST)
    refused = intake_page(tom, world)
    assert refused.status_code == 303
    assert refused.headers["Location"] == f"/dashboard/clients/{world['ann']}/cover"
    asked = tom.get(refused.headers["Location"])
    assert "Are you covering Ann Smith's session?" in text_of(asked)
    assert CANARY not in asked.get_data(as_text=True)
    reviews = tom.get("/dashboard/reviews").get_data(as_text=True)
    assert "Ann Smith" not in reviews and CANARY not in reviews


def test_every_clinical_route_refuses_a_colleagues_client_and_shows_nothing(app, world):
    """Route by route, for Tom, who has no session with Ann: nothing of hers, ever."""
    with app.app_context():
        intake_id = db.session.scalars(select(Intake.id)).one()
    tom = signed_in_client(app, StaffRole.THERAPIST)
    token = page_token(tom)
    ann, booking = world["ann"], world["booking"]
    gets = {
        f"/dashboard/clients/{ann}/intake": 303,  # to "are you covering?"
        f"/dashboard/clients/{ann}/sessions": 404,
        f"/dashboard/today/sessions/{booking}/note": 404,
        f"/dashboard/today/sessions/{booking}/next": 404,
    }
    posts = {
        f"/dashboard/today/sessions/{booking}/note": 404,
        f"/dashboard/today/sessions/{booking}/next": 404,
        f"/dashboard/reviews/{intake_id}/release": 404,
        f"/dashboard/reviews/{intake_id}/contacted": 404,
    }
    for path, status in gets.items():
        answer = tom.get(path)
        assert (path, answer.status_code) == (path, status)
        assert CANARY not in answer.get_data(as_text=True)
    for path, status in posts.items():
        answer = tom.post(path, data={"csrf_token": token})
        assert (path, answer.status_code) == (path, status)
    with app.app_context():  # nothing was released or changed
        assert db.session.get(Booking, booking).status == BookingStatus.HELD_FOR_REVIEW
    admin = signed_in_client(app, StaffRole.ADMIN)
    assert admin.get(f"/dashboard/clients/{ann}/sessions").status_code == 200


def test_covering_with_a_reason_opens_the_record_for_a_fortnight_and_is_audited(app, world, freeze):
    tom = signed_in_client(app, StaffRole.THERAPIST)
    for nothing in ("", "   \t "):  # spaces alone are no reason either
        empty = cover(tom, world, nothing)
        assert empty.status_code == 422
        assert "Please say which session you are covering" in text_of(empty)
    assert intake_page(tom, world).status_code == 303  # nothing granted without a reason

    reason = "Covering Maya's Tuesday session while she is away"
    assert cover(tom, world, reason).status_code == 303
    opened = intake_page(tom, world)
    assert opened.status_code == 200 and CANARY in opened.get_data(as_text=True)
    assert "Ann Smith" in tom.get("/dashboard/reviews").get_data(as_text=True)
    with app.app_context():
        covered = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.COVERED_CLIENT)
        ).one()
        assert (covered.client_id, covered.detail) == (world["ann"], reason)
        assert covered.actor == EMAILS[StaffRole.THERAPIST]

    freeze(DEFAULT_NOW + timedelta(days=COVER_DAYS, minutes=1))
    tom = signed_in_client(app, StaffRole.THERAPIST)  # a new working day, a new sign-in
    assert intake_page(tom, world).status_code == 303  # the cover has run out


def test_a_session_moved_to_the_therapist_opens_the_record_and_a_cancelled_one_does_not(app, world):
    tom = signed_in_client(app, StaffRole.THERAPIST)
    with app.app_context():
        db.session.execute(
            update(Booking)
            .where(Booking.id == world["booking"])
            .values(practitioner_id=world["tom"])
        )
        db.session.commit()
    assert intake_page(tom, world).status_code == 200
    with app.app_context():
        db.session.execute(
            update(Booking)
            .where(Booking.id == world["booking"])
            .values(status=BookingStatus.CANCELLED)
        )
        db.session.commit()
    assert intake_page(tom, world).status_code == 303


def test_a_therapist_treating_the_client_is_not_asked_and_admin_reads_everyone(app, world):
    admin = signed_in_client(app, StaffRole.ADMIN)
    assert CANARY in intake_page(admin, world).get_data(as_text=True)
    assert "Ann Smith" in admin.get("/dashboard/reviews").get_data(as_text=True)
    tom = signed_in_client(app, StaffRole.THERAPIST)
    with app.app_context():
        db.session.execute(
            update(Booking)
            .where(Booking.id == world["booking"])
            .values(practitioner_id=world["tom"])
        )
        db.session.commit()
    page = tom.get(f"/dashboard/clients/{world['ann']}/cover")
    assert "You can read Ann Smith's record" in text_of(page)
    assert cover(tom, world, "anything").status_code == 303
    with app.app_context():  # nothing to record: it is their own client
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.COVERED_CLIENT)
        ).all()


def test_reception_cannot_cover_and_admin_need_not(app, world):
    admin = signed_in_client(app, StaffRole.ADMIN)
    assert "You can read Ann Smith's record" in text_of(
        admin.get(f"/dashboard/clients/{world['ann']}/cover")
    )
    reception = signed_in_client(app, StaffRole.RECEPTION)
    assert reception.get(f"/dashboard/clients/{world['ann']}/cover").status_code == 403


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_the_cover_page_passes_axe(app, world, browser, live_server, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/login?next=/dashboard/clients/{world['ann']}/intake")
    sign_in_by_keyboard(page, StaffRole.THERAPIST)
    assert page.inner_text("h1") == "Are you covering Ann Smith's session?"
    assert axe_violations(page) == []
    tab_and_follow(page, "I am covering")  # no reason given: the message sits by the field
    assert "Please say which session" in page.inner_text("#reason-error")
    assert axe_violations(page) == []
    context.close()
