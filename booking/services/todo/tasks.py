"""Everything that needs a person today, in one list, each with what to do and a "done".

The list is worked out from what is stored (bookings, call requests, the outbox), so it is
never out of date; only "done" is kept (todo_done), by a key that names the item and its
version, so the same need arising again (a session held again after a change, a message
failing again) comes back. Marking done is audited. Calls by phone are done by recording
what the client said on the phone list (audited there); a call request's done also closes
the request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, CallRequest, OutboxMessage, TodoDone
from booking.services.booking.availability import local_day_bounds
from booking.services.booking.checkin import POSTPONED
from booking.services.messaging import call_requests, phone_calls
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

# A crash reported after a session: the follow-up is open two weeks, and a week more to call.
CRASH_SHOWN_FOR = timedelta(days=21)
FAILED_SHOWN_FOR = timedelta(days=14)
POSTPONED_SHOWN_FOR = timedelta(days=8)  # postponed sessions from today to a week ahead
LIVE = (BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW)


class TaskKind(StrEnum):
    """What kind of need, in the order the list shows them."""

    CHECKIN = "checkin"  # a check-in answer changed a session today or tomorrow
    HELD = "held"  # a session today or tomorrow still held for the therapist's review
    CALL_REQUEST = "call"  # someone asked us to phone them
    PHONE = "phone"  # a reminder or follow-up call due
    CRASH = "crash"  # a client reported a crash after a session
    FAILED = "message"  # a message that could not be sent


@dataclass(frozen=True)
class Task:
    """One thing to do. The template says what to do, by kind, from what is attached."""

    key: str
    kind: TaskKind
    booking: Booking | None = None
    call_request: CallRequest | None = None
    call: phone_calls.PhoneCall | None = None
    message: OutboxMessage | None = None

    @property
    def done_here(self) -> bool:
        """Whether "done" is pressed on the to-do list (a phone call is done by recording
        the client's answer on the phone list)."""
        return self.kind != TaskKind.PHONE


def _bookings(*conditions) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .options(
                joinedload(Booking.client),
                joinedload(Booking.service),
                joinedload(Booking.practitioner),
            )
            .where(*conditions)
            .order_by(Booking.start_utc, Booking.id)
        )
    )


def tasks_for_today(now: datetime) -> list[Task]:
    """Every open item, in the order of TaskKind, each kind soonest first. Ten queries."""
    today_start, _ = local_day_bounds(local_date(now), practice_zone())
    _, tomorrow_end = local_day_bounds(local_date(now) + timedelta(days=1), practice_zone())
    soon = (Booking.start_utc >= today_start, Booking.start_utc < tomorrow_end)
    found: list[Task] = []
    for booking in _bookings(
        Booking.start_utc >= today_start,
        or_(
            and_(
                *soon,
                Booking.status.in_(LIVE),
                Booking.checkin_answer.in_(("gentler", "phone")),
                Booking.start_utc > now,
            ),
            and_(  # a time freed this week: the client may call to choose another
                Booking.status == BookingStatus.CANCELLED,
                Booking.cancel_reason == POSTPONED,
                Booking.start_utc < today_start + POSTPONED_SHOWN_FOR,
            ),
        ),
    ):
        answer = "postpone" if booking.status == BookingStatus.CANCELLED else booking.checkin_answer
        found.append(Task(f"checkin:{booking.id}:{answer}", TaskKind.CHECKIN, booking=booking))
    for booking in _bookings(
        *soon, Booking.status == BookingStatus.HELD_FOR_REVIEW, Booking.end_utc > now
    ):
        key = f"held:{booking.id}:{booking.ical_sequence}"
        found.append(Task(key, TaskKind.HELD, booking=booking))
    for request in call_requests.open_call_requests():
        found.append(Task(f"call:{request.id}", TaskKind.CALL_REQUEST, call_request=request))
    for call in phone_calls.calls_to_make(now):
        key = f"phone:{call.kind}:{call.booking.id}:{call.booking.ical_sequence}"
        found.append(Task(key, TaskKind.PHONE, booking=call.booking, call=call))
    for booking in _bookings(
        Booking.followup_answer == "crash",
        Booking.end_utc >= now - CRASH_SHOWN_FOR,
        Booking.end_utc <= now,
    ):
        found.append(Task(f"crash:{booking.id}", TaskKind.CRASH, booking=booking))
    for message in db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.failed_at.is_not(None),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at >= now - FAILED_SHOWN_FOR,
        )
        .order_by(OutboxMessage.failed_at)
    ):
        key = f"message:{message.id}:{message.attempts}:{message.failed_at:%Y%m%d%H%M%S}"
        found.append(Task(key, TaskKind.FAILED, message=message))
    done = set(
        db.session.scalars(select(TodoDone.key).where(TodoDone.key.in_([t.key for t in found])))
    )
    return [task for task in found if task.key not in done]


def counts(tasks: list[Task]) -> Counter[TaskKind]:
    """How many of each kind, for the first dashboard page."""
    return Counter(task.kind for task in tasks)


class NotOnTheList(LookupError):
    """The item is done already, or no longer needs anyone."""


@retry_conflicts
def mark_done(key: str, staff_user_id: int, now: datetime) -> Task:
    """Mark one item done, audited; NotOnTheList when it is not an open item done here."""
    with write_transaction():
        task = next((t for t in tasks_for_today(now) if t.key == key), None)
        if task is None or not task.done_here:
            raise NotOnTheList(key)
        try:
            with db.session.begin_nested():
                db.session.add(TodoDone(key=key, done_at=now, done_by_id=staff_user_id))
                db.session.flush()
        except IntegrityError:  # someone else pressed it at the same moment
            raise NotOnTheList(key) from None
        if task.call_request is not None:
            request = task.call_request
            request.handled_at, request.handled_by_id = now, staff_user_id
        booking = task.booking
        message_booking = task.message.booking_id if task.message is not None else None
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.DID_TODO,
            now,
            client_id=booking.client_id if booking is not None else None,
            booking_id=booking.id if booking is not None else message_booking,
            detail=task.kind.value,  # the kind only: nothing personal, nothing clinical
        )
    return task
