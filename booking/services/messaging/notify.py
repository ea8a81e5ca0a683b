"""Messages about a booking change, queued in the same transaction as the change."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from booking.clock import practice_zone
from booking.domain.channels import Channel, parse_channels, reminder_channels
from booking.domain.messages import (
    Change,
    MoreOffer,
    SessionFacts,
    booking_messages,
    followup_call_script,
    followup_message,
    phone_task,
    questions_message,
    reminder_call_script,
    reminder_message,
    sms_followup,
    sms_questions_nudge,
    sms_reminder,
)
from booking.domain.reminders import followup_delay, followup_due, reminder_due
from booking.domain.statuses import BookingStatus
from booking.domain.text import first_name
from booking.extensions import db
from booking.models import Booking, Client, OutboxMessage
from booking.services.booking import tokens
from booking.services.messaging import outbox, replies
from booking.services.practice.settings import current as current_settings
from booking.services.sessions.agreed import agreed_for_all, why_offer_closed
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
        client_email=email_of(client),
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


@dataclass(frozen=True)
class Route:
    """Where one copy of a client's message goes."""

    channel: Channel
    recipient: str  # an email address or a phone number


def email_of(client: Client) -> str | None:
    """The address client messages go to: the carer's when the client chose so."""
    if client.send_to_carer and client.carer_email:
        return client.carer_email
    return client.email


def phone_of(client: Client) -> str | None:
    """The number texts and calls go to: the carer's when chosen, else whichever there is."""
    if client.send_to_carer and client.carer_phone:
        return client.carer_phone
    return client.phone or client.carer_phone


def _carer_copy(client: Client, channel: Channel, primary: str) -> Route | None:
    """The carer's copy, when the client chose copies "as well" and it is another address."""
    if not client.carer_copies:
        return None
    address = client.carer_email if channel == Channel.EMAIL else client.carer_phone
    if not address or address.lower() == primary.lower():
        return None
    return Route(channel, address)


def booking_routes(client: Client) -> list[Route]:
    """Confirmations, changes and cancellations: always, by email, with the carer's copy."""
    email = email_of(client)
    if not email:  # only the carer's copy can go, if they chose copies
        copy = client.carer_email if client.carer_copies else None
        return [Route(Channel.EMAIL, copy)] if copy else []
    copy = _carer_copy(client, Channel.EMAIL, email)
    return [Route(Channel.EMAIL, email), *([copy] if copy else [])]


def reminder_routes(client: Client) -> list[Route]:
    """Reminders, nudges, check-ins and follow-ups: none for "no reminders"; else each
    channel the client chose that can reach them (a phone call once), with carer copies."""
    if not client.reminders_wanted:
        return []
    email, phone = email_of(client), phone_of(client)
    channels = reminder_channels(
        parse_channels(client.reminder_channels), has_email=bool(email), has_phone=bool(phone)
    )
    routes: list[Route] = []
    for channel in channels:
        primary = email if channel == Channel.EMAIL else phone
        assert primary is not None  # reminder_channels only picks what can reach them
        routes.append(Route(channel, primary))
        if channel != Channel.PHONE:  # the desk phones one person
            copy = _carer_copy(client, channel, primary)
            if copy is not None:
                routes.append(copy)
    return routes


def booking_changed(
    booking: Booking,
    change: Change,
    now: datetime,
    manage_token: str | None = None,
    *,
    new_client: bool = False,
) -> SessionFacts:
    """Queue the client's and the therapist's messages for this change (same transaction).

    Every client message carries the manage link, also for changes staff made. Returns the
    facts the messages were written from, for more messages in the same transaction. A
    `new_client` (made in this transaction) has no earlier sessions to look up.
    """
    facts = session_facts(
        booking,
        manage_token or tokens.manage_link_token(booking),
        crash_last_time=False if new_client else None,
    )
    routes = booking_routes(booking.client)
    primary = replace(facts, client_email=routes[0].recipient if routes else None)
    outbox.queue(booking_messages(primary, change, now), now, booking=booking)
    for copy in routes[1:]:  # the carer's copy: the client's message only
        messages = booking_messages(replace(facts, client_email=copy.recipient), change, now)
        outbox.queue([m for m in messages if m.kind.startswith("client_")], now, booking=booking)
    if change is Change.BOOKED:  # made in this transaction: no change agreed for it yet
        _queue_reminders(booking, now, facts, follow_up=True, agreed=False)
    elif change is not Change.CANCELLED:
        queue_reminders(booking, now, facts)
    return facts


def queue_reminders(booking: Booking, now: datetime, facts: SessionFacts | None = None) -> None:
    """The day-before reminder (with its check-in) and the follow-up, for the booking as it
    now stands, by each of the client's routes.

    Each carries the booking's SEQUENCE: when it changes again, these are superseded and
    dropped unsent (the change queues new ones). None for a client who asked for none.
    """
    _queue_reminders(booking, now, facts, follow_up=True)


def ask_in_reminder(booking: Booking, now: datetime) -> bool:
    """Write the day-before reminder again (inside the caller's transaction), so it carries
    what changed for the session without changing the booking: an offer of a little more.
    True if a reminder still to send now asks it; False when it has gone, or the client gets
    none (their manage page asks all the same)."""
    unsent = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.booking_id == booking.id,
            OutboxMessage.kind == "client_reminder",
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
            OutboxMessage.failed_at.is_(None),
        )
    ).all()
    if not unsent:
        return False
    for row in unsent:
        row.dropped_at = now
    db.session.flush()
    _queue_reminders(booking, now, None, follow_up=False, rewrite=True)
    return True


def offers_for(bookings: list[Booking], now: datetime) -> dict[int, MoreOffer]:
    """The offers of more still waiting for these clients' answers, by booking id: one query."""
    agreed = agreed_for_all(booking.id for booking in bookings)
    offers = {}
    for booking in bookings:
        offer = agreed.get(booking.id)
        if offer is None or why_offer_closed(booking, offer, now):
            continue
        assert offer.offered_from_minutes is not None  # an open offer has one
        links = replies.answer_links("offer", booking)
        offers[booking.id] = MoreOffer(offer.hands_on_minutes, offer.offered_from_minutes, links)
    return offers


def _queue_reminders(
    booking: Booking,
    now: datetime,
    facts: SessionFacts | None,
    *,
    follow_up: bool,
    rewrite: bool = False,
    agreed: bool = True,
) -> None:
    """The reminders (and the follow-up) by each of the client's routes. A `rewrite` replaces
    reminders that were waiting: one already due (an email held by quiet hours, a call not
    made yet) is due at once, never lost. `agreed=False` for a booking that can have no
    change agreed yet (so no offer to ask about)."""
    routes = reminder_routes(booking.client)
    if not routes:
        return
    facts = facts or session_facts(booking, tokens.manage_link_token(booking))
    if agreed:
        facts = replace(facts, offer=offers_for([booking], now).get(booking.id))
    zone = practice_zone()
    practice = current_settings()  # admin's values, else the configured defaults
    quiet = practice.quiet_hours_for(booking.client.quiet_hours)
    reminder_at = reminder_due(
        booking.start_utc, zone, *quiet, local_time=practice.reminder_local_time
    )
    after = followup_delay(booking.client.worsening_starts, practice.followup_after)
    followup_at = followup_due(booking.end_utc, zone, *quiet, after=after)
    checkin_links = replies.answer_links("checkin", booking)
    followup_links = replies.answer_links("followup", booking)
    for route in routes:
        to = route.recipient
        if route.channel == Channel.EMAIL:
            reminder = reminder_message(replace(facts, client_email=to), now, checkin_links)
            followup = followup_message(replace(facts, client_email=to), now, followup_links)
        elif route.channel == Channel.SMS:
            reminder, followup = sms_reminder(facts, to), sms_followup(facts, to)
        else:
            reminder = phone_task("client_reminder", to, reminder_call_script(facts, now))
            followup = phone_task("client_followup", to, followup_call_script(facts))
        if reminder is not None and (reminder_at > now or rewrite):  # booked today: none
            outbox.queue([reminder], now, booking=booking, due_at=max(reminder_at, now))
        if followup is not None and follow_up:
            outbox.queue([followup], now, booking=booking, due_at=followup_at)


def questions_sent(
    booking: Booking,
    questions_url: str,
    now: datetime,
    manage_token: str | None = None,
    facts: SessionFacts | None = None,
) -> None:
    """The questionnaire link now, and one gentle nudge a few days before if still not sent.

    The link goes by email to the contact details on file (and the carer's copy), so it
    reaches the client even when the booking pages may not show it (a returning client, or
    someone who typed their email); the nudge is a reminder, by the client's routes (never a
    phone call: the desk offers to go through the questions when it rings anyway).
    """
    if facts is None:
        facts = session_facts(booking, manage_token or tokens.manage_link_token(booking))
    for route in booking_routes(booking.client):
        link = questions_message(replace(facts, client_email=route.recipient), questions_url)
        if link is not None:
            outbox.queue([link], now, booking=booking, versioned=False)
    zone = practice_zone()
    practice = current_settings()  # admin's values, else the configured defaults
    quiet = practice.quiet_hours_for(booking.client.quiet_hours)
    nudge_at = reminder_due(
        booking.start_utc - timedelta(days=practice.intake_nudge_days - 1),
        zone,
        *quiet,
        local_time=practice.reminder_local_time,
    )
    if nudge_at <= now + timedelta(days=1):
        return
    for route in reminder_routes(booking.client):
        if route.channel == Channel.EMAIL:
            to = replace(facts, client_email=route.recipient)
            nudge = questions_message(to, questions_url, nudge=True)
        elif route.channel == Channel.SMS:
            nudge = sms_questions_nudge(facts, route.recipient, questions_url)
        else:
            continue
        if nudge is not None:
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


def reroute_reminders(client_id: int, now: datetime) -> None:
    """After the client changed how reminders reach them (inside the caller's transaction):
    unsent reminders and follow-ups by a way no longer chosen are dropped, and the chosen
    ways queued for each session still to come or just past (one already queued stays)."""
    recent = now - timedelta(days=7)
    bookings = list(
        db.session.scalars(
            select(Booking).where(
                Booking.client_id == client_id,
                Booking.end_utc > recent,
                Booking.status.in_(
                    (BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW, BookingStatus.ATTENDED)
                ),
            )
        )
    )
    if not bookings:
        return
    wanted = {
        (route.channel, route.recipient.lower()) for route in reminder_routes(bookings[0].client)
    }
    pending = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.booking_id.in_([booking.id for booking in bookings]),
            OutboxMessage.kind.in_(("client_reminder", "client_followup")),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
        )
    )
    for row in pending:
        if (outbox.queued_channel(row), row.recipient.lower()) not in wanted:
            row.dropped_at = now
    db.session.flush()
    for booking in bookings:
        queue_reminders(booking, now)
