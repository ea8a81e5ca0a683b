"""A client's sessions over time: what was planned and done in each, how they were before and
after, and what that suggests for the next one. For the therapist of that client and admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import local_date
from booking.domain.next_session import Suggestion
from booking.domain.session_chart import Chart, ChartSession, session_chart
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Client, SessionAdjustment
from booking.services.sessions import loop
from booking.services.sessions.agreed import agreed_for_all
from booking.services.sessions.records import SessionRecord, planned_minutes, records_for

# Sessions that took place (or were due to) and those still to come; never a no-show.
SHOWN = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.HELD_FOR_REVIEW)


@dataclass(frozen=True)
class TimelineEntry:
    """One session that has taken place (or started), with everything known about it."""

    number: int  # the client's first session is 1
    booking: Booking
    planned_minutes: int  # hands-on: agreed beforehand, else the most the booking allows
    planned_pressure: int | None  # agreed beforehand
    record: SessionRecord | None
    agreed: SessionAdjustment | None


@dataclass(frozen=True)
class Timeline:
    """Everything the timeline page shows."""

    client: Client
    entries: list[TimelineEntry]  # oldest first
    coming: list[Booking]  # sessions still to come, soonest first
    suggestion: Suggestion | None  # for the first of them
    agreed: SessionAdjustment | None  # already kept for it
    allowed_minutes: int | None
    chart: Chart

    @property
    def next_booking(self) -> Booking | None:
        return self.coming[0] if self.coming else None


def timeline(client_id: int, now: datetime) -> Timeline | None:
    """The client's timeline; None for an unknown client. Six queries, however many sessions."""
    client = db.session.get(Client, client_id)
    if client is None:
        return None
    bookings = list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.service), joinedload(Booking.practitioner))
            .where(Booking.client_id == client_id, Booking.status.in_(SHOWN))
            .order_by(Booking.start_utc, Booking.id)
        )
    )
    taken = [b for b in bookings if b.start_utc <= now and b.status in loop.HELD_STATUSES]
    coming = [b for b in bookings if b.start_utc > now and b.status != BookingStatus.ATTENDED]
    records = records_for({booking.id for booking in taken})
    agreed = agreed_for_all(booking.id for booking in bookings)
    entries = [
        TimelineEntry(
            number=number,
            booking=booking,
            planned_minutes=planned_minutes(booking, agreed.get(booking.id)),
            planned_pressure=agreed[booking.id].pressure if booking.id in agreed else None,
            record=records.get(booking.id),
            agreed=agreed.get(booking.id),
        )
        for number, booking in enumerate(taken, start=1)
    ]
    suggestion = allowed = None
    if coming:
        services = loop.offered_services()
        history = [loop.Held.of(entry.booking, entry.record) for entry in entries]
        suggestion = loop.suggestion_for(coming[0], history, services)
        allowed = loop.allowed_minutes(coming[0], services)
    chart = session_chart(
        [
            ChartSession(
                day=local_date(entry.booking.start_utc),
                hands_on_minutes=entry.record.hands_on_minutes if entry.record else None,
                pressure=entry.record.pressure if entry.record else None,
                response=entry.booking.followup_answer,
            )
            for entry in entries
        ]
    )
    return Timeline(
        client=client,
        entries=entries,
        coming=coming,
        suggestion=suggestion,
        agreed=agreed.get(coming[0].id) if coming else None,
        allowed_minutes=allowed,
        chart=chart,
    )


@dataclass(frozen=True)
class OwnSession:
    """One of the client's own sessions, as their manage page lists it: when and how long,
    nothing clinical."""

    start_utc: datetime
    minutes: int
    service_name: str
    practitioner_name: str
    current: bool  # the session this manage link is for


def own_sessions(booking: Booking, now: datetime) -> tuple[list[OwnSession], list[OwnSession]]:
    """The client's sessions still to come (soonest first) and those that have been (latest
    first), not cancelled: one query."""
    rows = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.service), joinedload(Booking.practitioner))
        .where(Booking.client_id == booking.client_id, Booking.status != BookingStatus.CANCELLED)
        .order_by(Booking.start_utc, Booking.id)
    ).all()
    sessions = [
        OwnSession(
            row.start_utc,
            int((row.end_utc - row.start_utc).total_seconds() // 60),
            row.service.name,
            row.practitioner.name,
            row.id == booking.id,
        )
        for row in rows
    ]
    coming = [session for session in sessions if session.start_utc > now]
    been = [session for session in reversed(sessions) if session.start_utc <= now]
    return coming, been
