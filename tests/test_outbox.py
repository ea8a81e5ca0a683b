"""The outbox with a real SMTP server (aiosmtpd): nothing lost, nothing twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from booking.extensions import db
from booking.models import OutboxMessage
from booking.services import booking as bookings
from booking.services.messaging import outbox
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client
from tests.support.mail import Inbox, free_port

CLIENT = "ann@example.com"
THERAPIST_EMAILS = {"maya@stillwaters.example", "tom@stillwaters.example"}


def run(app, at=DEFAULT_NOW, **kwargs) -> outbox.RunReport:
    with app.app_context():
        return outbox.run_once(lambda: at, **kwargs)


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return found


def test_a_booking_queues_its_messages_and_no_web_request_talks_to_smtp(app, practice, inbox):
    book_as_client(app)
    assert inbox.messages == []  # booking only wrote rows
    queued = rows(app)
    assert {row.kind for row in queued} == {
        "client_confirmation",
        "client_intake_link",
        "therapist_invite",
        "client_reminder",
        "client_followup",
    }
    assert all(row.sent_at is None for row in queued)
    assert run(app).sent == 3  # the confirmation, the questionnaire link, the invite
    assert inbox.recipients()[:2] == [CLIENT, CLIENT]
    assert set(inbox.recipients()[2:]) <= THERAPIST_EMAILS


def test_the_mail_server_down_during_booking_loses_nothing_and_sends_once_later(app, practice):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens here
    book_as_client(app)
    first = run(app)
    assert (first.sent, first.retrying) == (0, 3)
    tried = [row for row in rows(app) if row.attempts]
    assert len(tried) == 3
    assert all("could not reach the mail server" in row.last_error for row in tried)

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_PORT=controller.port)
        assert run(app, at=DEFAULT_NOW + timedelta(seconds=30)).sent == 0  # backing off
        assert run(app, at=DEFAULT_NOW + timedelta(minutes=2)).sent == 3
        assert run(app, at=DEFAULT_NOW + timedelta(hours=5)).sent == 0  # reminders wait their day
    finally:
        controller.stop()
    assert len(handler.messages) == 3
    assert len({message["Message-ID"] for message in handler.messages}) == 3


def test_a_refused_recipient_fails_for_good_visibly_and_without_personal_data(app, practice, inbox):
    inbox.refuse.add(CLIENT)
    book_as_client(app)
    report = run(app)
    assert (report.sent, report.failed) == (1, 2)
    with app.app_context():
        failed = outbox.failed_messages()
        assert {row.kind for row in failed} == {"client_confirmation", "client_intake_link"}
        assert {row.last_error for row in failed} == {"recipient refused (550)"}
    assert run(app, at=DEFAULT_NOW + timedelta(days=1)).sent == 0  # never tried again


def test_a_message_too_large_for_the_server_is_refused_and_recorded(app, practice):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), data_size_limit=500)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        book_as_client(app)
        report = run(app)
    finally:
        controller.stop()
    assert report.failed == 3 and handler.messages == []
    assert {row.last_error for row in rows(app) if row.attempts} == {"message too large (552)"}


def test_a_message_superseded_before_sending_is_dropped(app, practice, inbox):
    token = book_as_client(app)
    with app.app_context():
        bookings.reschedule(token, MONDAY + timedelta(hours=1), DEFAULT_NOW)
    report = run(app)
    assert (report.sent, report.dropped) == (3, 2)  # the questionnaire link still goes
    assert {message["Subject"] for message in inbox.messages} != set()
    kinds = {row.kind: row for row in rows(app) if row.sent_at is not None}
    assert len(kinds) == 3
    assert set(kinds) == {"client_update", "therapist_update", "client_intake_link"}


def test_a_cancellation_is_sent_even_though_the_booking_is_cancelled(app, practice, inbox):
    token = book_as_client(app)
    run(app)
    with app.app_context():
        bookings.cancel(token, "not_well", DEFAULT_NOW)
    assert run(app).sent == 2
    methods = [
        part.get_param("method")
        for message in inbox.messages[3:]
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert methods and set(methods) == {"CANCEL"}


class Crash(BaseException):
    """The worker process dying: nothing in the worker catches it."""


def test_a_crash_between_send_and_mark_sends_at_most_one_more_copy_with_the_same_id(
    app, practice, inbox
):
    book_as_client(app)
    import smtplib

    opened = []

    def connect_then_die():
        real = smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=5)
        opened.append(real)
        original = real.send_message

        def send_then_die(message):
            original(message)
            raise Crash

        real.send_message = send_then_die
        return real

    with pytest.raises(Crash):
        run(app, connect=connect_then_die, limit=1)
    opened[0].close()  # what the dying process's operating system would do
    assert len(inbox.messages) == 1
    # Until the claim runs out, nobody sends it again.
    assert run(app, at=DEFAULT_NOW + timedelta(seconds=60)).sent == 2  # only the others
    later = DEFAULT_NOW + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    assert run(app, at=later).sent == 1  # the repeat
    assert run(app, at=later + timedelta(hours=1)).sent == 0
    ids = [message["Message-ID"] for message in inbox.messages]
    assert len(ids) == 4 and len(set(ids)) == 3  # one extra copy, recognisably the same


def test_the_same_change_never_queues_the_same_message_twice(app, practice):
    token = book_as_client(app)
    with app.app_context():
        booking = bookings.find_by_token(token)
        from booking.services.messaging import notify
        from booking.transactions import write_transaction

        with write_transaction():
            notify.booking_changed(booking, notify.Change.BOOKED, DEFAULT_NOW, token)
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 5


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_at_once_send_every_message_exactly_once(app, practice, inbox):
    for day in range(6):
        book_as_client(app, MONDAY + timedelta(days=7 * day), email=f"c{day}@example.com")
    expected = len([row for row in rows(app) if row.due_at <= DEFAULT_NOW])
    barrier = threading.Barrier(2)

    def worker():
        with app.app_context():
            barrier.wait()
            outbox.run_once(lambda: DEFAULT_NOW, limit=2)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(inbox.messages) == expected == 18  # 6 bookings, 3 messages due now each
    assert len({message["Message-ID"] for message in inbox.messages}) == expected


def test_the_cli_runs_one_pass(app, practice, inbox):
    book_as_client(app)
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "3 sent" in result.output
