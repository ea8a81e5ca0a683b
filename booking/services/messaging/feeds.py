"""Therapists' private calendar feeds: a secret link each, of which only a hash is kept."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import now_utc
from booking.domain.audit import AuditAction
from booking.domain.feed import FeedEntry, feed_calendar
from booking.domain.messages import calendar_entry
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Practitioner
from booking.services.booking import token_hash
from booking.services.messaging.notify import session_facts
from booking.services.staff import audit
from booking.transactions import write_transaction

# The feed covers sessions from a month back to half a year ahead: enough for a calendar to
# show what is coming, and a bounded answer however long the practice runs.
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 180
TOKEN_MAX_LENGTH = 200  # a real token is 43 characters; anything far longer is not one


class UnknownPractitioner(LookupError):
    """No practitioner has that id."""


@dataclass(frozen=True)
class FeedStatus:
    """Whether a practitioner has a feed link (the link itself cannot be shown again)."""

    practitioner_id: int
    name: str
    has_feed: bool


def _status(practitioner: Practitioner) -> FeedStatus:
    return FeedStatus(practitioner.id, practitioner.name, practitioner.feed_token_hash is not None)


def feed_status(practitioner_id: int) -> FeedStatus | None:
    """Whether this practitioner has a feed, or None if there is no such practitioner."""
    practitioner = db.session.get(Practitioner, practitioner_id)
    return None if practitioner is None else _status(practitioner)


def feed_statuses() -> list[FeedStatus]:
    """Every practitioner, by name, with whether they have a feed (the admin's view)."""
    query = select(Practitioner).order_by(Practitioner.name, Practitioner.id)
    return [_status(practitioner) for practitioner in db.session.scalars(query)]


def rotate_feed_token(practitioner_id: int, by: audit.Actor = audit.SYSTEM_ACTOR) -> str:
    """Give the practitioner a new feed link and return its token; the old link stops working.

    Only the token's hash is stored, so this is the one time the token can be shown.
    """
    token = secrets.token_urlsafe(32)
    with write_transaction():
        practitioner = db.session.get(Practitioner, practitioner_id)
        if practitioner is None:
            raise UnknownPractitioner(practitioner_id)
        practitioner.feed_token_hash = token_hash(token)
        audit.record(by, AuditAction.ROTATED_FEED, now_utc(), detail=practitioner.name)
    return token


def revoke_feed(practitioner_id: int, by: audit.Actor = audit.SYSTEM_ACTOR) -> bool:
    """Switch the practitioner's feed off; True if there was one to switch off."""
    with write_transaction():
        practitioner = db.session.get(Practitioner, practitioner_id)
        if practitioner is None:
            raise UnknownPractitioner(practitioner_id)
        had_feed = practitioner.feed_token_hash is not None
        practitioner.feed_token_hash = None
        if had_feed:
            audit.record(by, AuditAction.REVOKED_FEED, now_utc(), detail=practitioner.name)
    return had_feed


def practitioner_for_feed(token: str) -> Practitioner | None:
    """The practitioner whose feed link this is, or None for a wrong or switched-off link."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    query = select(Practitioner).where(Practitioner.feed_token_hash == token_hash(token))
    return db.session.scalars(query).first()


def feed_bookings(practitioner_id: int, now: datetime) -> list[Booking]:
    """The practitioner's sessions in the feed's window, not cancelled, in order: one query."""
    query = (
        select(Booking)
        .options(
            joinedload(Booking.service),
            joinedload(Booking.client),
            joinedload(Booking.practitioner),
        )
        .where(
            Booking.practitioner_id == practitioner_id,
            Booking.status != BookingStatus.CANCELLED,
            Booking.end_utc > now - timedelta(days=FEED_DAYS_BACK),
            Booking.start_utc < now + timedelta(days=FEED_DAYS_AHEAD),
        )
        .order_by(Booking.start_utc, Booking.id)
    )
    return list(db.session.scalars(query))


def feed_entry(booking: Booking) -> FeedEntry:
    """What the feed shows of a booking: the therapist's calendar entry, as the invites have it."""
    # Whether the client crashed last time is for messages, not calendars: no query for it.
    facts = session_facts(booking, crash_last_time=False)
    entry = calendar_entry(facts, for_client=False)
    return FeedEntry(**asdict(entry), modified_utc=booking.updated_at)


def practitioner_feed(practitioner: Practitioner, now: datetime) -> bytes:
    """The practitioner's feed as an .ics body."""
    bookings = feed_bookings(practitioner.id, now)
    entries = [feed_entry(booking) for booking in bookings]
    name = f"{current_app.config['PRACTICE_NAME']}: {practitioner.name}"
    return feed_calendar(entries, now, name)
