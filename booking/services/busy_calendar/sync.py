"""Reading the saved addresses and keeping each practitioner's busy blocks up to date.

A read happens outside any transaction (it may take seconds); its result is written in one
short transaction that replaces the practitioner's blocks all at once, and only when they
changed, so kept pages stay kept. A failed read changes no block: the last good copy stays in
use, and the failure is noted as a kind ("timed out"), never with the address.

The blocks reach from a day ago to a week past the furthest bookable day. A server's "not
modified" is only asked for while the kept blocks still reach far enough; otherwise the
calendar is read in full, so days coming into the bookable period are always filled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from booking.clock import practice_zone
from booking.domain.availability import Span
from booking.domain.busy_calendar import NotACalendar, ReadProblem, busy_spans
from booking.encryption import EncryptionKeyError, cipher
from booking.extensions import db
from booking.models import BusyBlock, BusyCalendar, Practitioner
from booking.services.busy_calendar.fetch import Limits, ReadFailed, fetch
from booking.services.practice.settings import current as current_settings
from booking.transactions import write_transaction

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(days=1)  # today's blocks stay in the diary all day
LOOK_PAST_BOOKABLE = timedelta(days=7)  # room for a week of "not modified" answers


@dataclass(frozen=True)
class ReadResult:
    """How reading one practitioner's calendar went (never the address)."""

    practitioner_id: int
    name: str
    problem: ReadProblem | None = None
    not_modified: bool = False
    changed: bool = False
    blocks: int = 0
    skipped: bool = False  # the address changed or was removed while it was being read

    @property
    def ok(self) -> bool:
        return self.problem is None


def limits() -> Limits:
    """The configured bounds on a read."""
    config = current_app.config
    return Limits(
        timeout_seconds=float(config["BUSY_CALENDAR_TIMEOUT_SECONDS"]),
        max_bytes=config["BUSY_CALENDAR_MAX_BYTES"],
        allow_private=config["BUSY_CALENDAR_ALLOW_PRIVATE"],
    )


def horizon(now: datetime) -> tuple[datetime, datetime, datetime]:
    """From when and until when blocks are kept, and how far kept blocks must reach for a
    conditional read to be enough."""
    bookable_until = now + current_settings().max_advance
    return now - LOOK_BACK, bookable_until + LOOK_PAST_BOOKABLE, bookable_until + timedelta(days=1)


def read_calendar(practitioner_id: int, now: datetime) -> ReadResult | None:
    """Read one practitioner's saved address and keep its busy blocks; None if none is saved."""
    row = db.session.get(BusyCalendar, practitioner_id)
    if row is None:
        return None
    practitioner = db.session.get(Practitioner, practitioner_id)
    name = practitioner.name if practitioner is not None else f"#{practitioner_id}"
    token = row.address_encrypted
    start, until, enough = horizon(now)
    conditional = row.expanded_until_utc is not None and row.expanded_until_utc >= enough
    etag, modified = (row.etag, row.last_modified) if conditional else (None, None)
    zone = practice_zone()
    db.session.rollback()  # no transaction (nor SQLite lock) held while the network is slow
    problem: ReadProblem | None = None
    spans: list[Span] | None = None
    fetched = None
    try:
        address = cipher().decrypt(token)
        fetched = fetch(address, limits(), etag, modified)
        if fetched.body is not None:
            spans = busy_spans(fetched.body, start, until, zone)
    except EncryptionKeyError:
        problem = ReadProblem.UNREADABLE_ADDRESS
    except ReadFailed as failure:
        problem = failure.problem
    except NotACalendar:
        problem = ReadProblem.NOT_A_CALENDAR
    return _keep(practitioner_id, name, token, now, problem, fetched, spans, until)


def _keep(
    practitioner_id: int,
    name: str,
    token: str,
    now: datetime,
    problem: ReadProblem | None,
    fetched,
    spans: list[Span] | None,
    until: datetime,
) -> ReadResult:
    """Write what a read found: new blocks (if they changed) or the failure."""
    with write_transaction():
        row = db.session.get(BusyCalendar, practitioner_id)
        if row is None or row.address_encrypted != token:
            return ReadResult(practitioner_id, name, skipped=True)
        row.last_attempt_at = now
        row.read_requested_at = None
        if problem is not None:
            row.last_problem = problem.value
            return ReadResult(practitioner_id, name, problem=problem)
        row.last_problem = None
        row.last_success_at = now
        if spans is None:  # not modified: the kept blocks are still right
            return ReadResult(practitioner_id, name, not_modified=True)
        row.etag = (fetched.etag or "")[:255] or None
        row.last_modified = (fetched.last_modified or "")[:64] or None
        row.expanded_until_utc = until
        changed = _replace_blocks(practitioner_id, spans)
        return ReadResult(practitioner_id, name, changed=changed, blocks=len(spans))


def _replace_blocks(practitioner_id: int, spans: list[Span]) -> bool:
    """Make the practitioner's blocks exactly `spans`; False when they already were."""
    kept = db.session.execute(
        select(BusyBlock.start_utc, BusyBlock.end_utc)
        .where(BusyBlock.practitioner_id == practitioner_id)
        .order_by(BusyBlock.start_utc)
    ).all()
    if [Span(start, end) for start, end in kept] == spans:
        return False
    db.session.execute(delete(BusyBlock).where(BusyBlock.practitioner_id == practitioner_id))
    if spans:
        db.session.execute(
            BusyBlock.__table__.insert(),
            [
                {"practitioner_id": practitioner_id, "start_utc": s.start, "end_utc": s.end}
                for s in spans
            ],
        )
    return True


def read_all(now: datetime) -> list[ReadResult]:
    """Read every saved address (for `busy-calendar sync` and cron), by practitioner name."""
    return _read(_ids(None), now)


def read_due(now: datetime, every: timedelta) -> list[ReadResult]:
    """Read the addresses asked for, never read, or last read `every` ago (the worker's pass)."""
    return _read(_ids(now - every), now)


def _ids(read_before: datetime | None) -> list[int]:
    query = (
        select(BusyCalendar.practitioner_id)
        .join(Practitioner, Practitioner.id == BusyCalendar.practitioner_id)
        .order_by(Practitioner.name, Practitioner.id)
    )
    if read_before is not None:
        query = query.where(
            or_(
                BusyCalendar.read_requested_at.is_not(None),
                BusyCalendar.last_attempt_at.is_(None),
                BusyCalendar.last_attempt_at <= read_before,
            )
        )
    ids = list(db.session.scalars(query))
    db.session.rollback()
    return ids


def _read(ids: list[int], now: datetime) -> list[ReadResult]:
    results = []
    for practitioner_id in ids:
        result = read_calendar(practitioner_id, now)
        if result is None:
            continue
        if result.problem is not None:
            # The kind only: the address is a secret and stays out of the logs.
            log.warning(
                "own calendar of practitioner %s not read: %s", practitioner_id, result.problem
            )
        results.append(result)
    return results
