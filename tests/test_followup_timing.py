"""The follow-up ("how were you?") goes when the client's worsening would have shown: timed by
their answer about when it usually starts, 48 hours when unknown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.reminders import followup_delay
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services.messaging import notify
from tests.support import DEFAULT_NOW
from tests.support.booking import book_as_client
from tests.support.factories import make_booking, make_client
from tests.support.intake import GOOD_PAGES, fill_in, intake_link, send
from tests.support.pages import text_of
from tests.support.staff import signed_in_client

DEFAULT = timedelta(hours=48)


@pytest.mark.parametrize(
    ("answer", "after"),
    [
        ("same_day", timedelta(hours=24)),
        ("next_day", timedelta(hours=48)),
        ("two_days_or_more", timedelta(hours=96)),
        ("varies", timedelta(hours=36)),  # the practice's own setting
        ("not_sure", timedelta(hours=36)),
        (None, timedelta(hours=36)),
    ],
)
def test_the_delay_follows_when_worsening_usually_starts(answer, after):
    assert followup_delay(answer, timedelta(hours=36)) == after


def _followup(app) -> tuple[OutboxMessage, Booking]:
    with app.app_context():
        row, booking = db.session.execute(
            select(OutboxMessage, Booking)
            .join(Booking, OutboxMessage.booking_id == Booking.id)
            .where(OutboxMessage.kind == "client_followup", OutboxMessage.dropped_at.is_(None))
        ).one()
        db.session.expunge_all()
        return row, booking


@pytest.mark.parametrize(
    ("delay", "after"),
    [("same_day", timedelta(hours=24)), ("two_days_or_more", timedelta(hours=96))],
)
def test_the_answers_move_the_follow_up_queued_at_booking(app, practice, client, delay, after):
    link = intake_link(client, book_as_client(app))
    row, booking = _followup(app)
    assert row.due_at == booking.end_utc + DEFAULT  # queued before we knew
    pem = {**GOOD_PAGES["pem"], "delay": delay}
    fill_in(client, link, pem=pem)
    assert send(client, link).status_code == 303
    row, booking = _followup(app)
    assert row.due_at == row.next_attempt_at == booking.end_utc + after


def test_a_later_booking_is_timed_from_the_start(app, practice, client):
    link = intake_link(client, book_as_client(app))
    fill_in(client, link, pem={**GOOD_PAGES["pem"], "delay": "same_day"})
    send(client, link)
    with app.app_context():
        first = db.session.scalars(select(Booking)).one()
        later_start = first.start_utc + timedelta(days=14)
    book_as_client(app, start=later_start, slug="gentle-massage")
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.due_at, Booking.end_utc)
            .join(Booking, OutboxMessage.booking_id == Booking.id)
            .where(OutboxMessage.kind == "client_followup", Booking.start_utc == later_start)
        ).all()
    assert [due - end for due, end in rows] == [timedelta(hours=24)]


def test_the_phone_follow_up_waits_for_the_client_s_own_delay(app):
    ended = DEFAULT_NOW - timedelta(hours=50)
    with app.app_context():
        for name, starts in (("Pat Usual", None), ("Sol Slow", "two_days_or_more")):
            person = make_client(
                name=name, email=None, phone="+441632960123", worsening_starts=starts
            )
            booking = make_booking(
                client=person,
                start_utc=ended - timedelta(hours=1),
                status=BookingStatus.ATTENDED,
            )
            notify.queue_reminders(booking, ended - timedelta(days=7))
        db.session.commit()
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/phone-calls"))
    assert "Pat Usual" in words  # 50 hours on: the usual 48 have passed
    assert "Sol Slow" not in words  # their worsening shows later: asked at 96 hours
