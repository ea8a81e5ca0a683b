"""Each session shapes the next: a client's history, the suggestion it gives, and the change the
therapist keeps for a coming session (never applied by itself).

The rules are pure (booking/domain/next_session.py); this module reads what they need in a few
queries however many sessions are shown (the minutes and pressure are stored plainly, so no
record is decrypted for a suggestion), and keeps what the therapist accepts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.next_session import (
    Direction,
    PastSession,
    Suggestion,
    may_offer_more,
    suggest_next,
)
from booking.domain.session_record import MOST_MINUTES, PRESSURE_KEYS
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Service, SessionAdjustment, SessionNote
from booking.services.booking.changes import apply_lengthen, is_changeable
from booking.services.booking.errors import BookingError
from booking.services.messaging import notify, replies
from booking.services.sessions.agreed import agreed_for, note_answer, why_offer_closed
from booking.services.sessions.records import SessionRecord, booked_hands_on
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

# Sessions that took place, or were due to: a no-show or a cancelled one tells us nothing.
HELD_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED)


class AgreeRefused(Exception):
    """The change cannot be kept as asked; the message says why in plain words."""

    def __init__(self, message: str, field: str = "hands_on_minutes") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Held:
    """One session that took place (or started), with what was done and how it went."""

    booking_id: int
    start_utc: datetime
    end_utc: datetime
    followup: str | None
    lasted: str | None
    hands_on_minutes: int | None  # from the record; None without one
    pressure: int | None

    @classmethod
    def of(cls, booking: Booking, record: SessionRecord | None) -> Held:
        """A loaded booking and its record as a session held."""
        details = record if record is not None and record.has_details else None
        return cls(
            booking.id,
            booking.start_utc,
            booking.end_utc,
            booking.followup_answer,
            booking.followup_lasted,
            details.hands_on_minutes if details else None,
            details.pressure if details else None,
        )

    def as_past(self) -> PastSession:
        return PastSession(self.hands_on_minutes, self.pressure, self.followup, self.lasted)


def histories(client_ids: Iterable[int], now: datetime) -> dict[int, list[Held]]:
    """Every session these clients have had, oldest first, with what was recorded: one query,
    however many clients and sessions."""
    ids = set(client_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Booking.id,
            Booking.client_id,
            Booking.start_utc,
            Booking.end_utc,
            Booking.followup_answer,
            Booking.followup_lasted,
            SessionNote.hands_on_minutes,
            SessionNote.pressure,
        )
        .outerjoin(SessionNote, SessionNote.booking_id == Booking.id)
        .where(
            Booking.client_id.in_(ids),
            Booking.start_utc <= now,
            Booking.status.in_(HELD_STATUSES),
        )
        .order_by(Booking.start_utc, Booking.id)
    )
    found: dict[int, list[Held]] = defaultdict(list)
    for row in rows:
        recorded = row.hands_on_minutes is not None and row.pressure is not None
        found[row.client_id].append(
            Held(
                row.id,
                row.start_utc,
                row.end_utc,
                row.followup_answer,
                row.followup_lasted,
                row.hands_on_minutes if recorded else None,
                row.pressure if recorded else None,
            )
        )
    return found


def before(history: list[Held], booking: Booking) -> list[Held]:
    """The sessions of a history that ended before this booking starts."""
    return [held for held in history if held.end_utc <= booking.start_utc]


def last_given(history: list[Held], booking: Booking) -> int | None:
    """The hands-on minutes recorded for the latest session before this booking."""
    earlier = before(history, booking)
    recorded = [held.hands_on_minutes for held in earlier if held.hands_on_minutes is not None]
    return recorded[-1] if recorded else None


def offered_services() -> list[Service]:
    """Active services, for working out how long a session may grow: one query."""
    return list(db.session.scalars(select(Service).where(Service.active.is_(True))))


def _allowance(service: Service) -> int:
    return service.hands_on_minutes or service.minutes


def _longer_kinds(booking: Booking, services: list[Service]) -> list[Service]:
    """Sessions of the same kind (home visit or not, never a first visit) longer than this."""
    return [
        service
        for service in services
        if service.home_visit == booking.service.home_visit
        and not service.first_visit
        and service.minutes > booking.service.minutes
    ]


def allowed_minutes(booking: Booking, services: list[Service]) -> int:
    """The most hands-on time the session may have: what the booked session allows, or a
    longer session of the same kind, offered to the client."""
    longer = _longer_kinds(booking, services)
    return max([booked_hands_on(booking), *(_allowance(service) for service in longer)])


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
    longer = [s for s in _longer_kinds(booking, services) if _allowance(s) >= minutes]
    return min(longer, key=lambda service: (service.minutes, service.id), default=None)


@dataclass(frozen=True)
class NextSession:
    """A coming session with what its history suggests and what was kept for it."""

    booking: Booking
    suggestion: Suggestion | None
    agreed: SessionAdjustment | None
    allowed_minutes: int


def next_session(booking: Booking, now: datetime) -> NextSession:
    """The suggestion and the kept change for one coming session: three queries."""
    services = offered_services()
    history = histories([booking.client_id], now).get(booking.client_id, [])
    return NextSession(
        booking,
        suggestion_for(booking, history, services),
        agreed_for(booking.id),
        allowed_minutes(booking, services),
    )


@dataclass(frozen=True)
class Kept:
    """What agreeing did: the change kept, and whether the client is asked in a reminder."""

    agreed: SessionAdjustment
    offered: bool  # more than planned: only the client's yes makes it real
    in_reminder: bool  # a reminder still to send asks it (else their manage page does)


def _check(hands_on_minutes: int, pressure: int, direction: str) -> None:
    if direction not in set(Direction):
        raise AgreeRefused("Please keep the suggestion as shown, or change its numbers.")
    if not 0 < hands_on_minutes <= MOST_MINUTES:
        raise AgreeRefused("Please give the hands-on minutes as a number, such as 30.")
    if pressure not in PRESSURE_KEYS:
        raise AgreeRefused("Please choose the pressure, from 1 to 5.", "pressure")


@retry_conflicts
def agree(
    booking_id: int,
    hands_on_minutes: int,
    pressure: int,
    direction: str,
    staff_user_id: int,
    now: datetime,
) -> Kept:
    """Keep the therapist's change for a coming session (accepted or edited from the
    suggestion). More than planned becomes an offer in the client's next reminder; only their
    yes changes anything. Once the client has answered an offer, no second one is made."""
    _check(hands_on_minutes, pressure, direction)
    with write_transaction():
        booking = db.session.scalars(
            select(Booking).where(Booking.id == booking_id).with_for_update()
        ).one_or_none()
        if booking is None:
            raise LookupError(booking_id)
        if not is_changeable(booking, now):
            raise AgreeRefused("This session has started or was cancelled: nothing to plan.")
        services = offered_services()
        most = allowed_minutes(booking, services)
        if hands_on_minutes > most:
            raise AgreeRefused(
                f"Please keep to {most} minutes hands-on or fewer: that is the most this "
                "session, or a longer one of the same kind, allows."
            )
        # More than planned: more than last time (or than the booking allows, if less).
        history = histories([booking.client_id], now).get(booking.client_id, [])
        last = last_given(history, booking)
        planned = booked_hands_on(booking) if last is None else min(last, booked_hands_on(booking))
        more = hands_on_minutes > planned
        agreed = agreed_for(booking_id)
        answered = agreed is not None and agreed.client_answer is not None
        if answered:
            assert agreed is not None
            ceiling = agreed.hands_on_minutes if agreed.client_answer == "yes" else planned
            if hands_on_minutes > ceiling:
                raise AgreeRefused(
                    "The client has already answered an offer for this session. You can talk "
                    "about more on the day, or offer it for the next session."
                )
        elif more and not may_offer_more([held.as_past() for held in before(history, booking)]):
            raise AgreeRefused(
                "More time is offered only after two sessions in a row without feeling worse. "
                f"Please keep to {planned} minutes or fewer this time."
            )
        if agreed is None:
            agreed = SessionAdjustment(booking_id=booking_id, created_at=now)
            db.session.add(agreed)
        agreed.direction = direction
        agreed.hands_on_minutes = hands_on_minutes
        agreed.pressure = pressure
        if not answered:  # a yes (or keep) already given stands as it was
            longer = longer_service_for(booking, hands_on_minutes, services)
            agreed.offered_from_minutes = planned if more else None
            agreed.longer_service_id = longer.id if longer else None
        agreed.decided_by_id = staff_user_id
        agreed.updated_at = now
        db.session.flush()
        audit.record_booking_change(
            audit.actor_for(staff_user_id),
            AuditAction.AGREED_NEXT_SESSION,
            booking,
            now,
            detail="an offer of more, for the client to answer" if more else "kept",
        )
        offered = more and not answered
        in_reminder = notify.ask_in_reminder(booking, now) if offered else False
    return Kept(agreed, offered, in_reminder)


def act_on_offer(booking: Booking, answer: str, now: datetime) -> None:
    """The client's answer to an offer of more, in the answer's own transaction: a yes that
    needs a longer session than the one booked now changes the booking (or, if that no longer
    fits, nothing at all); anything else changes nothing but the answer on file."""
    if answer != "yes":
        return
    agreed = agreed_for(booking.id)
    if agreed is None:
        return
    # Worked out afresh: the client may have changed the session since the offer was made.
    longer = longer_service_for(booking, agreed.hands_on_minutes, offered_services())
    if longer is None and agreed.hands_on_minutes > booked_hands_on(booking):
        raise replies.ReplyProblem(
            "A longer session is not offered just now, so your session stays as it is. "
            "You can still ask for a little more on the day, if there is time."
        )
    if longer is None:
        return  # more hands-on time within the session as booked
    try:
        apply_lengthen(booking, longer, now)
    except BookingError as problem:
        raise replies.ReplyProblem(str(problem)) from None


def answer_offer_by_phone(booking: Booking, answer: str, now: datetime) -> str | None:
    """The client's answer to an offer of more, given on the reminder call (inside the call's
    transaction, after the check-in answer). Returns, for the desk, why a yes changed nothing;
    None when it was kept (or there was nothing to keep: a "keep it as it is" to an offer that
    had closed). The check-in answer stands either way."""
    agreed = agreed_for(booking.id)
    if agreed is None or why_offer_closed(booking, agreed, now):
        if answer != "yes":
            return None
        return (
            "the offer of more was no longer open (answered already, or the check-in asked "
            "for less), so the session stays as it is."
        )
    try:
        with db.session.begin_nested():
            note_answer(agreed, answer, now)
            act_on_offer(booking, answer, now)
    except replies.ReplyProblem:
        return (
            "a longer session does not fit at that time, so the session stays as it is. "
            "Please tell the therapist."
        )
    return None
