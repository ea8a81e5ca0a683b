"""Load the reception diary for a day or a week in a fixed number of queries, and lay it out.

Queries, whatever the number of days, practitioners or bookings: practitioners, services, the
availability engine's four (weekly hours, openings, closures, busy time), the bookings with
their clients and services, the closures with their ids, and the clients' latest intakes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from booking.domain import availability as engine
from booking.domain.diary import (
    CareFlag,
    ClosureMark,
    DiaryDay,
    SessionCard,
    day_bounds,
    lay_out_day,
)
from booking.domain.intake_rules import PracticalAdjustments, practical_adjustments
from booking.domain.statuses import BookingStatus, ReviewState
from booking.extensions import db
from booking.models import Booking, Closure, Practitioner, Service
from booking.services.booking.availability import (
    active_practitioners,
    booking_window,
    load_calendars,
    session_shape,
)
from booking.services.intake.questionnaire import answers_of, latest_intakes
from booking.services.practice.catalogue import bookable_services


@dataclass(frozen=True)
class Diary:
    """Everything the diary page shows."""

    days: tuple[date, ...]
    practitioners: tuple[Practitioner, ...]  # the ones shown
    everyone: tuple[Practitioner, ...]  # every active practitioner, for the chooser
    services: tuple[Service, ...]
    service: Service | None  # the one free start times are worked out for
    grid: dict[tuple[int, date], DiaryDay]
    unknown_practitioner: bool = False  # one was asked for that is not (or no longer) active

    def day_of(self, practitioner: Practitioner, day: date) -> DiaryDay:
        """One practitioner's day."""
        return self.grid[(practitioner.id, day)]


def load_diary(
    days: Sequence[date],
    practitioner_id: int | None,
    service_slug: str | None,
    now: datetime,
    zone: ZoneInfo,
) -> Diary:
    """The diary for these local dates, for one practitioner or everyone (None, or an id that
    is not an active practitioner's)."""
    everyone = active_practitioners()
    shown = [p for p in everyone if practitioner_id is None or p.id == practitioner_id]
    unknown = practitioner_id is not None and not shown
    if unknown:
        shown = everyone
    services = bookable_services()
    service = next((s for s in services if s.slug == service_slug), None)
    if service is None and services:
        service = services[0]
    first, last = day_bounds(days[0], zone), day_bounds(days[-1], zone)
    start, end = first.start, last.end
    calendars = load_calendars(shown, start, end)
    cards = _session_cards(shown, start, end)
    closures = _closures(shown, start, end)
    shape = session_shape(service) if service is not None else None
    step = booking_window().step_minutes
    grid: dict[tuple[int, date], DiaryDay] = {}
    for calendar in calendars:
        pid = calendar.practitioner_id
        open_time = engine.open_time(calendar, days[0] - timedelta(days=1), days[-1])
        own_busy = [
            engine.Span(_instant(begins), _instant(ends))
            for begins, ends in calendar.own_busy_seconds
        ]
        for day in days:
            bounds = day_bounds(day, zone)
            grid[(pid, day)] = lay_out_day(
                day,
                zone,
                pid,
                [s for s in open_time if s.overlaps(bounds)],
                [c for c in closures[pid] + closures[None] if c.span.overlaps(bounds)],
                [c for c in cards[pid] if c.blocked.overlaps(bounds)],
                shape,
                step,
                now,
                busy=[s for s in own_busy if s.overlaps(bounds)],
            )
    return Diary(
        tuple(days), tuple(shown), tuple(everyone), tuple(services), service, grid, unknown
    )


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _session_cards(
    practitioners: Sequence[Practitioner], start: datetime, end: datetime
) -> dict[int, list[SessionCard]]:
    """Live bookings around [start, end) as cards, with care flags: two queries."""
    ids = [p.id for p in practitioners]
    cards: dict[int, list[SessionCard]] = defaultdict(list)
    if not ids:
        return cards
    bookings = list(
        db.session.scalars(
            select(Booking)
            .join(Booking.client)
            .join(Booking.service)
            .options(contains_eager(Booking.client), contains_eager(Booking.service))
            .where(
                Booking.practitioner_id.in_(ids),
                Booking.status != BookingStatus.CANCELLED,
                Booking.blocked_from_utc < end,
                Booking.blocked_until_utc > start,
            )
            .order_by(Booking.start_utc, Booking.id)
        )
    )
    needs = practical_needs({b.client_id for b in bookings})
    for booking in bookings:
        cards[booking.practitioner_id].append(
            SessionCard(
                booking_id=booking.id,
                client_id=booking.client_id,
                client_name=booking.client.display_name,
                service_name=booking.service.name,
                session=engine.Span(booking.start_utc, booking.end_utc),
                blocked=engine.Span(booking.blocked_from_utc, booking.blocked_until_utc),
                held=booking.status == BookingStatus.HELD_FOR_REVIEW,
                checkin=booking.checkin_answer,
                flags=care_flags(booking, needs.get(booking.client_id)),
            )
        )
    return cards


def care_flags(booking: Booking, needs: PracticalAdjustments | None) -> tuple[CareFlag, ...]:
    """The practical flags a booking card shows, in a fixed order."""
    flags: list[CareFlag] = []
    if booking.service.home_visit:
        flags.append(CareFlag.HOME_VISIT)
    elif needs is not None and needs.home_visit:
        flags.append(CareFlag.MAYBE_HOME_VISIT)
    if needs is not None:
        for flag, wanted in (
            (CareFlag.STEP_FREE, needs.step_free),
            (CareFlag.DIM_ROOM, needs.dim_room),
            (CareFlag.SCENT_FREE, needs.scent_free),
            (CareFlag.REST_AFTER, needs.rest_after),
        ):
            if wanted:
                flags.append(flag)
    if booking.status == BookingStatus.HELD_FOR_REVIEW or (
        needs is not None and needs.review_pending
    ):
        flags.append(CareFlag.REVIEW_PENDING)
    return tuple(flags)


def practical_needs(client_ids: Iterable[int]) -> dict[int, PracticalAdjustments]:
    """Each client's practical needs from their latest intake, in one query.

    The answers are decrypted here and only the practical side leaves this function, as in
    client_records.practical_view.
    """
    return {
        client_id: practical_adjustments(
            answers_of(intake),
            review_pending=intake.review_state in (ReviewState.PENDING, ReviewState.CONTACTED),
        )
        for client_id, intake in latest_intakes(client_ids).items()
    }


def _closures(
    practitioners: Sequence[Practitioner], start: datetime, end: datetime
) -> dict[int | None, list[ClosureMark]]:
    """Closures touching [start, end) with their ids; the whole practice's under None."""
    ids = [p.id for p in practitioners]
    found: dict[int | None, list[ClosureMark]] = defaultdict(list)
    if not ids:
        return found
    for row in db.session.scalars(
        select(Closure).where(
            or_(Closure.practitioner_id.in_(ids), Closure.practitioner_id.is_(None)),
            Closure.start_utc < end,
            Closure.end_utc > start,
        )
    ):
        found[row.practitioner_id].append(
            ClosureMark(
                row.id,
                engine.Span(row.start_utc, row.end_utc),
                row.reason,
                row.practitioner_id is None,
            )
        )
    return found
