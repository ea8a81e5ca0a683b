"""The outbox worker's loop, and how a monitor can tell it is alive.

The loop outlives the parts it depends on: when the database or the network fails, it logs one
line, waits (longer each time, up to a minute), and tries again; the connection pool
reconnects by itself (`pool_pre_ping`). Each pass also reads the therapists' own calendars
that are due (services/busy_calendar/sync.py) and, every WAITLIST_EVERY, offers freed times to
the waiting list (services/waitlist/offers.py), both failing calmly. After each pass it records a
heartbeat, and `outbox_health()` reads the heartbeats and the oldest message waiting, for
`/healthz/outbox`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from booking.domain.channels import Channel
from booking.extensions import db
from booking.models import OutboxMessage, WorkerHeartbeat
from booking.services.messaging import outbox
from booking.services.waitlist import offers
from booking.transactions import write_transaction

log = logging.getLogger(__name__)

LONGEST_PAUSE_SECONDS = 60.0  # between tries while something the worker needs is down
NOT_SEEN_FOR = timedelta(minutes=5)  # no heartbeat for this long: no worker is running
WAITED_TOO_LONG = timedelta(minutes=10)  # a due message waiting this long: something is wrong
FORGET_AFTER = timedelta(days=1)  # heartbeats of workers gone this long are removed
# How often the worker looks for freed times to offer to the waiting list: soon enough that a
# time freed by a cancellation goes out within minutes, rarely enough to cost nothing.
WAITLIST_EVERY = timedelta(minutes=2)


def worker_name() -> str:
    """This worker, as its heartbeat names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(name: str, started_at: datetime, now: datetime) -> None:
    """Record that this worker is alive (and forget workers long gone)."""
    with write_transaction():
        row = db.session.scalars(
            select(WorkerHeartbeat).where(WorkerHeartbeat.name == name)
        ).one_or_none()
        if row is None:
            db.session.add(WorkerHeartbeat(name=name, started_at=started_at, seen_at=now))
        else:
            row.seen_at = now
        db.session.execute(
            delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - FORGET_AFTER)
        )


def _short(error: BaseException) -> str:
    """One line about a failure, without the SQL or its values (they may hold addresses)."""
    reason = str(getattr(error, "orig", None) or type(error).__name__).strip()
    first = reason.splitlines()[0] if reason else type(error).__name__
    return f"{type(error).__name__}: {first[:160]}"


def read_own_calendars(now: datetime) -> None:
    """The worker's second job: read therapists' own calendars that are due (every
    BUSY_CALENDAR_SYNC_MINUTES, or at once when "Read it now" was pressed). A failure here is
    logged and never stops the messages."""
    from booking.services.busy_calendar import sync

    every = timedelta(minutes=current_app.config["BUSY_CALENDAR_SYNC_MINUTES"])
    try:
        sync.read_due(now, every)
    except Exception as error:  # the outbox must keep moving whatever happens here
        log.warning("own calendars: %s; trying again on the next pass", _short(error))
        _reset_session()


def offer_freed_times(now: datetime) -> None:
    """The worker's third job: offer freed times to the waiting list (services/waitlist). Run
    before the messages, so its offers go in the same pass; a failure here is logged and never
    stops the messages."""
    try:
        report = offers.offer_free_times(now)
    except Exception as error:  # the outbox must keep moving whatever happens here
        log.warning("waiting list: %s; trying again on the next pass", _short(error))
        _reset_session()
        return
    if report:
        log.info(
            "waiting list: %s offered, %s gone, %s expired, %s places closed",
            report.offered,
            report.gone,
            report.expired,
            report.closed,
        )


def run_worker(
    now: Callable[[], datetime],
    interval_seconds: float = 10.0,
    *,
    stop: threading.Event | None = None,
    name: str | None = None,
    own_calendars: bool = True,
) -> None:
    """Send due messages every `interval_seconds` until `stop` is set (or Ctrl+C), surviving
    outages of the database, the mail server and the network; with `own_calendars`, read the
    therapists' own calendars that are due as well."""
    stop = stop or threading.Event()
    name = name or worker_name()
    started_at = now()
    failures = 0
    waitlist_at: datetime | None = None  # when the waiting list was last looked at
    while not stop.is_set():
        try:
            if waitlist_at is None or now() - waitlist_at >= WAITLIST_EVERY:
                waitlist_at = now()
                offer_freed_times(waitlist_at)
            report = outbox.run_once(now)
            if own_calendars:
                read_own_calendars(now())
            beat(name, started_at, now())
        except (SQLAlchemyError, OSError) as error:
            failures += 1
            pause = min(interval_seconds * 2 ** (failures - 1), LONGEST_PAUSE_SECONDS)
            log.warning("outbox worker: %s; trying again in %.0f s", _short(error), pause)
            _reset_session()
            stop.wait(pause)
            continue
        except Exception:  # a bug: say so loudly, but keep the messages moving
            failures += 1
            pause = min(interval_seconds * 2 ** (failures - 1), LONGEST_PAUSE_SECONDS)
            log.exception("outbox worker: unexpected failure; trying again in %.0f s", pause)
            _reset_session()
            stop.wait(pause)
            continue
        if failures:
            log.info("outbox worker: working again after %s failed passes", failures)
        failures = 0
        if report:
            log.info(
                "outbox: %s sent, %s retrying, %s failed, %s dropped, %s to the phone list",
                report.sent,
                report.retrying,
                report.failed,
                report.dropped,
                report.to_phone,
            )
        _reset_session()
        stop.wait(interval_seconds)


def _reset_session() -> None:
    """A fresh session (and snapshot) for the next pass; a broken one is thrown away."""
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    db.session.remove()


@dataclass(frozen=True)
class OutboxHealth:
    """What a monitor needs to know about the outbox."""

    last_seen: datetime | None  # the latest heartbeat of any worker
    oldest_wait: timedelta  # how long the longest-waiting due message has waited
    waiting: int  # due messages not sent yet
    now: datetime

    @property
    def problems(self) -> list[str]:
        found = []
        if self.last_seen is None or self.now - self.last_seen > NOT_SEEN_FOR:
            found.append("no outbox worker seen in the last 5 minutes")
        if self.oldest_wait > WAITED_TOO_LONG:
            found.append("a due message has waited more than 10 minutes")
        return found


def outbox_health(now: datetime) -> OutboxHealth:
    """The heartbeats and the due messages waiting: two queries.

    A due message is one the worker should have sent by now: ready to go, or being tried
    again after a failure. One held back by the client's quiet hours is not late.
    """
    last_seen = db.session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    oldest, waiting = db.session.execute(
        select(func.min(OutboxMessage.due_at), func.count()).where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
            OutboxMessage.channel != Channel.PHONE,
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.next_attempt_at <= now, OutboxMessage.attempts > 0),
        )
    ).one()
    wait = now - oldest if oldest is not None else timedelta(0)
    return OutboxHealth(last_seen, max(wait, timedelta(0)), waiting, now)
