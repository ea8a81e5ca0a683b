"""Reminders and follow-ups by phone: the outbox's phone channel, worked by the desk.

A client who chose phone calls, or whom we cannot email (and who chose no texts), gets their
reminders as calls: the day before a session (to remind and ask the check-in question) and
after it (how were they?). A text that cannot go (no SMS provider) becomes a call too, with
the reason shown. Each call is an outbox row queued with the booking, so unsent and failed
work is in one place; the list shows only rows for the booking as it now stands, so a change
or cancellation takes a call off the list at once. What the client answers is recorded on
the booking (and acts) exactly as a one-tap answer from an email would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain.audit import AuditAction
from booking.domain.channels import Channel
from booking.domain.messages import (
    CHECKIN_ANSWERS,
    FOLLOWUP_ANSWERS,
    LASTED_ANSWERS,
    OFFER_ANSWERS,
    WORSE,
    MoreOffer,
    followup_call_script,
    reminder_call_script,
)
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import AuditEvent, Booking, Client, OutboxMessage
from booking.services.booking import checkin
from booking.services.booking.availability import local_day_bounds
from booking.services.messaging import notify
from booking.services.messaging.notify import session_facts
from booking.services.practice.settings import current as current_settings
from booking.services.sessions import loop
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

ANSWERS = {"checkin": CHECKIN_ANSWERS, "followup": FOLLOWUP_ANSWERS}
NO_ANSWER = "no_answer"
FOLLOWUP_OPEN_FOR = timedelta(days=14)
LIVE = (BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW)


class CallProblem(Exception):
    """The answer cannot be recorded; the message says why in plain words."""


@dataclass(frozen=True)
class PhoneCall:
    """One call to make: about which session, to which number, and what to say."""

    kind: str  # "checkin" (the day before) or "followup" (after the session)
    booking: Booking
    phone: str
    to_carer: bool
    script: list[str]
    quiet_hours: tuple[time | None, time | None]
    tries: list[AuditEvent]  # earlier calls with no answer, newest first
    why: str | None = None  # e.g. a text became this call: no SMS provider is set up
    offer: MoreOffer | None = None  # an offer of more to ask about, on a check-in call


CALL_KINDS = {"client_reminder": "checkin", "client_followup": "followup"}


def _tries(booking_ids: list[int]) -> dict[int, list[AuditEvent]]:
    tries: dict[int, list[AuditEvent]] = defaultdict(list)
    if booking_ids:
        events = db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.booking_id.in_(booking_ids),
                AuditEvent.action == AuditAction.REMINDED_BY_PHONE,
                AuditEvent.detail.like(f"%{NO_ANSWER.replace('_', ' ')}%"),
            )
            .order_by(AuditEvent.id.desc())
        )
        for event in events:
            tries[event.booking_id].append(event)
    return tries


def _still_to_call(kind: str, booking: Booking, now: datetime) -> bool:
    if kind == "checkin":
        return booking.status in LIVE and booking.start_utc > now and booking.checkin_answer is None
    return (
        booking.status in (*LIVE, BookingStatus.ATTENDED)
        and booking.end_utc >= now - FOLLOWUP_OPEN_FOR
        and booking.followup_answer is None
    )


def calls_to_make(now: datetime) -> list[PhoneCall]:
    """Check-in calls due today, then follow-up calls due now: the outbox's phone rows for
    each booking as it now stands (one call per booking and kind). Four queries."""
    _, end_of_today = local_day_bounds(local_date(now), practice_zone())
    rows = db.session.execute(
        select(OutboxMessage, Booking)
        .join(Booking, OutboxMessage.booking_id == Booking.id)
        .join(Booking.client)
        .options(
            joinedload(Booking.client),
            joinedload(Booking.service),
            joinedload(Booking.practitioner),
        )
        .where(
            OutboxMessage.channel == Channel.PHONE,
            OutboxMessage.kind.in_(CALL_KINDS),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.sequence == Booking.ical_sequence,  # not superseded by a change
            Client.wants_reminders.is_(True),
            or_(
                and_(
                    OutboxMessage.kind == "client_reminder",
                    OutboxMessage.due_at < end_of_today,
                ),
                OutboxMessage.due_at <= now,
            ),
        )
        .order_by(OutboxMessage.kind.desc(), Booking.start_utc, OutboxMessage.id)
    ).all()
    seen: set[tuple[str, int]] = set()
    wanted: list[tuple[str, OutboxMessage, Booking]] = []
    for row, booking in rows:
        kind = CALL_KINDS[row.kind]
        if (kind, booking.id) in seen or not _still_to_call(kind, booking, now):
            continue
        seen.add((kind, booking.id))
        wanted.append((kind, row, booking))
    checkins = [booking for kind, _, booking in wanted if kind == "checkin"]
    crashed = notify.crashed_before(checkins)
    offers = notify.offers_for(checkins, now)
    tries = _tries([booking.id for _, _, booking in wanted])
    practice = current_settings()
    calls = []
    for kind, row, booking in wanted:
        facts = session_facts(booking, crash_last_time=crashed.get(booking.id, False))
        facts = replace(facts, offer=offers.get(booking.id))
        script = (
            reminder_call_script(facts, now) if kind == "checkin" else followup_call_script(facts)
        )
        client = booking.client
        calls.append(
            PhoneCall(
                kind,
                booking,
                row.recipient,
                row.recipient == client.carer_phone and row.recipient != client.phone,
                script,
                practice.quiet_hours_for(client.quiet_hours),
                tries[booking.id],
                row.last_error,
                facts.offer if kind == "checkin" else None,
            )
        )
    return calls


def _problem(kind: str, booking: Booking, sequence: int, now: datetime) -> str | None:
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
        return "This session was cancelled meanwhile, so there is nothing to record."
    if sequence != booking.ical_sequence:
        return "This session changed while the list was open. Here is the list as it is now."
    recorded = getattr(booking, f"{kind}_answer")
    if recorded:
        words = ANSWERS[kind].get(recorded, recorded)
        return f"An answer was recorded meanwhile ({words.lower()}), so this call is done."
    if kind == "checkin" and booking.start_utc <= now:
        return "This session has already started, so the check-in is closed."
    if kind == "followup" and booking.end_utc > now:
        return "This session has not ended yet."
    return None


def _calls_done(booking: Booking, kind: str, now: datetime) -> None:
    """The booking's phone rows of this kind are done: the call was made and answered."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.booking_id == booking.id,
            OutboxMessage.channel == Channel.PHONE,
            OutboxMessage.kind == next(k for k, v in CALL_KINDS.items() if v == kind),
            OutboxMessage.sent_at.is_(None),
        )
        .values(sent_at=now, claimed_until=None)
    )


@retry_conflicts
def record_call(
    booking_id: int,
    kind: str,
    answer: str,
    sequence: int,
    by: audit.Actor,
    now: datetime,
    lasted: str | None = None,
    offer: str | None = None,
) -> Booking:
    """Record what the client said (or that nobody answered) for this call; after a worse
    follow-up answer, how long it lasted too (optional, as in the email); on a check-in call,
    their answer to an offer of a little more (optional), which acts as the email's does.

    Raises LookupError for an unknown booking and CallProblem when it no longer applies (a yes
    to more that no longer fits is CallProblem too, after the check-in answer is kept).
    """
    if kind not in ANSWERS or (answer not in ANSWERS[kind] and answer != NO_ANSWER):
        raise CallProblem("Please choose what the client said.")
    with write_transaction():
        booking = db.session.scalars(
            select(Booking).where(Booking.id == booking_id).with_for_update()
        ).one_or_none()
        if booking is None:
            raise LookupError(booking_id)
        problem = _problem(kind, booking, sequence, now)
        if problem:
            raise CallProblem(problem)
        label = "check-in" if kind == "checkin" else "follow-up"
        not_kept = None
        if answer == NO_ANSWER:
            detail = f"{label}: no answer"
        else:
            setattr(booking, f"{kind}_answer", answer)
            detail = f"{label}: {ANSWERS[kind][answer].lower()}"
            if kind == "followup" and answer in WORSE and lasted in LASTED_ANSWERS:
                booking.followup_lasted = lasted
        audit.record_booking_change(by, AuditAction.REMINDED_BY_PHONE, booking, now, detail)
        if answer != NO_ANSWER:
            _calls_done(booking, kind, now)
            if kind == "checkin":  # acts as an answer by email does
                checkin.act(booking, answer, now)
            if kind == "checkin" and offer in OFFER_ANSWERS:
                not_kept = loop.answer_offer_by_phone(booking, offer, now)
    if not_kept:
        raise CallProblem(f"The check-in answer is recorded, but {not_kept}")
    return booking
