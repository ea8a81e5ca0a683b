"""The change the therapist kept for a coming session, and whether it waits for the client's
answer. Shared by the loop, the reminders, the answer links and the session record, so they
never disagree about whether an offer is open."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, SessionAdjustment

# A check-in asking for less, a call or a postponement withdraws an offer of more.
WANTS_LESS = frozenset({"gentler", "phone", "postpone"})


def agreed_for(booking_id: int) -> SessionAdjustment | None:
    """The change kept for this session, if any: one query."""
    return db.session.scalars(
        select(SessionAdjustment).where(SessionAdjustment.booking_id == booking_id)
    ).one_or_none()


def agreed_for_all(booking_ids: Iterable[int]) -> dict[int, SessionAdjustment]:
    """The changes kept for these sessions, by booking id: one query."""
    ids = set(booking_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(SessionAdjustment).where(SessionAdjustment.booking_id.in_(ids))
    )
    return {row.booking_id: row for row in rows}


def is_offer(agreed: SessionAdjustment | None) -> bool:
    """Whether the change is an offer of more, which only the client's yes makes real."""
    return (
        agreed is not None
        and agreed.offered_from_minutes is not None
        and agreed.hands_on_minutes > agreed.offered_from_minutes
    )


def why_offer_closed(
    booking: Booking, agreed: SessionAdjustment | None, now: datetime
) -> str | None:
    """Why the client cannot answer an offer of more for this session now, in their words;
    None while it waits for their answer."""
    if agreed is not None and agreed.client_answer == "yes":
        return (
            "You said yes to a little more, so that is kept for you. If you would rather have "
            "less after all, you can change the session free on your booking page."
        )
    if agreed is not None and agreed.client_answer:
        return "You chose to keep your session as it is, and so it stays."
    if not is_offer(agreed):
        return "There is nothing to answer for this session now. Your session stays as it is."
    if booking.status != BookingStatus.CONFIRMED or booking.start_utc <= now:
        return "This session has started or changed, so the question is closed."
    if booking.checkin_answer in WANTS_LESS:
        return "You asked us for less this time, so your session stays as it is. Rest well."
    return None


def offer_version(agreed: SessionAdjustment, booking: Booking) -> str:
    """Changes whenever the therapist changes the offer, or the session becomes another one:
    a link to an older offer is stale."""
    parts = (
        booking.service_id,
        agreed.id,
        agreed.hands_on_minutes,
        agreed.pressure,
        agreed.offered_from_minutes,
        agreed.longer_service_id,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def note_answer(agreed: SessionAdjustment, answer: str, now: datetime) -> None:
    """Keep the client's answer to the offer (inside the caller's transaction)."""
    agreed.client_answer = answer
    agreed.answered_at = now
