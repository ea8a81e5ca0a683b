"""Saving, removing and asking for a read of a therapist's own calendar address.

Saving never reads the address inside the web request: the worker (or `busy-calendar sync`)
reads it within minutes, and "Read it now" only asks the worker to read it on its next pass.
The address is a secret: it is stored encrypted, shown back only as its host, and kept out of
the audit trail and the logs.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select

from booking.domain.audit import AuditAction
from booking.domain.busy_calendar import (
    AddressError,
    address_host,
    normalised_address,
    problem_words,
)
from booking.encryption import cipher
from booking.extensions import db
from booking.models import BusyBlock, BusyCalendar, Practitioner
from booking.services.busy_calendar.fetch import is_public
from booking.services.staff import audit
from booking.transactions import write_transaction

PRIVATE_ADDRESS = (
    "That address points inside a private network, which we do not read from. Please use "
    "the private address your calendar service gives for sharing (Google, Apple and Outlook "
    "each give one)."
)


class UnknownPractitioner(LookupError):
    """No practitioner has that id."""


@dataclass(frozen=True)
class OwnCalendarStatus:
    """What the dashboard shows of a practitioner's own calendar (never the address)."""

    practitioner_id: int
    name: str
    host: str | None  # None: no address saved
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    problem: str = ""  # the last read's failure in plain words; "" when it went well
    read_requested: bool = False
    blocks: int = 0  # busy stretches kept from the last good read

    @property
    def saved(self) -> bool:
        return self.host is not None


def checked_address(text: str) -> str:
    """The address as it will be read, or AddressError with a message for the form."""
    address = normalised_address(text)
    host = address_host(address)
    if not current_app.config["BUSY_CALENDAR_ALLOW_PRIVATE"]:
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if host == "localhost" or host.endswith(".localhost"):
            raise AddressError(PRIVATE_ADDRESS)
        if literal is not None and not is_public(literal):
            raise AddressError(PRIVATE_ADDRESS)
    return address


def save_address(practitioner_id: int, text: str, by: audit.Actor, now: datetime) -> str:
    """Keep a practitioner's calendar address (encrypted) and ask for a read; its host back.

    The busy time from an earlier address stays in use until the new one has been read.
    """
    address = checked_address(text)
    host = address_host(address)
    with write_transaction():
        practitioner = db.session.get(Practitioner, practitioner_id)
        if practitioner is None:
            raise UnknownPractitioner(practitioner_id)
        row = db.session.get(BusyCalendar, practitioner_id)
        if row is None:
            row = BusyCalendar(practitioner_id=practitioner_id)
            db.session.add(row)
        row.address_encrypted = cipher().encrypt(address)
        row.address_host = host
        # A new address starts afresh: its server's validators are not the old one's.
        row.etag = row.last_modified = row.expanded_until_utc = None
        row.last_problem = None
        row.read_requested_at = now
        audit.record(
            by, AuditAction.SAVED_OWN_CALENDAR, now, detail=f"{practitioner.name} ({host})"
        )
    return host


def remove_address(practitioner_id: int, by: audit.Actor, now: datetime) -> bool:
    """Forget the address and its busy time; True if there was one."""
    with write_transaction():
        practitioner = db.session.get(Practitioner, practitioner_id)
        if practitioner is None:
            raise UnknownPractitioner(practitioner_id)
        row = db.session.get(BusyCalendar, practitioner_id)
        if row is None:
            return False
        db.session.execute(delete(BusyBlock).where(BusyBlock.practitioner_id == practitioner_id))
        db.session.delete(row)
        audit.record(by, AuditAction.REMOVED_OWN_CALENDAR, now, detail=practitioner.name)
    return True


def request_read(practitioner_id: int, now: datetime) -> bool:
    """Ask the worker to read the address on its next pass; False if none is saved."""
    with write_transaction():
        row = db.session.get(BusyCalendar, practitioner_id)
        if row is None:
            return False
        row.read_requested_at = now
    return True


def statuses(practitioner_ids: list[int] | None = None) -> list[OwnCalendarStatus]:
    """Each practitioner (all, or those asked for) by name, with their own calendar's state:
    one query."""
    blocks = (
        select(BusyBlock.practitioner_id, func.count().label("blocks"))
        .group_by(BusyBlock.practitioner_id)
        .subquery()
    )
    query = (
        select(Practitioner.id, Practitioner.name, BusyCalendar, blocks.c.blocks)
        .outerjoin(BusyCalendar, BusyCalendar.practitioner_id == Practitioner.id)
        .outerjoin(blocks, blocks.c.practitioner_id == Practitioner.id)
        .order_by(Practitioner.name, Practitioner.id)
    )
    if practitioner_ids is not None:
        query = query.where(Practitioner.id.in_(practitioner_ids))
    found = []
    for pid, name, row, count in db.session.execute(query):
        if row is None:
            found.append(OwnCalendarStatus(pid, name, None))
            continue
        found.append(
            OwnCalendarStatus(
                pid,
                name,
                row.address_host,
                row.last_success_at,
                row.last_attempt_at,
                problem_words(row.last_problem),
                row.read_requested_at is not None,
                count or 0,
            )
        )
    return found
