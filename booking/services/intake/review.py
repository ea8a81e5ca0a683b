"""The therapist's review of intakes that hold sessions: the queue, release, contacted.

An intake whose answers raise a STOP or REVIEW flag (booking/domain/intake_rules.py) holds
the client's future sessions as "held for review". The therapist reads the answers, then
either releases them (the held sessions are confirmed) or notes that they are talking it
through with the client (the sessions stay held).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import local_date
from booking.domain.audit import AuditAction
from booking.domain.intake_rules import RaisedFlag, flags_for
from booking.domain.messages import Change
from booking.domain.statuses import BookingStatus, ReviewState
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, Intake
from booking.services.intake.questionnaire import answers_of
from booking.services.intake.screening import screening_conditions
from booking.services.messaging import notify
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

AWAITING = (ReviewState.PENDING, ReviewState.CONTACTED)
NOTE_LIMIT = 1000


class ReviewError(Exception):
    """The review cannot be recorded as asked; the message says why in plain words."""


class UnknownIntake(LookupError):
    """No intake has this id."""


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review action changed."""

    intake_id: int
    client_id: int
    review_state: ReviewState
    changed: bool  # False when the intake was already in that state and nothing was done
    confirmed_booking_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class QueueItem:
    """One intake waiting for the therapist, with the sessions it holds and why."""

    intake: Intake
    held: list[Booking]
    flags: list[RaisedFlag]


def _locked_intake(intake_id: int) -> Intake:
    # Locked, so two people pressing "release" at once confirm (and re-sequence) each
    # session once: the second waits, then sees the intake already released.
    intake = db.session.scalars(
        select(Intake).where(Intake.id == intake_id).with_for_update()
    ).one_or_none()
    if intake is None:
        raise UnknownIntake(intake_id)
    return intake


def _newer_intake_waiting(intake: Intake) -> bool:
    """A later intake of the same client also waits: its answers, not these, decide."""
    newer = select(Intake.id).where(
        Intake.client_id == intake.client_id,
        Intake.id > intake.id,
        Intake.review_state.in_(AWAITING),
    )
    return db.session.scalars(newer.limit(1)).first() is not None


def _held_sessions(client_id: int, now: datetime) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.client_id == client_id,
                Booking.status == BookingStatus.HELD_FOR_REVIEW,
                Booking.start_utc > now,
            )
            .order_by(Booking.start_utc)
            .with_for_update()
        )
    )


def _record(intake: Intake, state: ReviewState, staff_user_id: int, note: str, now: datetime):
    if len(note) > NOTE_LIMIT:
        raise ReviewError(f"Please keep the note to {NOTE_LIMIT:,} characters or fewer.")
    intake.review_state = state
    intake.reviewed_at = now
    intake.reviewed_by_id = staff_user_id
    if note:
        intake.review_note_encrypted = cipher().encrypt(note)


@retry_conflicts
def release(intake_id: int, staff_user_id: int, note: str, now: datetime) -> ReviewOutcome:
    """Reviewed: the client's future held sessions are confirmed (calendar sequence + 1).

    Releasing an intake already released changes nothing. Raises UnknownIntake, or
    ReviewError when the intake was never waiting or a newer one of the client's waits.
    """
    note = note.strip()
    with write_transaction():
        intake = _locked_intake(intake_id)
        client_id = intake.client_id
        if intake.review_state == ReviewState.RELEASED:
            return ReviewOutcome(intake_id, client_id, ReviewState.RELEASED, changed=False)
        if intake.review_state not in AWAITING:
            raise ReviewError("These answers are not waiting for a review.")
        if _newer_intake_waiting(intake):
            raise ReviewError("This client has sent newer answers. Please review those instead.")
        _record(intake, ReviewState.RELEASED, staff_user_id, note, now)
        confirmed = []
        for booking in _held_sessions(client_id, now):
            booking.status = BookingStatus.CONFIRMED
            booking.ical_sequence += 1  # calendars replace the held entry with the confirmed one
            notify.booking_changed(booking, Change.CONFIRMED, now)
            confirmed.append(booking.id)
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.RELEASED_REVIEW,
            now,
            client_id=client_id,
            detail=f"{len(confirmed)} held session(s) confirmed",
        )
    return ReviewOutcome(
        intake_id,
        client_id,
        ReviewState.RELEASED,
        changed=True,
        confirmed_booking_ids=tuple(confirmed),
    )


@retry_conflicts
def mark_contacted(intake_id: int, staff_user_id: int, note: str, now: datetime) -> ReviewOutcome:
    """The therapist is talking it through with the client: note why; sessions stay held."""
    note = note.strip()
    if not note:
        raise ReviewError("Please write a short note about the conversation.")
    with write_transaction():
        intake = _locked_intake(intake_id)
        if intake.review_state not in AWAITING:
            raise ReviewError("These answers are not waiting for a review.")
        _record(intake, ReviewState.CONTACTED, staff_user_id, note, now)
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.CONTACTED_REVIEW,
            now,
            client_id=intake.client_id,
        )
        return ReviewOutcome(intake.id, intake.client_id, ReviewState.CONTACTED, changed=True)


def find_intake(intake_id: int) -> Intake | None:
    """The intake with this id, if any."""
    return db.session.get(Intake, intake_id)


def review_note(intake: Intake) -> str | None:
    """The therapist's last review note, decrypted."""
    if intake.review_note_encrypted is None:
        return None
    return cipher().decrypt(intake.review_note_encrypted)


def held_for_review(now: datetime) -> list[QueueItem]:
    """Intakes waiting for the therapist, oldest first, each with its held future sessions
    and its flags. Three queries, however long the queue."""
    intakes = list(
        db.session.scalars(
            select(Intake)
            .options(joinedload(Intake.client))
            .where(Intake.review_state.in_(AWAITING))
            .order_by(Intake.submitted_at, Intake.created_at, Intake.id)
        )
    )
    if not intakes:
        return []
    held_by_client: dict[int, list[Booking]] = defaultdict(list)
    held = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.service), joinedload(Booking.practitioner))
        .where(
            Booking.client_id.in_({intake.client_id for intake in intakes}),
            Booking.status == BookingStatus.HELD_FOR_REVIEW,
            Booking.start_utc > now,
        )
        .order_by(Booking.start_utc)
    )
    for booking in held:
        held_by_client[booking.client_id].append(booking)
    conditions = screening_conditions(include_inactive=True)
    today = local_date(now)
    return [
        QueueItem(
            intake=intake,
            held=held_by_client[intake.client_id],
            flags=flags_for(answers_of(intake), conditions, today),
        )
        for intake in intakes
    ]
