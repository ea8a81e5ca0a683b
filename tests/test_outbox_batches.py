"""The outbox worker sends in batches: one claim, one SMTP connection and one mark for many
messages, with every guarantee of sending them one at a time (README, "Messages")."""

from __future__ import annotations

import smtplib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from booking.extensions import db
from booking.models import OutboxMessage
from booking.services import booking as bookings
from booking.services.messaging import outbox
from booking.transactions import write_transaction
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client
from tests.support.messages import confirmation
from tests.support.queries import recorded_statements


def queue_confirmations(app, count: int) -> None:
    with app.app_context():
        outbox.queue([confirmation(n) for n in range(1, count + 1)], DEFAULT_NOW)
        db.session.commit()


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


def copies(inbox) -> Counter[str]:
    """How many times the server received each Message-ID."""
    return Counter(str(message["Message-ID"]) for message in inbox.messages)


class Connections:
    """An SMTP connection factory for run_once that counts what it opens."""

    def __init__(self, app) -> None:
        self.app = app
        self.opened: list[smtplib.SMTP] = []

    def __call__(self) -> smtplib.SMTP:
        config = self.app.config
        self.opened.append(smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=5))
        return self.opened[-1]


# --- One connection, one claim, one mark -------------------------------------------------------


def test_a_whole_pass_goes_over_one_smtp_connection(app, inbox):
    queue_confirmations(app, 7)
    connections = Connections(app)
    with app.app_context():
        report = outbox.run_once(lambda: DEFAULT_NOW, connect=connections, limit=3)
    assert report.sent == 7 and len(inbox.messages) == 7  # three batches
    assert len(connections.opened) == 1


def test_a_batch_costs_the_same_few_queries_however_many_messages_it_holds(app, practice, inbox):
    def statements_to_send_what_is_due() -> list[str]:
        with recorded_statements(app) as statements, app.app_context():
            outbox.run_once(lambda: DEFAULT_NOW)
        return statements

    book_as_client(app)
    one_booking = statements_to_send_what_is_due()
    for week in range(1, 6):
        book_as_client(app, MONDAY + timedelta(days=7 * week), email=f"c{week}@example.com")
    five_bookings = statements_to_send_what_is_due()
    assert len(inbox.messages) == 3 + 15  # each booking: confirmation, questionnaire, invite
    assert len(five_bookings) == len(one_booking) <= 8, five_bookings


def test_sent_messages_are_marked_in_one_statement(app, inbox):
    queue_confirmations(app, 5)
    with recorded_statements(app) as statements, app.app_context():
        outbox.run_once(lambda: DEFAULT_NOW)
    marks = [sql for sql in statements if sql.startswith("UPDATE") and "sent_at=" in sql]
    assert len(marks) == 1
    assert all(row.sent_at == DEFAULT_NOW and row.claimed_until is None for row in rows(app))


# --- Still true to the booking when its batch is claimed ---------------------------------------


def test_messages_overtaken_by_a_change_are_dropped_from_the_batch(app, practice, inbox):
    moved = book_as_client(app, MONDAY, email="moved@example.com")
    cancelled = book_as_client(app, MONDAY + timedelta(days=7), email="cancelled@example.com")
    book_as_client(app, MONDAY + timedelta(days=14), email="kept@example.com")
    with app.app_context():  # after queueing, before any batch
        bookings.reschedule(moved, MONDAY + timedelta(hours=1), DEFAULT_NOW)
        bookings.cancel(cancelled, "not_well", DEFAULT_NOW)
        report = outbox.run_once(lambda: DEFAULT_NOW)
    clients = {"moved@example.com", "cancelled@example.com", "kept@example.com"}
    went = {(r.recipient, r.kind) for r in rows(app) if r.sent_at and r.recipient in clients}
    assert went == {
        ("moved@example.com", "client_update"),  # not the confirmation of the old time
        ("moved@example.com", "client_intake_link"),
        ("cancelled@example.com", "client_cancellation"),  # only that
        ("kept@example.com", "client_confirmation"),
        ("kept@example.com", "client_intake_link"),
    }
    therapist = [r.kind for r in rows(app) if r.sent_at and r.recipient not in clients]
    assert sorted(therapist) == ["therapist_cancellation", "therapist_invite", "therapist_update"]
    assert report.sent == len(inbox.messages) == 8
    assert report.dropped == len([r for r in rows(app) if r.dropped_at]) == 5


# --- Crashes: at most one extra copy of each message of the batch in flight --------------------


def test_a_mark_that_fails_means_one_more_copy_of_each_message_in_the_batch(app, inbox):
    queue_confirmations(app, 5)
    with app.app_context():
        engine = db.engine

    def database_gone_when_marking(_conn, _cursor, statement, *_rest) -> None:
        if statement.startswith("UPDATE") and "sent_at=" in statement:
            raise OperationalError(statement, None, ConnectionError("the database went away"))

    event.listen(engine, "before_cursor_execute", database_gone_when_marking)
    try:
        with app.app_context(), pytest.raises(OperationalError):
            outbox.run_once(lambda: DEFAULT_NOW)
    finally:
        event.remove(engine, "before_cursor_execute", database_gone_when_marking)
    assert len(inbox.messages) == 5  # the server took them all; none is marked sent
    with app.app_context():
        held = DEFAULT_NOW + timedelta(seconds=outbox.CLAIM_SECONDS)
        assert outbox.run_once(lambda: held).sent == 0  # still the failed batch's
        later = held + timedelta(seconds=1)
        assert outbox.run_once(lambda: later).sent == 5
        assert outbox.run_once(lambda: later + timedelta(hours=1)).sent == 0
    assert set(copies(inbox).values()) == {2}  # each once more, with its Message-ID


class Crash(BaseException):
    """The worker process dying: nothing in the worker catches it."""


def test_a_worker_dying_mid_batch_resends_only_that_batch_and_each_at_most_once(app, inbox):
    queue_confirmations(app, 8)
    opened: list[smtplib.SMTP] = []

    def connect_then_die_after_three() -> smtplib.SMTP:
        smtp = smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=5)
        opened.append(smtp)
        send = smtp.send_message

        def send_then_perhaps_die(message):
            send(message)
            if len(inbox.messages) == 3:
                raise Crash

        smtp.send_message = send_then_perhaps_die
        return smtp

    with app.app_context(), pytest.raises(Crash):
        outbox.run_once(lambda: DEFAULT_NOW, connect=connect_then_die_after_three, limit=5)
    opened[0].close()  # what the dying process's operating system would do
    with app.app_context():
        soon = DEFAULT_NOW + timedelta(seconds=5)
        assert outbox.run_once(lambda: soon).sent == 3  # the next batch, nobody's
        later = DEFAULT_NOW + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
        assert outbox.run_once(lambda: later).sent == 5  # the dead worker's batch
        assert outbox.run_once(lambda: later + timedelta(hours=1)).sent == 0
    assert len(copies(inbox)) == 8
    assert sorted(copies(inbox).values()) == [1] * 5 + [2] * 3  # only what it had sent, again


# --- One message's trouble is that message's alone ---------------------------------------------


def test_a_refused_message_does_not_hold_back_the_marks_of_the_others(app, inbox):
    queue_confirmations(app, 5)
    inbox.refuse.add("client3@example.com")
    with app.app_context():
        report = outbox.run_once(lambda: DEFAULT_NOW)
        assert outbox.run_once(lambda: DEFAULT_NOW + timedelta(days=1)).sent == 0
    assert (report.sent, report.failed) == (4, 1)
    assert [row.sent_at is not None for row in rows(app)] == [True, True, False, True, True]
    assert set(copies(inbox).values()) == {1}


def test_an_error_in_one_message_marks_those_sent_before_it_and_frees_the_rest(app, inbox):
    queue_confirmations(app, 4)
    with app.app_context():  # an invite whose calendar says another method: a bug
        broken = db.session.scalars(select(OutboxMessage).offset(1).limit(1)).one()
        broken.calendar, broken.calendar_method = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "CANCEL"
        db.session.commit()
        with pytest.raises(ValueError):
            outbox.run_once(lambda: DEFAULT_NOW)
    first, second, *rest = rows(app)
    assert first.sent_at is not None  # sent before the error, and marked
    assert all(row.sent_at is None and row.claimed_until is None for row in [second, *rest])
    assert [row.attempts for row in [second, *rest]] == [0, 0, 0]  # not tried: no attempt used
    assert len(inbox.messages) == 1


def test_a_batch_stops_before_its_claim_could_run_out_under_a_send(app, inbox):
    """With a mail server taking 25 seconds a message, a batch sends two, and leaves the rest,
    unclaimed, to the next: no message goes after its claim may have run out."""
    queue_confirmations(app, 5)
    clock = [DEFAULT_NOW]
    left_of_claim = []

    def slow_server() -> smtplib.SMTP:
        smtp = smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=5)
        send = smtp.send_message

        def send_slowly(message):
            with db.engine.connect() as connection:  # as another worker would see it
                claimed_until = connection.scalar(
                    select(OutboxMessage.claimed_until).where(
                        OutboxMessage.message_id == message["Message-ID"]
                    )
                )
            left_of_claim.append(claimed_until - clock[0])
            send(message)
            clock[0] += timedelta(seconds=25)

        smtp.send_message = send_slowly
        return smtp

    with app.app_context():
        report = outbox.run_once(lambda: clock[0], connect=slow_server)
    assert report.sent == 5 and set(copies(inbox).values()) == {1}
    # Every send began with room for the slowest one: each SMTP step using its whole time-out.
    assert min(left_of_claim) > timedelta(seconds=outbox.SMTP_STEPS * outbox.SMTP_TIMEOUT_SECONDS)
    assert all(row.attempts == 1 for row in rows(app))  # left for later: no attempt used


# --- Several workers (PostgreSQL) --------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_batch_being_claimed_is_skipped_not_waited_for_or_taken_twice(app):
    queue_confirmations(app, 6)
    first_holds_its_batch, let_go = threading.Event(), threading.Event()
    taken: dict[str, list[int]] = {}

    def first_worker() -> None:
        with app.app_context(), write_transaction():
            taken["first"] = [row.id for row in outbox._take(DEFAULT_NOW, 4)]
            first_holds_its_batch.set()
            let_go.wait(10)  # its claim not committed yet: the rows are locked

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert first_holds_its_batch.wait(10)
        second = threading.Thread(
            target=lambda: taken.update(second=_claim_in_context(app, DEFAULT_NOW, 10))
        )
        second.start()
        second.join(10)
        assert not second.is_alive(), "the second worker waited for the first one's rows"
    finally:
        let_go.set()
        thread.join(10)
    assert len(taken["first"]) == 4 and len(taken["second"]) == 2
    assert not set(taken["first"]) & set(taken["second"])


def _claim_in_context(app, now, limit) -> list[int]:
    with app.app_context():
        return [message_id for message_id, _ in outbox._claim(now, limit)]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_sending_batches_at_once_send_each_message_exactly_once(app, inbox):
    queue_confirmations(app, 60)
    barrier = threading.Barrier(2)
    reports: list[outbox.RunReport] = []

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            reports.append(outbox.run_once(lambda: DEFAULT_NOW, limit=5))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(report.sent for report in reports) == 60
    assert len(copies(inbox)) == 60 and set(copies(inbox).values()) == {1}
    assert not set(reports[0].ids) & set(reports[1].ids)
