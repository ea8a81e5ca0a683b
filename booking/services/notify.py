"""Messages about a booking change, queued in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from booking.domain.messages import Change, SessionFacts, booking_messages
from booking.domain.statuses import BookingStatus
from booking.models import Booking
from booking.services import outbox
from booking.services.availability import practice_zone
from booking.web import public_url


def _first_name(name: str) -> str:
    """What the therapist's calendar may show: the first name only."""
    return name.strip().split()[0] if name.strip() else "a client"


def session_facts(booking: Booking, manage_token: str | None = None) -> SessionFacts:
    """What messages about a booking may say (never anything about health).

    Only a hash of the manage token is stored, so the client's link can go in a message
    only when the change came through it (booking, moving, shortening, cancelling).
    """
    client = booking.client
    service = booking.service
    config = current_app.config
    to_carer = client.send_to_carer and client.carer_email
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
        client_first_name=_first_name(client.preferred_name or client.name),
        client_email=client.carer_email if to_carer else client.email,
        practice_name=config["PRACTICE_NAME"],
        practice_email=config["MAIL_DEFAULT_SENDER"],
        practice_phone=config["PRACTICE_PHONE"],
        practice_address=config.get("PRACTICE_ADDRESS", ""),
        manage_url=public_url("manage.show", token=manage_token) if manage_token else "",
        dashboard_url=public_url("dashboard.home"),
        held=booking.status == BookingStatus.HELD_FOR_REVIEW,
    )


def booking_changed(
    booking: Booking, change: Change, now: datetime, manage_token: str | None = None
) -> None:
    """Queue the client's and the therapist's messages for this change (same transaction)."""
    facts = session_facts(booking, manage_token)
    outbox.queue(booking_messages(facts, change, now), now, booking=booking)
