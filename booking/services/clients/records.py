"""A client's record as each member of staff may see it.

The therapist and admin read the clinical record: every answer, the room preparation sheet,
flags with their reasons, consents. Reception reads the practical view, built from the same
answers but holding only practical needs: the answers themselves never leave this module
for it, so no template can show them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import local_date
from booking.domain.intake import ScreeningCondition
from booking.domain.intake_rules import (
    PracticalAdjustments,
    SessionPlan,
    practical_adjustments,
    session_plan,
)
from booking.domain.statuses import BookingStatus, ReviewState
from booking.extensions import db
from booking.models import Booking, Client, Consent, Intake, StaffUser
from booking.services.intake.questionnaire import answers_of, latest_intake
from booking.services.intake.review import review_note
from booking.services.intake.screening import screening_conditions
from booking.services.schedule.upcoming import IntakeProgress, intake_progress


@dataclass(frozen=True)
class ClinicalRecord:
    """Everything the therapist reads before a session (the intake is None if there is none)."""

    client: Client
    intake: Intake | None
    answers: dict[str, dict[str, Any]]
    conditions: list[ScreeningCondition]
    plan: SessionPlan | None
    consents: list[Consent]
    review_note: str | None
    reviewed_by: str | None  # the reviewer's email


@dataclass(frozen=True)
class PracticalView:
    """What reception may know about a client: contact, carer, practical needs."""

    client: Client
    adjustments: PracticalAdjustments | None  # None until the client has answered anything


def find_client(client_id: int) -> Client | None:
    """The client with this id, or None."""
    return db.session.get(Client, client_id)


def clinical_record(client_id: int, now: datetime) -> ClinicalRecord | None:
    """The client's latest answers, session plan and consents; None for an unknown client."""
    client = find_client(client_id)
    if client is None:
        return None
    intake = latest_intake(client_id)
    conditions = screening_conditions(include_inactive=True)
    consents = list(
        db.session.scalars(
            select(Consent)
            .where(Consent.client_id == client_id)
            .order_by(Consent.given_at.desc(), Consent.id.desc())
        )
    )
    if intake is None:
        return ClinicalRecord(client, None, {}, conditions, None, consents, None, None)
    answers = answers_of(intake)
    today = local_date(now)
    reviewer = db.session.get(StaffUser, intake.reviewed_by_id) if intake.reviewed_by_id else None
    return ClinicalRecord(
        client=client,
        intake=intake,
        answers=answers,
        conditions=conditions,
        plan=session_plan(answers, conditions, today),
        consents=consents,
        review_note=review_note(intake),
        reviewed_by=reviewer.email if reviewer else None,
    )


def practical_view(client_id: int) -> PracticalView | None:
    """Practical needs only, for reception; None for an unknown client."""
    client = find_client(client_id)
    if client is None:
        return None
    intake: Intake | None = latest_intake(client_id)
    if intake is None:
        return PracticalView(client, None)
    adjustments = practical_adjustments(
        answers_of(intake),
        review_pending=intake.review_state in (ReviewState.PENDING, ReviewState.CONTACTED),
    )
    return PracticalView(client, adjustments)


# --- The desk's client page -------------------------------------------------------------------


@dataclass(frozen=True)
class DeskView:
    """A client as every role sees them: contact, carer, bookings, intake progress.

    Nothing clinical: no answers, flags' reasons or notes. Three queries.
    """

    client: Client
    upcoming: list[Booking]  # soonest first
    past: list[Booking]  # latest first, cancelled ones included
    intake: IntakeProgress


def desk_view(client_id: int, now: datetime) -> DeskView | None:
    """The client page's data, or None for an unknown client."""
    client = find_client(client_id)
    if client is None:
        return None
    booked = list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.service), joinedload(Booking.practitioner))
            .where(Booking.client_id == client_id)
            .order_by(Booking.start_utc, Booking.id)
        )
    )
    upcoming = [b for b in booked if b.start_utc > now and b.status != BookingStatus.CANCELLED]
    past = [b for b in reversed(booked) if b not in upcoming]
    latest = db.session.execute(
        select(Intake.status, Intake.review_state, Intake.current_step)
        .where(Intake.client_id == client_id)
        .order_by(Intake.created_at.desc(), Intake.id.desc())
        .limit(1)
    ).first()
    progress = intake_progress(*latest) if latest else IntakeProgress.NONE
    return DeskView(client, upcoming, past, progress)
