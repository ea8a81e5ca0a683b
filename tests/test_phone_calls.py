"""Reminders by phone for clients we cannot email: who is on the list, what to say, and
recording what they said."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking
from booking.services.messaging import notify
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client, make_service
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import EMAILS, page_token, signed_in_client

TOMORROW = DEFAULT_NOW + timedelta(days=1)  # Sunday 22 November 2026, 10am
BOOKED_AT = DEFAULT_NOW - timedelta(days=7)


def _booking(**client_fields) -> int:
    start = client_fields.pop("start_utc", TOMORROW)
    status = client_fields.pop("status", BookingStatus.CONFIRMED)
    service = client_fields.pop("service", None)
    client = make_client(**({"email": None, "phone": "+441632960123"} | client_fields))
    extra = {"service": service} if service else {}
    booking = make_booking(client=client, start_utc=start, status=status, **extra)
    notify.queue_reminders(booking, BOOKED_AT)  # as booking does: the calls are outbox rows
    return booking.id


@pytest.fixture
def reception(app):
    return signed_in_client(app, StaffRole.RECEPTION)


def test_only_clients_we_cannot_email_are_on_the_list(app, reception):
    with app.app_context():
        first = make_service(name="First gentle session", first_visit=True, minutes=45)
        _booking(name="Pat Phone", service=first)
        _booking(name="Eve Email", email="eve@example.test")
        _booking(name="Cara Cared", carer_email="carer@example.test", send_to_carer=True)
        _booking(name="Cal Cancelled", status=BookingStatus.CANCELLED)
        _booking(name="Nell Nextweek", start_utc=DEFAULT_NOW + timedelta(days=3))
        answered = _booking(name="Ada Answered")
        db.session.get(Booking, answered).checkin_answer = "as_planned"
        db.session.commit()
    words = text_of(reception.get("/dashboard/phone-calls"))
    assert "Pat Phone" in words
    for absent in ["Eve Email", "Cara Cared", "Cal Cancelled", "Nell Nextweek", "Ada Answered"]:
        assert absent not in words, absent
    assert "01632 960123" in words
    # The same wording as the emailed reminder for a first session.
    assert "Your first session is short and gentle." in words
    assert "You can stop, or change anything, at any time." in words
    assert "You can lie down while you wait." in words
    assert "Keep the rest of the day, and the next one or two days, light." in words
    assert "Most people take two or three sessions to settle in." in words
    assert "There is no charge." in words


def test_a_carer_with_only_a_phone_is_called_on_the_carers_number(app, reception):
    with app.app_context():
        _booking(
            name="Robin Bed",
            phone=None,
            carer_name="Sam Bed",
            carer_relationship="partner",
            carer_phone="+441632960999",
            send_to_carer=True,
        )
        db.session.commit()
    words = text_of(reception.get("/dashboard/phone-calls"))
    assert "01632 960999 (Sam Bed, partner)" in words


def _answer(app, client, booking_id: int, kind: str, answer: str, sequence: int = 0):
    return client.post(
        f"/dashboard/phone-calls/{booking_id}",
        data={
            "csrf_token": page_token(client),
            "kind": kind,
            "answer": answer,
            "sequence": str(sequence),
        },
    )


def test_recording_the_check_in_answer_takes_the_call_off_the_list(app, reception):
    with app.app_context():
        booking_id = _booking(name="Pat Phone")
        db.session.commit()
    response = _answer(app, reception, booking_id, "checkin", "gentler")
    assert response.status_code == 303
    words = text_of(reception.get("/dashboard/phone-calls"))
    assert "Recorded Pat Phone's answer." in words
    assert "No one to phone today." in words
    with app.app_context():
        assert db.session.get(Booking, booking_id).checkin_answer == "gentler"
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.action == "reminded_by_phone" and event.booking_id == booking_id
        assert event.actor == EMAILS[StaffRole.RECEPTION]
        assert event.detail == "check-in: shorter and gentler, please"


def test_no_answer_keeps_the_call_on_the_list_and_says_when_it_was_tried(app, reception):
    with app.app_context():
        booking_id = _booking(
            name="Pat Phone", quiet_from_local=time(20), quiet_until_local=time(10)
        )
        db.session.commit()
    _answer(app, reception, booking_id, "checkin", "no_answer")
    words = text_of(reception.get("/dashboard/phone-calls"))
    assert "Noted: no answer from Pat Phone. They stay on the list." in words
    assert "Tried before Saturday 21 November at 10am (no answer)" in words
    assert "Please do not call between 8pm and 10am" in words
    with app.app_context():
        assert db.session.get(Booking, booking_id).checkin_answer is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("sequence", "This session changed while the list was open."),
        ("cancel", "This session was cancelled meanwhile"),
    ],
)
def test_a_session_changed_meanwhile_records_nothing(app, reception, change, message):
    with app.app_context():
        booking_id = _booking(name="Pat Phone")
        booking = db.session.get(Booking, booking_id)
        if change == "sequence":
            booking.ical_sequence = 1
        else:
            booking.status = BookingStatus.CANCELLED
        db.session.commit()
    _answer(app, reception, booking_id, "checkin", "as_planned", sequence=0)
    assert message in text_of(reception.get("/dashboard/phone-calls"))
    with app.app_context():
        assert db.session.get(Booking, booking_id).checkin_answer is None
        assert db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("kind", "answer"), [("checkin", "crash"), ("followup", "as_planned"), ("x", "fine")]
)
def test_an_answer_that_does_not_fit_is_refused_kindly(app, reception, kind, answer):
    with app.app_context():
        booking_id = _booking(name="Pat Phone")
        db.session.commit()
    assert _answer(app, reception, booking_id, kind, answer).status_code == 303
    assert "Please choose what the client said." in text_of(reception.get("/dashboard/phone-calls"))


def test_an_unknown_booking_is_a_404(app, reception):
    assert _answer(app, reception, 999_999, "checkin", "as_planned").status_code == 404


def test_the_follow_up_call_and_a_crash_shape_the_next_reminder(app, reception):
    with app.app_context():
        past = _booking(name="Pat Phone", start_utc=DEFAULT_NOW - timedelta(days=3))
        client = db.session.get(Booking, past).client
        upcoming = make_booking(client=client, start_utc=TOMORROW + timedelta(hours=4))
        notify.queue_reminders(upcoming, BOOKED_AT)
        upcoming = upcoming.id
        too_soon = _booking(name="Jo Justnow", start_utc=DEFAULT_NOW - timedelta(hours=5))
        db.session.commit()
    words = text_of(reception.get("/dashboard/phone-calls"))
    assert "After the session: how were they?" in words
    assert "Jo Justnow" not in words  # not 48 hours yet
    assert "Last time you told us" not in words
    _answer(app, reception, past, "followup", "crash")
    words = text_of(reception.get("/dashboard/phone-calls"))
    assert "Last time you told us you felt much worse afterwards." in words
    assert "After the session: how were they?" not in words
    with app.app_context():
        assert db.session.get(Booking, past).followup_answer == "crash"
        assert db.session.get(Booking, upcoming).checkin_answer is None
        assert db.session.get(Booking, too_soon).followup_answer is None


def test_the_list_takes_the_same_few_queries_however_many_calls(app, reception):
    with app.app_context():
        _booking(name="One")
        db.session.commit()
    few = count_queries(app, reception, "/dashboard/phone-calls")
    with app.app_context():
        for hour in range(1, 6):
            _booking(start_utc=TOMORROW + timedelta(hours=hour))
            _booking(start_utc=DEFAULT_NOW - timedelta(days=3, hours=hour))
        db.session.commit()
    assert count_queries(app, reception, "/dashboard/phone-calls") == few


def test_an_answer_recorded_meanwhile_is_never_replaced_from_an_older_list(app, reception):
    with app.app_context():
        past = _booking(name="Pat Phone", start_utc=DEFAULT_NOW - timedelta(days=3))
        db.session.commit()
    other_desk = signed_in_client(app, StaffRole.ADMIN)
    assert _answer(app, reception, past, "followup", "crash").status_code == 303
    _answer(app, other_desk, past, "followup", "fine")  # opened before the first answer
    words = text_of(other_desk.get("/dashboard/phone-calls"))
    assert "An answer was recorded meanwhile (a crash), so this call is done." in words
    with app.app_context():
        assert db.session.get(Booking, past).followup_answer == "crash"


def test_a_follow_up_call_asks_how_long_a_worsening_lasted(app, reception):
    with app.app_context():
        worse = _booking(name="Pat Phone", start_utc=DEFAULT_NOW - timedelta(days=3))
        fine = _booking(name="Fen Fine", start_utc=DEFAULT_NOW - timedelta(days=3, hours=2))
        db.session.commit()
    page = text_of(reception.get("/dashboard/phone-calls"))
    assert "If worse: how long did it last?" in page
    assert "If they felt worse: how long did it last? (optional)" in page
    for booking_id, answer in ((worse, "crash"), (fine, "fine")):
        reception.post(
            f"/dashboard/phone-calls/{booking_id}",
            data={
                "csrf_token": page_token(reception),
                "kind": "followup",
                "answer": answer,
                "sequence": "0",
                "lasted": "week",
            },
        )
    with app.app_context():
        assert db.session.get(Booking, worse).followup_lasted == "week"
        assert db.session.get(Booking, fine).followup_lasted is None  # fine: nothing lasted
