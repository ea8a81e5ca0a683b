"""The outbox worker under faults, with the real parts: a PostgreSQL server of the test's own,
stopped and started mid-run; an SMTP server that is down or says "try again later"; a worker
that dies holding a message. And /healthz/outbox, for an uptime monitor."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from alembic import command
from cryptography.fernet import Fernet
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, OutboxMessage, WorkerHeartbeat
from booking.services.messaging import outbox, worker
from tests.support import DEFAULT_NOW, sqlite_only
from tests.support.booking import MONDAY, book_as_client
from tests.support.factories import make_failed_message
from tests.support.mail import free_port
from tests.support.messages import confirmation
from tests.support.pages import csrf_token, text_of
from tests.support.postgres_cluster import throwaway_cluster
from tests.support.staff import signed_in_client

ROOT = Path(__file__).resolve().parent.parent


def _queue(app, n: int, now: datetime) -> None:
    with app.app_context():
        outbox.queue([confirmation(n)], now)
        db.session.commit()


def _wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


# --- 1. The worker outlives a database outage ---------------------------------------------------


@pytest.mark.slow
@sqlite_only  # the app's own database here is a PostgreSQL server of this test's
def test_the_worker_survives_the_database_going_away_and_coming_back(make_app, inbox, caplog):
    caplog.set_level(logging.INFO)
    with throwaway_cluster() as cluster:
        app = make_app(
            SQLALCHEMY_DATABASE_URI=cluster.url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=inbox.port,
        )
        with app.app_context():
            command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")
        # Alembic's logging set-up removed the capturing handler and raised the root level.
        logging.getLogger().addHandler(caplog.handler)
        caplog.set_level(logging.INFO)
        stop = threading.Event()

        def work() -> None:
            with app.app_context():
                worker.run_worker(lambda: datetime.now(UTC), 0.1, stop=stop, name="test:1")

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        try:
            _queue(app, 1, datetime.now(UTC))
            assert _wait_for(lambda: len(inbox.messages) == 1)

            cluster.stop()  # PostgreSQL goes away for a while
            assert _wait_for(lambda: "outbox worker: OperationalError" in caplog.text, 15)
            time.sleep(1)
            assert thread.is_alive()

            cluster.start()  # and comes back: no restart of the worker needed
            _queue(app, 2, datetime.now(UTC))
            assert _wait_for(lambda: len(inbox.messages) == 2, 60)
            assert "outbox worker: working again" in caplog.text
            with app.app_context():
                beat = db.session.scalars(select(WorkerHeartbeat)).one()
                assert datetime.now(UTC) - beat.seen_at < timedelta(seconds=30)
        finally:
            stop.set()
            thread.join(30)
        assert not thread.is_alive()
        assert inbox.recipients() == ["client1@example.com", "client2@example.com"]
        assert "Booked" not in caplog.text  # the log holds no message contents


# --- 2. Messages outlast an outage of the mail server -------------------------------------------


def test_a_confirmation_keeps_trying_for_three_days_then_fails_for_good(app, inbox):
    with app.app_context():
        outbox.queue([confirmation(1)], DEFAULT_NOW)
        db.session.commit()
        inbox.defer = True  # "451 try again later", for days
        for hours in (0, 1, 6, 24, 48, 71):
            report = outbox.run_once(lambda h=hours: DEFAULT_NOW + timedelta(hours=h, minutes=5))
            assert (report.retrying, report.failed) == (1, 0), hours
        report = outbox.run_once(lambda: DEFAULT_NOW + timedelta(days=3, minutes=10))
        assert report.failed == 1
    [row] = _rows(app)
    assert row.failed_at is not None and row.last_error == "recipient refused (451)"


def test_a_message_waiting_through_an_outage_goes_when_the_server_is_back(app, inbox):
    with app.app_context():
        outbox.queue([confirmation(1)], DEFAULT_NOW)
        db.session.commit()
        inbox.defer = True
        assert outbox.run_once(lambda: DEFAULT_NOW).retrying == 1
        inbox.defer = False
        assert outbox.run_once(lambda: DEFAULT_NOW + timedelta(hours=2)).sent == 1
    assert inbox.recipients() == ["client1@example.com"]


def test_a_reminder_keeps_trying_until_its_moment_has_passed(app, practice, inbox):
    book_as_client(app)
    inbox.defer = True
    with app.app_context():
        for moment in (MONDAY - timedelta(hours=24), MONDAY - timedelta(hours=2)):
            outbox.run_once(lambda m=moment: m)
        outbox.run_once(lambda: MONDAY + timedelta(minutes=1))
    reminders = [row for row in _rows(app) if row.kind == "client_reminder"]
    assert reminders and all(row.failed_at is None for row in reminders)
    assert all(row.dropped_at is not None for row in reminders)  # no use after the start


# --- 3. A crashed worker holds only the unsent messages of its batch, for about a minute --------


def test_a_crashed_worker_delays_only_its_message_for_a_minute(app, inbox):
    with app.app_context():
        for n in range(1, 4):
            outbox.queue([confirmation(n)], DEFAULT_NOW)
        db.session.commit()
        [(held, _)] = outbox._claim(DEFAULT_NOW, 1)  # a worker took this one, then died
        assert outbox.run_once(lambda: DEFAULT_NOW + timedelta(seconds=5)).sent == 2
        assert outbox.run_once(lambda: DEFAULT_NOW + timedelta(seconds=30)).sent == 0
        later = DEFAULT_NOW + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
        assert outbox.run_once(lambda: later).ids == [held]
    assert len(inbox.messages) == 3


# --- /healthz/outbox --------------------------------------------------------------------------


def test_the_outbox_health_check_for_an_uptime_monitor(app, client, freeze):
    freeze(DEFAULT_NOW)
    nobody = client.get("/healthz/outbox")
    assert nobody.status_code == 503
    assert nobody.json["problems"] == ["no outbox worker seen in the last 5 minutes"]
    with app.app_context():
        worker.beat("host:1", DEFAULT_NOW - timedelta(minutes=1), DEFAULT_NOW)
    alive = client.get("/healthz/outbox")
    assert alive.status_code == 200
    assert alive.json == {
        "status": "ok",
        "last_worker_seen": DEFAULT_NOW.isoformat(),
        "oldest_due_waited_seconds": 0,
        "due_messages_waiting": 0,
    }
    with app.app_context():  # a confirmation failing since 11 minutes ago
        outbox.queue([confirmation(1)], DEFAULT_NOW - timedelta(minutes=11))
        row = db.session.scalars(select(OutboxMessage)).one()
        row.attempts, row.next_attempt_at = 3, DEFAULT_NOW + timedelta(minutes=4)
        db.session.commit()
    stuck = client.get("/healthz/outbox")
    assert stuck.status_code == 503
    assert stuck.json["problems"] == ["a due message has waited more than 10 minutes"]
    assert stuck.json["oldest_due_waited_seconds"] == 11 * 60
    assert stuck.json["due_messages_waiting"] == 1
    with app.app_context():
        worker.beat("host:1", DEFAULT_NOW, DEFAULT_NOW + timedelta(minutes=6))
    freeze(DEFAULT_NOW + timedelta(minutes=12))
    assert len(client.get("/healthz/outbox").json["problems"]) == 2


# --- After an outage: "send all again" ---------------------------------------------------------


def test_send_all_again_gives_every_failed_message_a_fresh_start(app, freeze):
    freeze(DEFAULT_NOW)
    with app.app_context():
        make_failed_message(None, "ann@example.com", dedupe_key="a")
        make_failed_message(None, "bo@example.com", dedupe_key="b")
        db.session.commit()
    desk = signed_in_client(app, StaffRole.RECEPTION)
    page = desk.get("/dashboard/outbox")
    assert "Send all 2 again" in text_of(page)
    done = desk.post("/dashboard/outbox/retry-all", data={"csrf_token": csrf_token(page)})
    assert done.status_code == 303
    assert "2 messages will be sent again" in text_of(desk.get(done.location))
    rows = _rows(app)
    assert all(row.failed_at is None and row.attempts == 0 for row in rows)
    assert all(row.next_attempt_at == DEFAULT_NOW for row in rows)
    with app.app_context():
        retried = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.RETRIED_MESSAGE)
        ).all()
        assert len(retried) == 2
    assert "Every message has gone" in text_of(desk.get("/dashboard/outbox"))


def test_with_the_mail_server_down_messages_wait_then_go_when_it_is_back(app, inbox, caplog):
    caplog.set_level(logging.INFO)
    with app.app_context():
        outbox.queue([confirmation(1)], DEFAULT_NOW)
        db.session.commit()
        app.config["MAIL_PORT"] = free_port()  # nothing listens there: connection refused
        report = outbox.run_once(lambda: DEFAULT_NOW)
        assert (report.retrying, report.failed) == (1, 0)
        app.config["MAIL_PORT"] = inbox.port
        assert outbox.run_once(lambda: DEFAULT_NOW + timedelta(minutes=2)).sent == 1
    [row] = _rows(app)
    assert row.sent_at is not None and row.attempts == 2
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("booking")]
    assert any("could not reach the mail server (ConnectionRefusedError)" in m for m in ours)
    assert not any("client1@example.com" in m for m in ours)  # no addresses in our log


class _StuckServer:
    """An SMTP server that takes a message's text and never answers: a send in flight."""

    def __init__(self) -> None:
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        await asyncio.sleep(60)
        return "250 OK"


@pytest.mark.slow
@sqlite_only  # the worker process and this test share a database file of the test's own
def test_a_worker_killed_mid_send_holds_only_its_batch_for_a_minute(make_app, inbox, tmp_path):
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
    with app.app_context():
        command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")
    start = datetime.now(UTC)
    with app.app_context():
        for n in range(1, outbox.BATCH + 3):  # a batch, and two more
            outbox.queue([confirmation(n)], start)
        db.session.commit()
    stuck = _StuckServer()
    controller = Controller(stuck, hostname="127.0.0.1", port=free_port())
    controller.start()
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SECRET_KEY": "a-test-secret-that-is-long-enough-for-the-worker-0123456789",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(controller.port),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "run", "--interval", "0.2"],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def held() -> list[OutboxMessage]:
        return [row for row in _rows(app) if row.claimed_until is not None]

    try:
        assert stuck.receiving.wait(60), (tmp_path / "worker.log").read_text()
        assert _wait_for(lambda: len(held()) == outbox.BATCH, 10), _rows(app)  # mid-send
        process.send_signal(signal.SIGKILL)  # dies with a message in flight
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        controller.stop()
        log.close()
    rows = _rows(app)
    kept = [row for row in rows if row.claimed_until is not None]
    assert all(row.sent_at is None for row in rows)
    claimed_until = kept[0].claimed_until
    assert claimed_until - start <= timedelta(seconds=outbox.CLAIM_SECONDS + 30)
    # Another worker sends the rest at once, and the held batch once its minute has run out.
    with app.app_context():
        soon = claimed_until - timedelta(seconds=1)
        assert outbox.run_once(lambda: soon).sent == 2
        later = claimed_until + timedelta(seconds=1)
        assert outbox.run_once(lambda: later).ids == [row.id for row in kept]
        db.session.remove()
        db.engine.dispose()
    assert len(inbox.messages) == outbox.BATCH + 2


class _DroppingServer:
    """An SMTP server that hangs up in the middle of a message, as an overloaded one does."""

    def __init__(self) -> None:
        self.dropped = 0

    async def handle_DATA(self, server, session, envelope):
        self.dropped += 1
        server.transport.close()
        return "421 Closing"


def test_a_server_that_hangs_up_mid_message_is_tried_again_later(app, inbox):
    dropping = _DroppingServer()
    controller = Controller(dropping, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with app.app_context():
            outbox.queue([confirmation(1)], DEFAULT_NOW)
            db.session.commit()
            app.config["MAIL_PORT"] = controller.port
            report = outbox.run_once(lambda: DEFAULT_NOW)
            assert (report.retrying, report.failed, dropping.dropped) == (1, 0, 1)
    finally:
        controller.stop()
    with app.app_context():
        app.config["MAIL_PORT"] = inbox.port
        assert outbox.run_once(lambda: DEFAULT_NOW + timedelta(minutes=2)).sent == 1
    assert inbox.recipients() == ["client1@example.com"]
