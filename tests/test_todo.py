"""One to-do list for the desk: everything that needs a person today, each with what to do
and a "done" that is audited; the first dashboard page shows the counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking, CallRequest
from booking.services.booking.checkin import POSTPONED
from booking.services.messaging import notify
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client, make_failed_message
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import page_token, signed_in_client

TOMORROW = DEFAULT_NOW + timedelta(days=1)


def _everything(app) -> dict[str, int]:
    """One item of every kind; the booking ids by name."""
    with app.app_context():
        ids = {}
        for name, fields in {
            "Gail Gentle": {"checkin_answer": "gentler"},
            "Phil Phone": {"checkin_answer": "phone"},
            "Pip Postponed": {"status": BookingStatus.CANCELLED, "cancel_reason": POSTPONED},
            "Hal Held": {"status": BookingStatus.HELD_FOR_REVIEW},
        }.items():
            client = make_client(name=name, email=f"{name.split()[0].lower()}@example.com")
            booking = make_booking(client=client, start_utc=TOMORROW, **fields)
            ids[name] = booking.id
        caller = make_client(name="Ray Ring", email=None, phone="+441632960123")
        ring = make_booking(client=caller, start_utc=TOMORROW + timedelta(hours=3))
        notify.queue_reminders(ring, DEFAULT_NOW - timedelta(days=7))
        ids["Ray Ring"] = ring.id
        crashed = make_booking(
            client=make_client(name="Cass Crash", email="cass@example.com"),
            start_utc=DEFAULT_NOW - timedelta(days=3),
            status=BookingStatus.ATTENDED,
            followup_answer="crash",
        )
        ids["Cass Crash"] = crashed.id
        make_failed_message(ids["Gail Gentle"], recipient="gail@example.com")
        db.session.add(
            CallRequest(name="Connie Callme", phone="+441632960777", best_time="morning")
        )
        db.session.commit()
        return ids


@pytest.fixture
def desk(app):
    return signed_in_client(app, StaffRole.RECEPTION)


def test_every_kind_of_need_is_on_the_list_with_what_to_do(app, practice, desk):
    _everything(app)
    words = text_of(desk.get("/dashboard/todo"))
    for line in [
        "Gail Gentle asked for a shorter, gentler session",
        "Phil Phone would like a phone call instead",
        "Make sure",
        "Pip Postponed postponed their session",
        "cancelled at no charge, and the time is free again",
        "Hal Held's session is still held for review",
        "Phone Connie Callme",
        "best in the morning",
        "Phone Ray Ring: the day-before check-in",
        "Cass Crash's answer after their session needs a call",
        "A message could not be sent",
        "recipient refused (550)",
    ]:
        assert line in words, line
    assert "crash" not in words.lower().replace("cass crash", "")  # reception: no health words


def test_the_therapist_reads_what_the_client_said(app, practice):
    _everything(app)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    assert "Cass Crash had a crash after their session" in text_of(therapist.get("/dashboard/todo"))


def test_the_first_page_shows_the_counts(app, practice, desk):
    _everything(app)
    words = text_of(desk.get("/dashboard/"))
    assert "To do today" in words
    assert "3 check-in answers to act on" in words
    assert "1 session held for review, today or tomorrow" in words
    assert "1 call request" in words
    assert "1 reminder call due" in words
    assert "1 client to call after a hard session" in words
    assert "1 message not sent" in words


def _done(client, key: str):
    return client.post(
        "/dashboard/todo/done",
        data={"csrf_token": page_token(client), "key": key},
        follow_redirects=True,
    )


def _keys(page) -> list[str]:
    return re.findall(r'name="key" value="([^"]+)"', page.get_data(as_text=True))


def test_done_takes_an_item_off_is_audited_and_closes_a_call_request(app, practice, desk):
    _everything(app)
    keys = _keys(desk.get("/dashboard/todo"))
    assert not any(key.startswith("phone:") for key in keys)  # recorded on the phone list
    call_key = next(key for key in keys if key.startswith("call:"))
    page = _done(desk, call_key)
    assert "Done. Thank you." in text_of(page)
    assert "Phone Connie Callme" not in text_of(page)
    with app.app_context():
        assert db.session.scalars(select(CallRequest)).one().handled_at == DEFAULT_NOW
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.DID_TODO)
        ).all()
        assert event.detail == "call"
    again = _done(desk, call_key)
    assert "That was already done, or no longer needs anyone." in text_of(again)
    for key in ("nonsense", "phone:checkin:1:0", "x" * 500, ""):
        assert _done(desk, key).status_code == 200


def test_a_held_session_done_comes_back_when_it_is_held_again_after_a_change(app, practice, desk):
    ids = _everything(app)
    [held_key] = [k for k in _keys(desk.get("/dashboard/todo")) if k.startswith("held:")]
    _done(desk, held_key)
    assert "Hal Held" not in text_of(desk.get("/dashboard/todo"))
    with app.app_context():
        db.session.get(Booking, ids["Hal Held"]).ical_sequence += 1  # changed, still held
        db.session.commit()
    assert "Hal Held's session is still held for review" in text_of(desk.get("/dashboard/todo"))


def test_the_list_takes_the_same_queries_however_long_it_is(app, practice, desk):
    _everything(app)
    few = count_queries(app, desk, "/dashboard/todo")
    _everything(app)
    _everything(app)
    assert count_queries(app, desk, "/dashboard/todo") == few
