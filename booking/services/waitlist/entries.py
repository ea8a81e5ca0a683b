"""Joining the waiting list, leaving it, and the desk's list. Each call is one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain.audit import AuditAction
from booking.domain.best_times import BestTimes
from booking.domain.booking_rules import is_new_client
from booking.domain.channels import Channel
from booking.domain.messages import WaitlistFacts, waitlist_joined_message
from booking.domain.reminders import after_quiet_hours
from booking.domain.statuses import OfferStatus, WaitlistStatus
from booking.domain.text import first_name
from booking.domain.waitlist import LONGEST_WAIT
from booking.encryption import EncryptionKeyError, cipher
from booking.extensions import db
from booking.models import Client, OutboxMessage, Service, WaitlistEntry, WaitlistOffer
from booking.services.booking import availability
from booking.services.booking.clients import (
    ClientDetails,
    chosen_client,
    client_for,
    sessions_of,
)
from booking.services.booking.making import active_service
from booking.services.booking.tokens import token_hash
from booking.services.messaging import outbox
from booking.services.messaging.notify import email_of, phone_of
from booking.services.practice.settings import current as current_settings
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction
from booking.web import public_url

WAITING = WaitlistStatus.WAITING


class WaitlistError(Exception):
    """A wish we cannot put on the list as it is; `field` names the form field to explain."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class UnknownEntry(LookupError):
    """No place on the list has this id or link."""


@dataclass(frozen=True)
class WaitingFor:
    """What someone asks to wait for, as a form gives it."""

    service_slug: str
    practitioner_id: int | None
    best: BestTimes
    until: date
    channel: Channel


@dataclass
class Joined:
    """A place on the list, and its private link (shown once, and sent to the client)."""

    entry: WaitlistEntry
    place_token: str


def latest_until(now: datetime) -> date:
    """The last day someone may ask to wait until: as far ahead as anyone may book."""
    furthest = min(current_settings().max_advance, LONGEST_WAIT)
    return local_date(now + furthest)


def place_token(entry: WaitlistEntry) -> str | None:
    """The entry's private link token, when the field key still opens it."""
    try:
        token = cipher().decrypt(entry.token_sealed)
    except EncryptionKeyError:
        return None
    return token if token_hash(token) == entry.token_hash else None


def _give_place_token(entry: WaitlistEntry) -> str:
    token = secrets.token_urlsafe(32)
    entry.token_hash = token_hash(token)
    entry.token_sealed = cipher().encrypt(token)
    return token


def reachable_by(client: Client, channel: Channel) -> bool:
    """Whether offers can reach the client by this channel."""
    return bool(email_of(client) if channel == Channel.EMAIL else phone_of(client))


def recipient(client: Client, channel: Channel) -> str | None:
    return email_of(client) if channel == Channel.EMAIL else phone_of(client)


def _check_wish(wish: WaitingFor, service: Service, client: Client, now: datetime) -> None:
    today = local_date(now)
    if wish.until < today:
        raise WaitlistError("until", "That date has passed. Please choose a later one.")
    last = latest_until(now)
    if wish.until > last:
        raise WaitlistError(
            "until",
            f"We can offer times up to {last:%-d %B %Y}. "
            "Please choose that date or an earlier one.",
        )
    if wish.practitioner_id is not None and not availability.active_practitioners(
        wish.practitioner_id
    ):
        raise WaitlistError(
            "practitioner", "That therapist is not taking bookings just now. Please choose anyone."
        )
    if not (service.first_visit or service.home_visit) and is_new_client(sessions_of(client)):
        raise WaitlistError(
            "service",
            "Your first session is a shorter, gentler one, so your body can get used to it. "
            "Please ask to wait for a first visit instead.",
        )
    if not reachable_by(client, wish.channel):
        missing = "an email address" if wish.channel == Channel.EMAIL else "a phone number"
        raise WaitlistError("channel", f"To tell you this way we need {missing}.")


@retry_conflicts
def join(
    wish: WaitingFor,
    now: datetime,
    *,
    details: ClientDetails | None = None,
    client_id: int | None = None,
    staff: audit.Actor | None = None,
) -> Joined:
    """Put a client on the list (or change what they wait for, if they already wait for this
    session with this therapist): a form's details find or add the client; staff choose one.
    The client gets one message saying so, with the link to leave; staff adding someone is
    audited."""
    with write_transaction(keep_loaded=True):
        service = active_service(wish.service_slug)
        if client_id is not None:
            client = chosen_client(client_id)
        else:
            assert details is not None
            client = client_for(details, trusted=staff is not None)
        _check_wish(wish, service, client, now)
        db.session.flush()
        entry = db.session.scalars(
            select(WaitlistEntry).where(
                WaitlistEntry.client_id == client.id,
                WaitlistEntry.service_id == service.id,
                WaitlistEntry.practitioner_id.is_(None)
                if wish.practitioner_id is None
                else WaitlistEntry.practitioner_id == wish.practitioner_id,
                WaitlistEntry.status == WAITING,
            )
        ).first()
        if entry is None:
            entry = WaitlistEntry(
                client=client,
                service=service,
                practitioner_id=wish.practitioner_id,
                status=WAITING,
                created_at=now,
            )
            db.session.add(entry)
        entry.days, entry.parts = wish.best.stored()
        entry.until_date = wish.until
        entry.channel = wish.channel.value
        entry.added_by_id = staff.staff_user_id if staff is not None else None
        token = _give_place_token(entry)
        db.session.flush()
        if staff is not None:
            audit.record(
                staff,
                AuditAction.WAITLIST_ADDED,
                now,
                client_id=client.id,
                detail=f"{service.name}, until {wish.until:%-d %b %Y}",
            )
        _tell_joined(entry, token, now)
    return Joined(entry, token)


def facts_for(entry: WaitlistEntry, token: str | None) -> WaitlistFacts:
    """What the list's messages say about this entry (never anything about health)."""
    client = entry.client
    config = current_app.config
    return WaitlistFacts(
        client_first_name=first_name(client.display_name),
        service_name=entry.service.name,
        minutes=entry.service.minutes,
        practitioner_name=entry.practitioner.name if entry.practitioner else None,
        zone=practice_zone(),
        practice_name=config["PRACTICE_NAME"],
        practice_phone=config["PRACTICE_PHONE"],
        place_url=public_url("waitlist.place", token=token) if token else "",
    )


def when_not_quiet(client: Client, now: datetime) -> datetime:
    """Now, or when the client's quiet hours end."""
    quiet = current_settings().quiet_hours_for(client.quiet_hours)
    return after_quiet_hours(now, practice_zone(), *quiet)


def _tell_joined(entry: WaitlistEntry, token: str, now: datetime) -> None:
    channel = Channel(entry.channel)
    to = recipient(entry.client, channel)
    if channel == Channel.PHONE or to is None:
        return  # on the phone with the desk: they have just been told
    message = waitlist_joined_message(facts_for(entry, token), to, channel)
    outbox.queue(
        [message], now, due_at=when_not_quiet(entry.client, now), about=f"waitlist-{entry.id}"
    )


def entry_by_token(token: str, *, lock: bool = False) -> WaitlistEntry | None:
    """The place on the list a private link points to, or None."""
    if not token or len(token) > 200:
        return None
    query = (
        select(WaitlistEntry)
        .where(WaitlistEntry.token_hash == token_hash(token))
        .options(
            joinedload(WaitlistEntry.client),
            joinedload(WaitlistEntry.service),
            joinedload(WaitlistEntry.practitioner),
        )
    )
    if lock:
        query = query.with_for_update(of=WaitlistEntry)
    return db.session.scalars(query).first()


def close(entry: WaitlistEntry, status: WaitlistStatus, now: datetime) -> None:
    """End an entry (inside the caller's transaction); its open offers are withdrawn and their
    messages, if not sent yet, dropped."""
    entry.status = status
    entry.ended_at = now
    offers = db.session.scalars(
        select(WaitlistOffer).where(
            WaitlistOffer.entry_id == entry.id, WaitlistOffer.status == OfferStatus.OPEN
        )
    )
    for offer in offers:
        end_offer(offer, OfferStatus.WITHDRAWN, now)


def end_offer(offer: WaitlistOffer, status: OfferStatus, now: datetime) -> None:
    """Close an offer; its message, if still waiting to go, is dropped."""
    offer.status = status
    offer.ended_at = now
    db.session.execute(
        OutboxMessage.__table__.update()
        .where(
            OutboxMessage.dedupe_key.like(f"offer-{offer.id}:%"),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
        )
        .values(dropped_at=now)
    )


@retry_conflicts
def leave(token: str, now: datetime) -> bool:
    """The client leaves the list by their link; False when they had already left."""
    with write_transaction():
        entry = entry_by_token(token, lock=True)
        if entry is None:
            raise UnknownEntry(token)
        if entry.status != WAITING:
            return False
        close(entry, WaitlistStatus.LEFT, now)
    return True


@retry_conflicts
def remove(entry_id: int, actor: audit.Actor, reason: str, now: datetime) -> bool:
    """The desk takes someone off the list (they asked, by phone or in person); audited.
    False when they were no longer waiting."""
    with write_transaction():
        entry = db.session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.id == entry_id)
            .options(joinedload(WaitlistEntry.service))
            .with_for_update(of=WaitlistEntry)
        ).first()
        if entry is None:
            raise UnknownEntry(entry_id)
        if entry.status != WAITING:
            return False
        close(entry, WaitlistStatus.REMOVED, now)
        audit.record(
            actor,
            AuditAction.WAITLIST_REMOVED,
            now,
            client_id=entry.client_id,
            detail=f"{entry.service.name}; reason: {reason}",
        )
    return True


@dataclass(frozen=True)
class ListedEntry:
    """One waiting client as the desk's list shows them."""

    entry: WaitlistEntry
    open_offer: WaitlistOffer | None


def waiting(now: datetime) -> list[ListedEntry]:
    """Everyone waiting, longest first, with the offer they have open: two queries."""
    entries = list(
        db.session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.status == WAITING)
            .options(
                joinedload(WaitlistEntry.client),
                joinedload(WaitlistEntry.service),
                joinedload(WaitlistEntry.practitioner),
            )
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        )
    )
    offers: dict[int, WaitlistOffer] = {}
    if entries:
        for offer in db.session.scalars(
            select(WaitlistOffer)
            .where(
                WaitlistOffer.entry_id.in_([e.id for e in entries]),
                WaitlistOffer.status == OfferStatus.OPEN,
                WaitlistOffer.expires_at > now,
            )
            .options(joinedload(WaitlistOffer.practitioner))
        ):
            offers[offer.entry_id] = offer
    return [ListedEntry(entry, offers.get(entry.id)) for entry in entries]


def find_entry(entry_id: int) -> WaitlistEntry:
    entry = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id)
        .options(
            joinedload(WaitlistEntry.client),
            joinedload(WaitlistEntry.service),
            joinedload(WaitlistEntry.practitioner),
        )
    ).first()
    if entry is None:
        raise UnknownEntry(entry_id)
    return entry


def until_default(now: datetime) -> date:
    """A month ahead (or the furthest bookable day, if sooner): the form's suggestion."""
    return min(local_date(now) + timedelta(days=28), latest_until(now))
