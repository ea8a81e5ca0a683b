"""Reminders and follow-ups by phone, for clients we cannot email.

A client who gave only a phone number (theirs or their carer's) gets no email reminder, so
reception phones instead: the day before a session (to remind and ask the check-in question)
and about two days after (how were they?). The list is worked out from the bookings
themselves, so a change or cancellation takes a call off the list at once. What the client
answers is recorded on the booking exactly as a one-tap answer from an email would be.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain.audit import AuditAction
from booking.domain.messages import (
    CHECKIN_ANSWERS,
    FOLLOWUP_ANSWERS,
    followup_call_script,
    reminder_call_script,
)
from booking.domain.reminders import FOLLOWUP_AFTER_BY_WORSENING, followup_delay
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import AuditEvent, Booking, Client
from booking.services.booking import checkin
from booking.services.booking.availability import local_day_bounds
from booking.services.messaging import notify
from booking.services.messaging.notify import session_facts
from booking.services.practice.settings import current as current_settings
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


def _phone_only():
    """Clients no message can be emailed to: no email of their own and none through a carer."""
    return and_(
        Client.email.is_(None),
        or_(Client.send_to_carer.is_(False), Client.carer_email.is_(None)),
        or_(Client.phone.is_not(None), Client.carer_phone.is_not(None)),
    )


def _number(client: Client) -> tuple[str, bool]:
    if client.send_to_carer and client.carer_phone:
        return client.carer_phone, True
    if client.phone:
        return client.phone, False
    return client.carer_phone or "", True


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


def _phone_only_bookings(*conditions: ColumnElement[bool], order_by) -> list[Booking]:
    """Bookings of clients we can only phone (and who want reminders) that meet `conditions`,
    with what a call needs."""
    query = (
        select(Booking)
        .join(Booking.client)
        .options(
            joinedload(Booking.client),
            joinedload(Booking.service),
            joinedload(Booking.practitioner),
        )
        .where(_phone_only(), Client.wants_reminders.is_(True), *conditions)
        .order_by(order_by, Booking.id)
    )
    return list(db.session.scalars(query))


def calls_to_make(now: datetime) -> list[PhoneCall]:
    """Check-in calls for sessions from now to the end of tomorrow, then follow-up calls.

    Five queries, however many calls.
    """
    zone = practice_zone()
    tomorrow = local_date(now) + timedelta(days=1)
    _, end_of_tomorrow = local_day_bounds(tomorrow, zone)
    practice = current_settings()
    after = timedelta(hours=practice.followup_hours)
    checkins = _phone_only_bookings(
        Booking.status.in_(LIVE),
        Booking.start_utc > now,
        Booking.start_utc < end_of_tomorrow,
        Booking.checkin_answer.is_(None),
        order_by=Booking.start_utc,
    )
    soonest = min(after, *FOLLOWUP_AFTER_BY_WORSENING.values())
    followups = [
        booking
        for booking in _phone_only_bookings(
            Booking.status.in_((*LIVE, BookingStatus.ATTENDED)),
            Booking.end_utc <= now - soonest,
            Booking.end_utc >= now - FOLLOWUP_OPEN_FOR,
            Booking.followup_answer.is_(None),
            order_by=Booking.end_utc,
        )
        # Each client's own delay, from when their worsening usually starts.
        if booking.end_utc <= now - followup_delay(booking.client.worsening_starts, after)
    ]
    crashed = notify.crashed_before(checkins)
    tries = _tries([booking.id for booking in checkins + followups])
    calls = []
    for kind, bookings in (("checkin", checkins), ("followup", followups)):
        for booking in bookings:
            facts = session_facts(booking, crash_last_time=crashed.get(booking.id, False))
            script = (
                reminder_call_script(facts, now)
                if kind == "checkin"
                else followup_call_script(facts)
            )
            phone, to_carer = _number(booking.client)
            calls.append(
                PhoneCall(
                    kind,
                    booking,
                    phone,
                    to_carer,
                    script,
                    practice.quiet_hours_for(booking.client.quiet_hours),
                    tries[booking.id],
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


@retry_conflicts
def record_call(
    booking_id: int, kind: str, answer: str, sequence: int, by: audit.Actor, now: datetime
) -> Booking:
    """Record what the client said (or that nobody answered) for this call.

    Raises LookupError for an unknown booking and CallProblem when it no longer applies.
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
        if answer == NO_ANSWER:
            detail = f"{label}: no answer"
        else:
            setattr(booking, f"{kind}_answer", answer)
            detail = f"{label}: {ANSWERS[kind][answer].lower()}"
        audit.record_booking_change(by, AuditAction.REMINDED_BY_PHONE, booking, now, detail)
        if kind == "checkin" and answer != NO_ANSWER:  # acts as an answer by email does
            checkin.act(booking, answer, now)
    return booking
