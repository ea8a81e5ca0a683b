"""Offering freed times to waiting clients, and taking one.

The worker's pass (`offer_free_times`) looks at the free times every so often, whatever freed
them (a cancellation, a move, a closure removed, an extra opening): each waiting client with
no offer open, outside their quiet hours, is offered the earliest free time that suits their
wish and the booking rules (first visit first, first-month pacing, one session a day), by the
way they chose. A time goes to at most OFFERS_PER_TIME clients at once, longest waiting first;
the first to press books it through the same `book()` as every booking, and the database
refuses a second. The others are told kindly that it has gone, and stay on the list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain.availability import Slot
from booking.domain.best_times import BestTimes
from booking.domain.booking_rules import LIVE_STATUSES, PastSession
from booking.domain.channels import Channel
from booking.domain.messages import waitlist_gone_message, waitlist_offer_message
from booking.domain.reminders import in_quiet_hours
from booking.domain.statuses import OfferStatus, WaitlistStatus
from booking.domain.waitlist import OFFERS_PER_TIME, Wish, allowed_for, first_fitting, offer_expires
from booking.extensions import db
from booking.models import Booking, Client, Practitioner, Service, WaitlistEntry, WaitlistOffer
from booking.services import booking as bookings
from booking.services.booking import availability
from booking.services.booking.tokens import token_hash
from booking.services.messaging import outbox
from booking.services.practice.settings import PracticeSettings
from booking.services.practice.settings import current as current_settings
from booking.services.waitlist.entries import (
    WAITING,
    close,
    end_offer,
    facts_for,
    place_token,
    recipient,
    when_not_quiet,
)
from booking.transactions import retry_conflicts, write_transaction
from booking.web import public_url

OPEN = OfferStatus.OPEN


@dataclass
class PassReport:
    """What one pass did, for the worker's log line."""

    offered: int = 0
    gone: int = 0
    expired: int = 0
    closed: int = 0

    def __bool__(self) -> bool:
        return bool(self.offered or self.gone or self.expired or self.closed)


@retry_conflicts
def offer_free_times(now: datetime) -> PassReport:
    """One pass of the waiting list (the worker runs it every few minutes; one transaction)."""
    report = PassReport()
    with write_transaction():
        _expire(now, report)
        _close_booked(now, report)
        _withdraw_gone(now, report)
        _offer(now, report)
    return report


def _expire(now: datetime, report: PassReport) -> None:
    """Offers past their time close; so do entries whose last day has passed."""
    for offer in db.session.scalars(
        select(WaitlistOffer).where(WaitlistOffer.status == OPEN, WaitlistOffer.expires_at <= now)
    ):
        end_offer(offer, OfferStatus.EXPIRED, now)
        report.expired += 1
    for entry in db.session.scalars(
        select(WaitlistEntry).where(
            WaitlistEntry.status == WAITING, WaitlistEntry.until_date < local_date(now)
        )
    ):
        close(entry, WaitlistStatus.EXPIRED, now)
        report.closed += 1


def _close_booked(now: datetime, report: PassReport) -> None:
    """A client who has booked the session they waited for (by an offer, the desk or the
    pages) waits no more."""
    booked = exists().where(
        Booking.client_id == WaitlistEntry.client_id,
        Booking.service_id == WaitlistEntry.service_id,
        Booking.status.in_(LIVE_STATUSES),
        Booking.created_at >= WaitlistEntry.created_at,
        Booking.start_utc > now,
    )
    for entry in db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.status == WAITING, booked)
    ):
        close(entry, WaitlistStatus.BOOKED, now)
        report.closed += 1


def _withdraw_gone(now: datetime, report: PassReport) -> None:
    """Open offers of a time that is no longer free (booked some other way, closed): the
    client is told it has gone, and stays on the list."""
    offers = list(
        db.session.scalars(
            select(WaitlistOffer)
            .where(WaitlistOffer.status == OPEN)
            .options(
                joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.client),
                joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.service),
                joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.practitioner),
            )
        )
    )
    by_service: dict[int, list[WaitlistOffer]] = defaultdict(list)
    for offer in offers:
        by_service[offer.entry.service_id].append(offer)
    everyone = availability.active_practitioners() if offers else []
    for group in by_service.values():
        service = group[0].entry.service
        wanted = {offer.practitioner_id for offer in group}
        practitioners = [p for p in everyone if p.id in wanted]
        first = min(offer.start_utc for offer in group)
        last = max(offer.start_utc for offer in group)
        free = _free_keys(
            availability.find_slots(service, practitioners, first, last + timedelta(seconds=1), now)
        )
        for offer in group:
            if (offer.practitioner_id, offer.start_utc) not in free:
                _gone(offer, now)
                report.gone += 1


def _free_keys(slots: Sequence[Slot]) -> set[tuple[int, datetime]]:
    return {(pid, slot.start) for slot in slots for pid in slot.practitioner_ids}


def _gone(offer: WaitlistOffer, now: datetime) -> None:
    """Close an offer whose time has gone, and tell the client kindly (outside their quiet
    hours; a call for the desk not made yet is simply dropped)."""
    end_offer(offer, OfferStatus.GONE, now)
    entry = offer.entry
    channel = Channel(entry.channel)
    to = recipient(entry.client, channel)
    if channel == Channel.PHONE or to is None:
        return
    facts = replace(facts_for(entry, place_token(entry)), start_utc=offer.start_utc)
    message = waitlist_gone_message(facts, to, channel, now)
    outbox.queue([message], now, due_at=when_not_quiet(entry.client, now), about=f"gone-{offer.id}")


def _offer(now: datetime, report: PassReport) -> None:
    """Offer each waiting client with nothing open the earliest free time that suits them."""
    has_open = exists().where(
        WaitlistOffer.entry_id == WaitlistEntry.id, WaitlistOffer.status == OPEN
    )
    entries = list(
        db.session.scalars(
            select(WaitlistEntry)
            .join(Client, Client.id == WaitlistEntry.client_id)
            .where(WaitlistEntry.status == WAITING, ~has_open, Client.erased_at.is_(None))
            .options(
                joinedload(WaitlistEntry.client),
                joinedload(WaitlistEntry.service),
                joinedload(WaitlistEntry.practitioner),
            )
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        )
    )
    practice = current_settings()
    zone = practice_zone()
    local_now = now.astimezone(zone).time()
    entries = [
        e
        for e in entries
        if e.service.active
        and not in_quiet_hours(local_now, *practice.quiet_hours_for(e.client.quiet_hours))
    ]
    if not entries:
        return
    sessions = _sessions_of({e.client_id for e in entries})
    offered_before = _offered_before([e.id for e in entries])
    open_counts = _open_counts()
    full = {key for key, count in open_counts.items() if count >= OFFERS_PER_TIME}
    window = availability.booking_window(practice=practice)
    slots = _free_slots_for(entries, now, window.latest(now), availability.active_practitioners())
    for entry in entries:
        allowed = _allowed(sessions.get(entry.client_id, []), entry.service, practice, zone)
        pick = first_fitting(
            slots[(entry.service_id, entry.practitioner_id)],
            _wish(entry),
            zone,
            allowed,
            offered_before.get(entry.id, set()),
            full,
        )
        if pick is None:
            continue
        practitioner_id, start = pick
        _send_offer(entry, practitioner_id, start, now, start - window.min_notice)
        report.offered += 1
        open_counts[pick] = open_counts.get(pick, 0) + 1
        if open_counts[pick] >= OFFERS_PER_TIME:
            full.add(pick)


def _wish(entry: WaitlistEntry) -> Wish:
    best = BestTimes.from_stored(entry.days, entry.parts)
    return Wish(entry.practitioner_id, best, entry.until_date)


def _allowed(
    sessions: list[PastSession], service: Service, practice: PracticeSettings, zone: ZoneInfo
) -> Callable[[datetime], bool]:
    """Whether the booking rules let this client have `service` at a start."""

    def allowed(start: datetime) -> bool:
        return allowed_for(
            sessions,
            start,
            first_visit_service=service.first_visit or service.home_visit,
            first_month_gap=practice.first_month_gap,
            zone=zone,
        )

    return allowed


def _sessions_of(client_ids: set[int]) -> dict[int, list[PastSession]]:
    """Every waiting client's sessions, for the booking rules: one query."""
    found: dict[int, list[PastSession]] = defaultdict(list)
    for client_id, start, status in db.session.execute(
        select(Booking.client_id, Booking.start_utc, Booking.status).where(
            Booking.client_id.in_(client_ids)
        )
    ):
        found[client_id].append(PastSession(start, status))
    return found


def _offered_before(entry_ids: list[int]) -> dict[int, set[tuple[int, datetime]]]:
    """The times each entry was offered already (never offered twice): one query."""
    found: dict[int, set[tuple[int, datetime]]] = defaultdict(set)
    for entry_id, practitioner_id, start in db.session.execute(
        select(
            WaitlistOffer.entry_id, WaitlistOffer.practitioner_id, WaitlistOffer.start_utc
        ).where(WaitlistOffer.entry_id.in_(entry_ids))
    ):
        found[entry_id].add((practitioner_id, start))
    return found


def _open_counts() -> dict[tuple[int, datetime], int]:
    """How many clients each time is offered to just now."""
    rows = db.session.execute(
        select(WaitlistOffer.practitioner_id, WaitlistOffer.start_utc, func.count())
        .where(WaitlistOffer.status == OPEN)
        .group_by(WaitlistOffer.practitioner_id, WaitlistOffer.start_utc)
    )
    return {(pid, start): count for pid, start, count in rows}


def _free_slots_for(
    entries: list[WaitlistEntry],
    now: datetime,
    latest: datetime,
    everyone: Sequence[Practitioner],
    *,
    staff: bool = False,
) -> dict[tuple[int, int | None], list[Slot]]:
    """The free times for each (service, therapist or anyone) asked for, up to the furthest
    day any of them waits until: one availability read per pair."""
    zone = practice_zone()
    wanted: dict[tuple[int, int | None], list[WaitlistEntry]] = defaultdict(list)
    for entry in entries:
        wanted[(entry.service_id, entry.practitioner_id)].append(entry)
    slots: dict[tuple[int, int | None], list[Slot]] = defaultdict(list)
    for (_service_id, practitioner_id), group in wanted.items():
        practitioners = [p for p in everyone if practitioner_id in (None, p.id)]
        last_day = max(entry.until_date for entry in group)
        until = availability.local_day_bounds(last_day, zone)[1]
        end = min(until, latest + timedelta(seconds=1))
        if end <= now or not practitioners:
            continue
        slots[(_service_id, practitioner_id)] = availability.find_slots(
            group[0].service, practitioners, now, end, now, staff=staff
        )
    return slots


def _send_offer(
    entry: WaitlistEntry,
    practitioner_id: int,
    start: datetime,
    now: datetime,
    latest_booking: datetime,
) -> WaitlistOffer:
    token = secrets.token_urlsafe(32)
    offer = WaitlistOffer(
        entry=entry,
        practitioner_id=practitioner_id,
        start_utc=start,
        token_hash=token_hash(token),
        status=OPEN,
        created_at=now,
        expires_at=offer_expires(now, start, latest_booking),
    )
    db.session.add(offer)
    db.session.flush()
    channel = Channel(entry.channel)
    to = recipient(entry.client, channel)
    if channel == Channel.PHONE or to is None:
        # The desk phones them: its waiting list shows the time to offer and the number.
        return offer
    practitioner = db.session.get(Practitioner, practitioner_id)
    facts = replace(
        facts_for(entry, place_token(entry)),
        practitioner_name=practitioner.name if practitioner else None,
        start_utc=start,
        take_url=public_url("waitlist.offer", token=token),
        expires_at=offer.expires_at,
    )
    message = waitlist_offer_message(facts, to, channel, now)
    outbox.queue([message], now, about=f"offer-{offer.id}")
    return offer


@dataclass(frozen=True)
class FreeTime:
    """A free time that suits a waiting client now."""

    start: datetime
    practitioner: Practitioner


def fitting_now(
    entry: WaitlistEntry, now: datetime, count: int = 3, *, staff: bool = False
) -> list[FreeTime]:
    """The first free times that suit this entry's wish and the booking rules: for their
    place on the list, and for the desk offering a time by phone (`staff`: no notice)."""
    practice = current_settings()
    zone = practice_zone()
    window = availability.booking_window(staff, practice)
    key = (entry.service_id, entry.practitioner_id)
    everyone = availability.active_practitioners()
    slots = _free_slots_for([entry], now, window.latest(now), everyone, staff=staff).get(key, [])
    allowed = _allowed(
        _sessions_of({entry.client_id}).get(entry.client_id, []), entry.service, practice, zone
    )
    wish = _wish(entry)
    practitioners = {p.id: p for p in everyone}
    found: list[FreeTime] = []
    for slot in slots:
        if wish.suits(slot, zone) and allowed(slot.start):
            practitioner_id = entry.practitioner_id or slot.practitioner_ids[0]
            found.append(FreeTime(slot.start, practitioners[practitioner_id]))
            if len(found) == count:
                break
    return found


def state_of(offer: WaitlistOffer, now: datetime) -> str:
    """What an offer's page says: `open` (take it), `taken`, `gone`, `expired`, or `closed`
    (they left the list, or booked another way)."""
    if offer.status == OfferStatus.TAKEN:
        return "taken"
    if offer.status == OPEN and offer.entry.status != WAITING:
        return "closed"
    if offer.status == OPEN:
        return "open" if offer.expires_at > now else "expired"
    if offer.status == OfferStatus.WITHDRAWN:
        return "closed"
    return offer.status


# --- Taking an offer --------------------------------------------------------------------------


@dataclass(frozen=True)
class Taken:
    """What pressing "Take this time" came to: `booked` (with the manage token for the booked
    page), or why not: `gone`, `expired`, `closed` (they left or booked), `refused` (the
    booking rules, with the message to show)."""

    outcome: str
    manage_token: str | None = None
    message: str = ""


class UnknownOffer(LookupError):
    """No offer has this link."""


def offer_by_token(token: str) -> WaitlistOffer | None:
    """The offer a link points to, with what its page shows, or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalars(
        select(WaitlistOffer)
        .where(WaitlistOffer.token_hash == token_hash(token))
        .options(
            joinedload(WaitlistOffer.practitioner),
            joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.client),
            joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.service),
        )
    ).first()


def booking_token_for(offer_token: str) -> str:
    """The manage token a booking from this offer gets: the same for every press, so pressing
    twice (or again after a lost answer) finds the one booking instead of making two."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"waitlist-booking:" + offer_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def take(token: str, now: datetime) -> Taken:
    """Book the offered time for the client, if it is still theirs to take.

    `book()` owns its transaction and applies every rule; afterwards a second transaction
    marks the offer taken, the entry booked, and tells the others offered the time that it
    has gone. Should that second step not happen, the next pass does the same (the booking
    closes the entry, and the others' offers are of a time no longer free).
    """
    offer = offer_by_token(token)
    if offer is None:
        raise UnknownOffer(token)
    manage_token = booking_token_for(token)
    if offer.status == OfferStatus.TAKEN:
        return Taken("booked", manage_token)
    if offer.status != OPEN or offer.entry.status != WAITING:
        return Taken("closed" if offer.entry.status != WAITING else offer.status)
    if offer.expires_at <= now:
        return Taken("expired")
    entry, start, practitioner_id = offer.entry, offer.start_utc, offer.practitioner_id
    try:
        result = bookings.book(
            entry.service.slug,
            start,
            practitioner_id,
            None,
            manage_token,
            now,
            client_id=entry.client_id,
        )
    except (bookings.TimeNotOffered, bookings.UnknownPractitioner, bookings.UnknownService):
        _settle(offer.id, None, now)
        return Taken("gone")
    except bookings.BookingError as problem:
        return Taken("refused", message=str(problem))
    _settle(offer.id, result.booking.id, now)
    return Taken("booked", manage_token)


@retry_conflicts
def _settle(offer_id: int, booking_id: int | None, now: datetime) -> None:
    """After a press: taken (entry booked, the others told the time has gone), or gone."""
    with write_transaction():
        offer = db.session.scalars(
            select(WaitlistOffer)
            .where(WaitlistOffer.id == offer_id)
            .options(joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.client))
        ).one()
        if booking_id is None:
            if offer.status == OPEN:
                end_offer(offer, OfferStatus.GONE, now)
            return
        offer.status, offer.ended_at, offer.booking_id = OfferStatus.TAKEN, now, booking_id
        if offer.entry.status == WAITING:
            close(offer.entry, WaitlistStatus.BOOKED, now)
        others = db.session.scalars(
            select(WaitlistOffer)
            .where(
                WaitlistOffer.status == OPEN,
                WaitlistOffer.practitioner_id == offer.practitioner_id,
                WaitlistOffer.start_utc == offer.start_utc,
            )
            .options(
                joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.client),
                joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.service),
                joinedload(WaitlistOffer.entry).joinedload(WaitlistEntry.practitioner),
            )
        )
        for other in others:
            _gone(other, now)
