"""Each session shapes the next: a client's history, the suggestion it gives, and the change the
therapist agrees for a coming session (never applied by itself).

The rules are pure (booking/domain/next_session.py); this module reads what they need in a few
queries however many sessions are shown, and keeps what the therapist accepts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.next_session import Direction, PastSession, Suggestion, suggest_next
from booking.domain.session_record import MOST_MINUTES, PRESSURE_KEYS
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Service, SessionAdjustment
from booking.services.booking.changes import apply_lengthen, is_changeable
from booking.services.booking.errors import BookingError
from booking.services.messaging import notify, replies
from booking.services.sessions.records import SessionRecord, booked_hands_on, records_for
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction


class AgreeRefused(Exception):
    """The change cannot be kept as asked; the message says why in plain words."""


@dataclass(frozen=True)
class Held:
    """One session that took place (or was due to), with what was done and how it went."""

    booking_id: int
    start_utc: datetime
    end_utc: datetime
    service_id: int
    followup: str | None
    lasted: str | None
    checkin: str | None
    record: SessionRecord | None

    @classmethod
    def of(cls, booking: Booking, record: SessionRecord | None) -> Held:
        """A loaded booking as a session held."""
        return cls(
            booking.id,
            booking.start_utc,
            booking.end_utc,
            booking.service_id,
            booking.followup_answer,
            booking.followup_lasted,
            booking.checkin_answer,
            record,
        )

    def as_past(self) -> PastSession:
        record = self.record if self.record and self.record.has_details else None
        return PastSession(
            hands_on_minutes=record.hands_on_minutes if record else None,
            pressure=record.pressure if record else None,
            followup=self.followup,
            lasted=self.lasted,
        )


def histories(client_ids: Iterable[int], now: datetime) -> dict[int, list[Held]]:
    """Every session these clients have had (started, not cancelled), oldest first, with its
    record: two queries, however many clients."""
    ids = set(client_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Booking.id,
            Booking.client_id,
            Booking.start_utc,
            Booking.end_utc,
            Booking.service_id,
            Booking.followup_answer,
            Booking.followup_lasted,
            Booking.checkin_answer,
        )
        .where(
            Booking.client_id.in_(ids),
            Booking.start_utc <= now,
            Booking.status != BookingStatus.CANCELLED,
        )
        .order_by(Booking.start_utc, Booking.id)
    ).all()
    records = records_for({row.id for row in rows})
    found: dict[int, list[Held]] = defaultdict(list)
    for row in rows:
        found[row.client_id].append(
            Held(
                row.id,
                row.start_utc,
                row.end_utc,
                row.service_id,
                row.followup_answer,
                row.followup_lasted,
                row.checkin_answer,
                records.get(row.id),
            )
        )
    return found


def before(history: list[Held], booking: Booking) -> list[Held]:
    """The sessions of a history that ended before this booking starts."""
    return [held for held in history if held.end_utc <= booking.start_utc]


def last_given(found: dict[int, list[Held]], booking: Booking) -> int | None:
    """The hands-on minutes recorded for the client's latest session before this booking."""
    recorded = [
        held.record.hands_on_minutes
        for held in before(found.get(booking.client_id, []), booking)
        if held.record and held.record.has_details
    ]
    return recorded[-1] if recorded else None


def offered_services() -> list[Service]:
    """Active services, for working out how long a session may grow: one query."""
    return list(db.session.scalars(select(Service).where(Service.active.is_(True))))


def _allowance(service: Service) -> int:
    return service.hands_on_minutes or service.minutes


def allowed_minutes(booking: Booking, services: list[Service]) -> int:
    """The most hands-on time the next session may have: what the booked session allows, or a
    longer session of the same kind (home visit or not) offered to the client."""
    same_kind = [
        service
        for service in services
        if service.home_visit == booking.service.home_visit and not service.first_visit
    ]
    return max([booked_hands_on(booking), *(_allowance(service) for service in same_kind)])


def suggestion_for(
    booking: Booking, history: list[Held], services: list[Service]
) -> Suggestion | None:
    """What the history suggests for this coming session, or None with nothing to go on."""
    past = [held.as_past() for held in before(history, booking)]
    return suggest_next(past, allowed_minutes=allowed_minutes(booking, services))


def longer_service_for(booking: Booking, minutes: int, services: list[Service]) -> Service | None:
    """The shortest session of the same kind that gives `minutes` hands-on, when the booked one
    does not; None when the booked one already allows them."""
    if minutes <= booked_hands_on(booking):
        return None
    longer = [
        service
        for service in services
        if service.home_visit == booking.service.home_visit
        and not service.first_visit
        and service.minutes > booking.service.minutes
        and _allowance(service) >= minutes
    ]
    if not longer:
        raise AgreeRefused(
            f"No session offered is long enough for {minutes} minutes hands-on: "
            f"the most is {allowed_minutes(booking, services)}."
        )
    return min(longer, key=lambda service: (service.minutes, service.id))


def adjustments_for(booking_ids: set[int]) -> dict[int, SessionAdjustment]:
    """The changes agreed for these bookings, by booking id: one query."""
    if not booking_ids:
        return {}
    rows = db.session.scalars(
        select(SessionAdjustment).where(SessionAdjustment.booking_id.in_(booking_ids))
    )
    return {row.booking_id: row for row in rows}


def pending_offer(booking: Booking, agreed: SessionAdjustment | None, now: datetime) -> bool:
    """Whether the client has an offer of more to answer for this session."""
    return (
        agreed is not None
        and agreed.offered_from_minutes is not None
        and agreed.hands_on_minutes > agreed.offered_from_minutes
        and agreed.client_answer is None
        and is_changeable(booking, now)
    )


@retry_conflicts
def agree(
    booking_id: int,
    hands_on_minutes: int,
    pressure: int,
    direction: str,
    staff_user_id: int,
    now: datetime,
) -> SessionAdjustment:
    """Keep the therapist's change for a coming session (accepted or edited from the
    suggestion). More than last time becomes an offer in the client's next reminder; only
    their yes changes the booking. Agreeing again replaces the change and asks again."""
    if direction not in set(Direction):
        raise AgreeRefused("Please choose from the suggestion shown.")
    if not 0 < hands_on_minutes <= MOST_MINUTES:
        raise AgreeRefused("Please give the hands-on minutes as a number, such as 30.")
    if pressure not in PRESSURE_KEYS:
        raise AgreeRefused("Please choose the pressure, from 1 to 5.")
    with write_transaction():
        booking = db.session.scalars(
            select(Booking).where(Booking.id == booking_id).with_for_update()
        ).one_or_none()
        if booking is None:
            raise LookupError(booking_id)
        if not is_changeable(booking, now):
            raise AgreeRefused("This session has started or was cancelled: nothing to plan.")
        services = offered_services()
        if hands_on_minutes > allowed_minutes(booking, services):
            raise AgreeRefused(
                f"Please keep to {allowed_minutes(booking, services)} minutes hands-on or "
                "fewer: that is the most this session, or a longer one, allows."
            )
        longer = longer_service_for(booking, hands_on_minutes, services)
        last_minutes = last_given(histories([booking.client_id], now), booking)
        agreed = db.session.scalars(
            select(SessionAdjustment).where(SessionAdjustment.booking_id == booking_id)
        ).one_or_none()
        if agreed is None:
            agreed = SessionAdjustment(booking_id=booking_id, created_at=now)
            db.session.add(agreed)
        agreed.direction = direction
        agreed.hands_on_minutes = hands_on_minutes
        agreed.pressure = pressure
        more = last_minutes is not None and hands_on_minutes > last_minutes
        agreed.offered_from_minutes = last_minutes if more else None
        agreed.longer_service_id = longer.id if longer else None
        agreed.client_answer = None
        agreed.answered_at = None
        agreed.decided_by_id = staff_user_id
        agreed.updated_at = now
        audit.record_booking_change(
            audit.actor_for(staff_user_id),
            AuditAction.AGREED_NEXT_SESSION,
            booking,
            now,
            detail="an offer of more for the client" if more else "kept for the session",
        )
        if more:
            notify.ask_in_reminder(booking, now)
    return agreed


def act_on_offer(booking: Booking, answer: str, now: datetime) -> None:
    """The client's answer to an offer of more, in the answer's own transaction: a yes that
    needs a longer session changes the booking (or, if that no longer fits, nothing at all);
    anything else changes nothing but the answer on file."""
    if answer != "yes":
        return
    agreed = replies.agreed_for(booking)
    if agreed is None or agreed.longer_service_id is None:
        return  # more hands-on time within the session as booked
    service = db.session.get(Service, agreed.longer_service_id)
    if service is None or not service.active:
        raise replies.ReplyProblem(
            "That longer session is no longer offered, so your session stays as it is. "
            "You can still ask for a little more on the day, if there is time."
        )
    try:
        apply_lengthen(booking, service, now)
    except BookingError as problem:
        raise replies.ReplyProblem(str(problem)) from None
