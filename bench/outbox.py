"""The outbox worker beside a bare smtplib loop: messages per second, measured in one run.

    .venv/bin/python bench/outbox.py
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/booking_bench_outbox \
        .venv/bin/python bench/outbox.py

Queues 900 messages the way clients booking online do (for each of 300 bookings: the
confirmation with its calendar file, the questionnaire link and the therapist's invite), then
times, in alternating rounds, (a) a bare smtplib loop sending those messages' bytes over one
connection and (b) `outbox.run_once` draining the outbox, and prints the best of each and their
ratio. It does so against two local aiosmtpd servers: one in this process that parses each
message, as the test suite's does (the set-up the issue's figures match: about 0.2x before
batching), and one in a process of its own that discards each, the quickest a server can
answer and so the strictest reference. PostgreSQL when BENCH_DATABASE_URL is set (that
database is created afresh and dropped afterwards), else a temporary SQLite file.
"""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking import create_app  # noqa: E402
from booking.api.lookups import free_slots  # noqa: E402
from booking.domain.imip import imip_email  # noqa: E402
from booking.extensions import db  # noqa: E402
from booking.models import OutboxMessage  # noqa: E402
from booking.services import booking as bookings  # noqa: E402
from booking.services.booking.errors import BookingError  # noqa: E402
from booking.services.demo import seed_demo  # noqa: E402
from booking.services.messaging import outbox  # noqa: E402
from config import ProductionConfig  # noqa: E402

BOOKINGS = 300  # three messages due at once for each: 900
ROUNDS = 3
GOAL = 0.5
# A weekday morning, outside every client's quiet hours, so every message may go at once.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SERVICE = "first-gentle-session"
BOOKING_DAYS = 150  # room for 300 first sessions with the demo practice's two therapists

Email = tuple[str, str, bytes]  # sender, recipient, the message as sent


# --- Database and mail server ------------------------------------------------------------------


def fresh_database() -> tuple[str, Callable[[], None]]:
    """An empty database, and how to remove it afterwards."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if not url:
        folder = tempfile.TemporaryDirectory(prefix="booking-bench-outbox-")
        return f"sqlite:///{folder.name}/outbox.db", folder.cleanup
    parsed = make_url(url)
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )

    def run(statement: str) -> None:
        with admin.connect() as connection:
            connection.execute(text(statement))

    run(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    run(f'CREATE DATABASE "{parsed.database}"')

    def drop() -> None:
        run(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        admin.dispose()

    return url, drop


class ParsingServer:
    """Receives as the test suite's mail server does, parsing each message (but keeping only
    the last, so that memory does not grow from round to round)."""

    last: EmailMessage | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        self.last = message_from_bytes(envelope.content, policy=policy.default)
        return "250 Message accepted for delivery"


@contextmanager
def parsing_server() -> Iterator[int]:
    """aiosmtpd in a thread of this process, parsing what it receives: the port."""
    controller = Controller(ParsingServer(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@contextmanager
def discarding_server() -> Iterator[int]:
    """aiosmtpd in a process of its own, accepting and forgetting: the quickest a server
    answers, and no share of this process's interpreter lock. The port."""
    port = free_port()
    listen = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", listen],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = clock.monotonic() + 15
        while True:
            try:
                smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
                break
            except OSError:
                if clock.monotonic() > deadline:
                    raise RuntimeError("the aiosmtpd server did not start") from None
                clock.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


SERVERS = {
    "a server parsing what it receives, in this process (as the tests' Inbox)": parsing_server,
    "a server discarding what it receives, in a process of its own": discarding_server,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_app(url: str, instance: str) -> Flask:
    """The app as production runs it, on the bench's database, migrated."""
    environ = {
        "APP_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MAIL_SERVER": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "BOOKING_MAX_ADVANCE_DAYS": str(BOOKING_DAYS + 10),
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **environ},
        check=True,
        capture_output=True,
    )
    return create_app(ProductionConfig(environ), instance_path=instance)


# --- The messages ------------------------------------------------------------------------------


def book_sessions(app: Flask) -> None:
    """The demo practice, and BOOKINGS first sessions booked online by as many new clients."""
    with app.app_context():
        for weeks in (0, 8, 16):  # the demo diary reaches eight weeks ahead: top it up twice
            seed_demo(NOW + timedelta(weeks=weeks), app.config["PRACTICE_TIMEZONE"])
        first_day = NOW.date() + timedelta(days=1)
        slots = free_slots(SERVICE, first_day, first_day + timedelta(days=BOOKING_DAYS), None, NOW)
        booked = 0
        for n, slot in enumerate(slots):
            details = bookings.ClientDetails(name=f"Client {n}", email=f"client{n}@example.com")
            try:
                bookings.book(SERVICE, slot.start, None, details, bookings.new_manage_token(), NOW)
            except BookingError:  # an earlier booking took this time
                continue
            booked += 1
            if booked == BOOKINGS:
                return
    raise RuntimeError(f"only {booked} bookings fitted; the bench needs {BOOKINGS}")


def due_emails(app: Flask) -> list[Email]:
    """Every message due now, built as the worker builds it."""
    with app.app_context():
        sender = app.config["MAIL_DEFAULT_SENDER"]
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.next_attempt_at <= NOW)
        ).all()
        emails = []
        for row in rows:
            built = imip_email(outbox.outgoing_of(row), sender, row.message_id, NOW)
            data = built.as_bytes(policy=built.policy.clone(linesep="\r\n"))
            emails.append((sender, row.recipient, data))
        db.session.rollback()
        return emails


def unsend(app: Flask) -> None:
    """Make every message due and unsent again, as before the first round."""
    with app.app_context():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.sent_at.is_not(None))
            .values(sent_at=None, attempts=0, claimed_until=None, claim_token=None)
        )
        db.session.commit()


# --- The two ways of sending -------------------------------------------------------------------


def bare_smtplib(port: int, emails: list[Email]) -> float:
    """Seconds to send every message's bytes over one connection: the least any sender does."""
    started = clock.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=20)
    for sender, recipient, data in emails:
        smtp.sendmail(sender, [recipient], data)
    smtp.quit()
    return clock.perf_counter() - started


def outbox_pass(app: Flask, expected: int) -> float:
    """Seconds for one `run_once` (as `outbox run --once` makes it) to send every due message."""
    with app.app_context():
        started = clock.perf_counter()
        # A clock that runs from NOW, as the real one does (each email's Date is its own).
        report = outbox.run_once(lambda: NOW + timedelta(seconds=clock.perf_counter() - started))
        took = clock.perf_counter() - started
        db.session.remove()
    if report.sent != expected:
        raise RuntimeError(f"the outbox sent {report.sent} of {expected} messages")
    return took


def main() -> None:
    url, drop_database = fresh_database()
    instance = tempfile.TemporaryDirectory(prefix="booking-bench-instance-")
    try:
        app = make_app(url, instance.name)
        book_sessions(app)
        emails = due_emails(app)
        with app.app_context():
            backend = db.engine.dialect.name
        print(f"outbox run --once, {len(emails)} messages, {backend}; best of {ROUNDS} rounds:")
        for label, server in SERVERS.items():
            with server() as port:
                app.config.update(MAIL_PORT=port)
                bare, worker = [], []
                for _ in range(ROUNDS):  # alternate, so a busy moment hurts both alike
                    bare.append(bare_smtplib(port, emails))
                    unsend(app)
                    worker.append(outbox_pass(app, len(emails)))
            outbox_rate, bare_rate = len(emails) / min(worker), len(emails) / min(bare)
            print(
                f"  {label}: outbox {outbox_rate:.0f} msg/s, bare smtplib {bare_rate:.0f} msg/s, "
                f"ratio {outbox_rate / bare_rate:.2f}x (goal >= {GOAL}x)"
            )
        with app.app_context():
            db.engine.dispose()
    finally:
        instance.cleanup()
        drop_database()


if __name__ == "__main__":
    main()
