"""Failed messages with a "send again" button, and the bookings export as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, OutboxMessage
from booking.services.messaging import outbox
from tests.support import DEFAULT_NOW
from tests.support.factories import (
    make_booking,
    make_client,
    make_failed_message,
    make_practitioner,
    make_service,
)
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import ANSWERS, CANARY, add_intake, page_token, signed_in_client


@pytest.fixture
def failed(app) -> int:
    with app.app_context():
        booking = make_booking(start_utc=DEFAULT_NOW + timedelta(days=10))
        row_id = make_failed_message(booking.id).id
        db.session.commit()
        return row_id


def test_failed_messages_show_recipient_subject_reason_and_tries(app, failed):
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/outbox"))
    assert "ann@example.com" in words
    assert "Booked: Tuesday 1 December at 10am" in words
    assert "recipient refused (550)" in words
    assert "Tries 8" in words


def test_send_again_resets_the_message_for_the_worker_and_is_audited(app, failed):
    desk = signed_in_client(app, StaffRole.RECEPTION)
    with app.app_context():
        assert outbox._claim(DEFAULT_NOW, 10) == []  # failed: the worker leaves it alone
    response = desk.post(f"/dashboard/outbox/{failed}/retry", data={"csrf_token": page_token(desk)})
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(OutboxMessage, failed)
        assert row.failed_at is None and row.attempts == 0 and row.next_attempt_at == DEFAULT_NOW
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert event.action == AuditAction.RETRIED_MESSAGE and event.booking_id == row.booking_id
        assert "ann@example.com" not in event.detail
        assert [message_id for message_id, _ in outbox._claim(DEFAULT_NOW, 10)] == [failed]
    assert "Every message has gone" in text_of(desk.get("/dashboard/outbox"))
    again = desk.post(
        f"/dashboard/outbox/{failed}/retry",
        data={"csrf_token": page_token(desk)},
        follow_redirects=True,
    )
    assert "no longer waiting" in text_of(again)
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent)).all()) == 1


def test_the_outbox_page_takes_the_same_queries_however_many_failed(app, failed):
    desk = signed_in_client(app, StaffRole.ADMIN)
    few = count_queries(app, desk, "/dashboard/outbox")
    with app.app_context():
        for n in range(5):
            make_failed_message(None, recipient=f"person{n}@example.com")
        db.session.commit()
    assert count_queries(app, desk, "/dashboard/outbox") == few


# --- Export ---------------------------------------------------------------------------------


@pytest.fixture
def diary(app):
    """Bookings either side of the October clock change, one cancelled for a flare, and a
    client whose name would be a spreadsheet formula."""
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        service = make_service(name="Gentle massage", minutes=60)
        sly = make_client(name='=HYPERLINK("http://evil.example","x")')
        add_intake(sly, ANSWERS)
        make_booking(  # Saturday 24 October 2026, 10:00 in summer time
            client=sly,
            practitioner=maya,
            service=service,
            start_utc=datetime(2026, 10, 24, 9, 0, tzinfo=UTC),
            checkin_answer="gentler",
        )
        make_booking(  # Monday 26 October 2026, 10:00 in winter time
            client=make_client(name="Dee Flare"),
            practitioner=maya,
            service=service,
            start_utc=datetime(2026, 10, 26, 10, 0, tzinfo=UTC),
            status=BookingStatus.CANCELLED,
            cancel_reason="unwell",
            cancel_note="-rest first",
        )
        make_booking(  # outside the range
            practitioner=maya, service=service, start_utc=datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
        )
        db.session.commit()


def _export(app, role=StaffRole.RECEPTION, **args):
    return signed_in_client(app, role).get("/dashboard/export", query_string=args)


def test_the_csv_has_one_row_per_booking_in_local_time_and_no_clinical_data(app, diary):
    response = _export(app, first="2026-10-24", last="2026-10-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        'filename="bookings-2026-10-24-to-2026-10-31.csv"'
        in response.headers["Content-Disposition"]
    )
    body = response.get_data(as_text=True)
    assert CANARY not in body and "fever" not in body.lower()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Date", "Start", "End"]
    assert rows[1][:7] == [
        "2026-10-24",
        "10:00",
        "11:00",
        "Maya Okafor",
        "Gentle massage",
        '\'=HYPERLINK("http://evil.example","x")',  # shown as text, never run
        "Confirmed",
    ]
    assert rows[1][8] == "Shorter and gentler, please"
    assert rows[2][:2] == ["2026-10-26", "10:00"]
    assert rows[2][6:8] == ["Cancelled", "Unwell or in a flare: -rest first"]
    assert len(rows) == 3
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert event.action == AuditAction.EXPORTED_BOOKINGS
        assert event.detail == "2026-10-24 to 2026-10-31; 2 bookings"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"first": "2026-11-30", "last": "2026-11-01"}, "The last day is before the first day"),
        ({"first": "2025-01-01", "last": "2026-11-01"}, "Please choose at most 366 days"),
        ({"first": "yesterday", "last": "2026-11-01"}, "Please give a date like 24/11/2026"),
        ({"first": "2026-11-01", "last": ""}, "Please give a date like 24/11/2026"),
        ({"first": "99999-01-01\x00", "last": "2026-11-01"}, "Please give a date like"),
    ],
)
def test_bad_ranges_get_a_message_next_to_the_field(app, args, message):
    response = _export(app, **args)
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_the_export_takes_the_same_queries_however_many_bookings(app, diary):
    desk = signed_in_client(app, StaffRole.ADMIN)
    path = "/dashboard/export?first=2026-10-01&last=2026-12-31"
    few = count_queries(app, desk, path)
    with app.app_context():
        for n in range(6):
            make_booking(start_utc=datetime(2026, 12, 1 + n, 10, 0, tzinfo=UTC))
        db.session.commit()
    assert count_queries(app, desk, path) == few
