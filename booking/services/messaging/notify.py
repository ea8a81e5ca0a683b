"""Messages about a booking change, queued in the same transaction as the change."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from booking.clock import practice_zone
from booking.domain.messages import (
    Change,
    SessionFacts,
    booking_messages,
    followup_message,
    questions_message,
    reminder_message,
)
from booking.domain.reminders import followup_delay, followup_due, reminder_due
from booking.domain.statuses import BookingStatus
from booking.domain.text import first_name
from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services.booking import tokens
from booking.services.messaging import outbox, replies
from booking.services.practice.settings import current as current_settings
from booking.web import public_url


def session_facts(
    booking: Booking, manage_token: str | None = None, *, crash_last_time: bool | None = None
) -> SessionFacts:
    """What messages about a booking may say (never anything about health).

    The client's manage link is the token passed in, else the one kept sealed with the
    booking. A caller listing many bookings passes `crash_last_time`, looked up for all at once.
    """
    client = booking.client
    service = booking.service
    config = current_app.config
    to_carer = client.send_to_carer and client.carer_email
    manage_token = manage_token or tokens.stored_token(booking)
    return SessionFacts(
        uid=booking.ical_uid,
        sequence=booking.ical_sequence,
        start_utc=booking.start_utc,
        end_utc=booking.end_utc,
        zone=practice_zone(),
        service_name=service.name,
        minutes=service.minutes,
        hands_on_minutes=service.hands_on_minutes,
        home_visit=service.home_visit,
        first_visit=service.first_visit,
        practitioner_name=booking.practitioner.name,
        practitioner_email=booking.practitioner.email,
        client_first_name=first_name(client.preferred_name or client.name),
        client_email=client.carer_email if to_carer else client.email,
        practice_name=config["PRACTICE_NAME"],
        practice_email=config["MAIL_DEFAULT_SENDER"],
        practice_phone=config["PRACTICE_PHONE"],
        practice_address=config.get("PRACTICE_ADDRESS", ""),
        manage_url=public_url("manage.show", token=manage_token) if manage_token else "",
        dashboard_url=public_url("dashboard.home"),
        held=booking.status == BookingStatus.HELD_FOR_REVIEW,
        cancelled=booking.status == BookingStatus.CANCELLED,
        crash_last_time=(
            crashed_before([booking])[booking.id] if crash_last_time is None else crash_last_time
        ),
    )


def crashed_before(bookings: list[Booking]) -> dict[int, bool]:
    """For each booking, whether the client's answer after their previous session was
    "a crash": one query for every client on a list."""
    if not bookings:
        return {}
    answers: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    rows = db.session.execute(
        select(Booking.client_id, Booking.end_utc, Booking.followup_answer)
        .where(
            Booking.client_id.in_({booking.client_id for booking in bookings}),
            Booking.followup_answer.is_not(None),
        )
        .order_by(Booking.end_utc)
    )
    for client_id, end_utc, answer in rows:
        answers[client_id].append((end_utc, answer))
    crashed = {}
    for booking in bookings:
        earlier = [a for end, a in answers[booking.client_id] if end <= booking.start_utc]
        crashed[booking.id] = bool(earlier) and earlier[-1] == "crash"
    return crashed


def booking_changed(
    booking: Booking, change: Change, now: datetime, manage_token: str | None = None
) -> None:
    """Queue the client's and the therapist's messages for this change (same transaction).

    Every client message carries the manage link, also for changes staff made.
    """
    facts = session_facts(booking, manage_token or tokens.manage_link_token(booking))
    outbox.queue(booking_messages(facts, change, now), now, booking=booking)
    if change is not Change.CANCELLED:
        _queue_reminders(booking, facts, now)


def _queue_reminders(booking: Booking, facts: SessionFacts, now: datetime) -> None:
    """The day-before reminder and the follow-up, for the booking as it now stands.

    Each carries the booking's SEQUENCE: when it changes again, these are superseded and
    dropped unsent (the change queues new ones). None for a client who asked for none.
    """
    if not booking.client.reminders_wanted:
        return
    zone = practice_zone()
    practice = current_settings()  # admin's values, else the configured defaults
    quiet = practice.quiet_hours_for(booking.client.quiet_hours)
    reminder_at = reminder_due(
        booking.start_utc, zone, *quiet, local_time=practice.reminder_local_time
    )
    if reminder_at > now:  # booked the same day: the confirmation says it all
        reminder = reminder_message(facts, now, replies.answer_links("checkin", booking))
        if reminder is not None:
            outbox.queue([reminder], now, booking=booking, due_at=reminder_at)
    followup = followup_message(facts, now, replies.answer_links("followup", booking))
    if followup is not None:
        after = followup_delay(booking.client.worsening_starts, practice.followup_after)
        due = followup_due(booking.end_utc, zone, *quiet, after=after)
        outbox.queue([followup], now, booking=booking, due_at=due)


def questions_sent(
    booking: Booking, questions_url: str, now: datetime, manage_token: str | None = None
) -> None:
    """The questionnaire link now, and one gentle nudge a few days before if still not sent.

    The link goes to the contact details on file, so it reaches the client even when the
    booking pages may not show it (a returning client, or someone who typed their email).
    """
    facts = session_facts(booking, manage_token or tokens.manage_link_token(booking))
    link = questions_message(facts, questions_url)
    if link is None:
        return
    outbox.queue([link], now, booking=booking, versioned=False)
    if not booking.client.reminders_wanted:
        return  # the link itself goes; the nudge is a reminder
    zone = practice_zone()
    practice = current_settings()  # admin's values, else the configured defaults
    quiet = practice.quiet_hours_for(booking.client.quiet_hours)
    days_before = practice.intake_nudge_days
    nudge_at = reminder_due(
        booking.start_utc - timedelta(days=days_before - 1),
        zone,
        *quiet,
        local_time=practice.reminder_local_time,
    )
    nudge = questions_message(facts, questions_url, nudge=True)
    if nudge is not None and nudge_at > now + timedelta(days=1):
        outbox.queue([nudge], now, booking=booking, due_at=nudge_at, versioned=False)


def retime_followups(client_id: int, now: datetime) -> None:
    """Move the client's unsent follow-ups to the delay their answers now imply (inside the
    caller's transaction): the answers usually come after the booking queued them."""
    rows = db.session.execute(
        select(OutboxMessage, Booking)
        .join(Booking, OutboxMessage.booking_id == Booking.id)
        .where(
            Booking.client_id == client_id,
            OutboxMessage.kind == "client_followup",
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
            OutboxMessage.failed_at.is_(None),
        )
    ).all()
    practice = current_settings()
    zone = practice_zone()
    for row, booking in rows:
        quiet = practice.quiet_hours_for(booking.client.quiet_hours)
        after = followup_delay(booking.client.worsening_starts, practice.followup_after)
        due = max(followup_due(booking.end_utc, zone, *quiet, after=after), now)
        row.due_at = row.next_attempt_at = due
