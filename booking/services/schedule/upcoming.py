"""What the staff dashboard's first page shows: the coming fortnight and what needs doing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain.intake_rules import SessionPlan, session_plan
from booking.domain.next_session import Suggestion
from booking.domain.statuses import BookingStatus, IntakeStatus, ReviewState
from booking.extensions import db
from booking.models import Booking, CallRequest, Intake, SessionAdjustment
from booking.services.booking.availability import local_day_bounds
from booking.services.intake.questionnaire import answers_of, latest_intakes
from booking.services.intake.screening import screening_conditions
from booking.services.sessions import loop
from booking.services.sessions.agreed import agreed_for_all
from booking.services.sessions.records import SessionRecord, records_for

UPCOMING_DAYS = 14


class IntakeProgress(StrEnum):
    """How far a client's latest intake has got, in the words staff see."""

    NONE = "none"  # no intake, or one not opened yet
    IN_PROGRESS = "in_progress"  # being filled in, or changed since it was sent
    SENT = "sent"
    REVIEW_PENDING = "review_pending"  # the therapist has still to release the sessions


INTAKE_PROGRESS_WORDS = {
    IntakeProgress.NONE: "Not started",
    IntakeProgress.IN_PROGRESS: "Being filled in",
    IntakeProgress.SENT: "Sent",
    IntakeProgress.REVIEW_PENDING: "Waiting for the therapist's review",
}


def intake_progress(
    status: IntakeStatus | None, review_state: ReviewState | None, current_step: str | None
) -> IntakeProgress:
    """The progress of an intake from its stored fields (all None when there is no intake)."""
    if status is None:
        return IntakeProgress.NONE
    if review_state in (ReviewState.PENDING, ReviewState.CONTACTED):
        return IntakeProgress.REVIEW_PENDING
    if status == IntakeStatus.SUBMITTED:
        return IntakeProgress.SENT
    if current_step is None:
        return IntakeProgress.NONE
    return IntakeProgress.IN_PROGRESS


@dataclass(frozen=True)
class UpcomingSession:
    """One booked session with its client's intake progress."""

    booking: Booking
    intake: IntakeProgress
    last_followup: str | None = None  # how the client was after their previous session


@dataclass(frozen=True)
class DeskCounts:
    """What is waiting for someone."""

    held_for_review: int  # future sessions held until the therapist reviews the answers
    open_calls: int  # people who asked to be phoned


def fortnight(now: datetime) -> tuple[datetime, datetime]:
    """From the start of today to the end of the 14th day, in the practice's time zone."""
    zone = practice_zone()
    today = local_date(now)
    start = datetime.combine(today, time(0), zone)
    end = datetime.combine(today + timedelta(days=UPCOMING_DAYS), time(0), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


class _WithBooking(Protocol):
    booking: Booking


S = TypeVar("S", bound=_WithBooking)


def held_soon(sessions: Iterable[S], now: datetime) -> list[S]:
    """Sessions still held for the therapist's review that start before tomorrow ends: the
    client was told the therapist will call or write first, so these go at the top."""
    _, tomorrow_end = local_day_bounds(local_date(now) + timedelta(days=1), practice_zone())
    return [
        session
        for session in sessions
        if session.booking.status == BookingStatus.HELD_FOR_REVIEW
        and now < session.booking.end_utc
        and session.booking.start_utc < tomorrow_end
    ]


def upcoming_sessions(now: datetime) -> list[UpcomingSession]:
    """Sessions from today to a fortnight ahead (not cancelled), in time order: two queries."""
    start, end = fortnight(now)
    bookings = list(
        db.session.scalars(
            select(Booking)
            .options(
                joinedload(Booking.client),
                joinedload(Booking.service),
                joinedload(Booking.practitioner),
            )
            .where(
                Booking.start_utc >= start,
                Booking.start_utc < end,
                Booking.status != BookingStatus.CANCELLED,
            )
            .order_by(Booking.start_utc, Booking.id)
        )
    )
    clients = {booking.client_id for booking in bookings}
    progress = _latest_intake_progress(clients)
    followups = _latest_followups(clients, now)
    return [
        UpcomingSession(
            booking,
            progress.get(booking.client_id, IntakeProgress.NONE),
            followups.get(booking.client_id),
        )
        for booking in bookings
    ]


def _latest_followups(client_ids: set[int], now: datetime) -> dict[int, str]:
    """Each client's answer to "how were you after?" for their latest past session: one query."""
    return {
        client_id: answers[0].answer
        for client_id, answers in _followups_by_client(client_ids, now).items()
    }


def _latest_intake_progress(client_ids: set[int]) -> dict[int, IntakeProgress]:
    """Each client's latest intake's progress, in one query (the answers are not loaded)."""
    if not client_ids:
        return {}
    rows = db.session.execute(
        select(Intake.client_id, Intake.status, Intake.review_state, Intake.current_step)
        .where(Intake.client_id.in_(client_ids))
        .order_by(Intake.client_id, Intake.created_at.desc(), Intake.id.desc())
    )
    progress: dict[int, IntakeProgress] = {}
    for client_id, status, review_state, current_step in rows:
        if client_id not in progress:  # the first row of each client is the latest
            progress[client_id] = intake_progress(status, review_state, current_step)
    return progress


def desk_counts(now: datetime) -> DeskCounts:
    """How many future sessions are held for review, and how many call requests are open."""
    held = (
        select(func.count())
        .select_from(Booking)
        .where(Booking.status == BookingStatus.HELD_FOR_REVIEW, Booking.start_utc > now)
        .scalar_subquery()
    )
    calls = (
        select(func.count())
        .select_from(CallRequest)
        .where(CallRequest.handled_at.is_(None))
        .scalar_subquery()
    )
    held_count, calls_count = db.session.execute(select(held, calls)).one()
    return DeskCounts(held_for_review=held_count, open_calls=calls_count)


# --- The therapist's day ----------------------------------------------------------------------

DAY_AHEAD_DAYS = 7  # upcoming sessions after today
LOOK_BACK_DAYS = 7  # recent sessions, for the notes still to write
FOLLOWUPS_SHOWN = 3


@dataclass(frozen=True)
class EarlierFollowUp:
    """How the client was one or two days after an earlier session."""

    session_end_utc: datetime
    answer: str  # a key of booking.domain.messages.FOLLOWUP_ANSWERS
    lasted: str | None = None  # after a worse answer, a key of LASTED_ANSWERS


@dataclass(frozen=True)
class PreparedSession:
    """One session with what the therapist reads before it and writes after it."""

    booking: Booking
    intake: IntakeProgress
    plan: SessionPlan | None  # None until the client has answered anything
    earlier_followups: list[EarlierFollowUp]  # the latest first, sessions before this one
    record: SessionRecord | None  # what the therapist recorded after it
    started: bool
    last_session: loop.Held | None = None  # the client's session before this one
    last_record: SessionRecord | None = None  # what was recorded for it
    suggestion: Suggestion | None = None  # for a session still to come
    agreed: SessionAdjustment | None = None  # the change the therapist kept for it
    allowed_minutes: int | None = None  # the most hands-on time it may grow to

    @property
    def crash_last_time(self) -> bool:
        """The client's answer after their previous session was "a crash"."""
        return bool(self.earlier_followups) and self.earlier_followups[0].answer == "crash"


@dataclass(frozen=True)
class TherapistDay:
    """A practitioner's sessions: today, the days ahead, and the last few days."""

    today: date
    last_day: date  # the last day of the upcoming ones
    today_sessions: list[PreparedSession]
    upcoming: list[tuple[date, list[PreparedSession]]]  # by local day, in order
    recent: list[PreparedSession]  # the last days' sessions, the latest first
    held_soon: list[PreparedSession] = field(default_factory=list)  # to review by tomorrow


def therapist_day(practitioner_id: int, now: datetime) -> TherapistDay:
    """A practitioner's day and week with plans, flags, follow-ups, records, the last session
    and the suggestion for the next: ten queries at most, however many sessions."""
    zone = practice_zone()
    today = local_date(now)
    start, _ = local_day_bounds(today - timedelta(days=LOOK_BACK_DAYS), zone)
    today_start, today_end = local_day_bounds(today, zone)
    _, end = local_day_bounds(today + timedelta(days=DAY_AHEAD_DAYS), zone)
    bookings = list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.client), joinedload(Booking.service))
            .where(
                Booking.practitioner_id == practitioner_id,
                Booking.start_utc >= start,
                Booking.start_utc < end,
                Booking.status != BookingStatus.CANCELLED,
            )
            .order_by(Booking.start_utc, Booking.id)
        )
    )
    clients = {booking.client_id for booking in bookings}
    intakes = latest_intakes(clients)
    conditions = screening_conditions(include_inactive=True) if intakes else []
    plans = {
        client_id: session_plan(answers_of(intake), conditions, today)
        for client_id, intake in intakes.items()
    }
    followups = _followups_by_client(clients, now)
    held = loop.histories(clients, now)
    last = {booking.id: _last_of(held, booking) for booking in bookings}
    # Decrypted: only the records shown (these sessions' own, and each one's last time).
    shown = {booking.id for booking in bookings} | {h.booking_id for h in last.values() if h}
    records = records_for(shown)
    agreed = agreed_for_all(booking.id for booking in bookings if booking.start_utc > now)
    services = loop.offered_services() if agreed or any(held.values()) else []

    def prepared(booking: Booking) -> PreparedSession:
        intake = intakes.get(booking.client_id)
        earlier = [
            followup
            for followup in followups.get(booking.client_id, [])
            if followup.session_end_utc <= booking.start_utc
        ]
        history = held.get(booking.client_id, [])
        previous = last[booking.id]
        coming = booking.start_utc > now
        return PreparedSession(
            booking=booking,
            intake=(
                intake_progress(intake.status, intake.review_state, intake.current_step)
                if intake
                else IntakeProgress.NONE
            ),
            plan=plans.get(booking.client_id),
            earlier_followups=earlier[:FOLLOWUPS_SHOWN],
            record=records.get(booking.id),
            started=booking.start_utc <= now,
            last_session=previous,
            last_record=records.get(previous.booking_id) if previous else None,
            suggestion=loop.suggestion_for(booking, history, services) if coming else None,
            agreed=agreed.get(booking.id),
            allowed_minutes=loop.allowed_minutes(booking, services) if coming else None,
        )

    sessions = [prepared(booking) for booking in bookings]
    upcoming: dict[date, list[PreparedSession]] = defaultdict(list)
    for session in sessions:
        if session.booking.start_utc >= today_end:
            upcoming[local_date(session.booking.start_utc)].append(session)
    return TherapistDay(
        today=today,
        last_day=today + timedelta(days=DAY_AHEAD_DAYS),
        today_sessions=[s for s in sessions if today_start <= s.booking.start_utc < today_end],
        upcoming=list(upcoming.items()),
        held_soon=held_soon(sessions, now),
        recent=[s for s in reversed(sessions) if s.booking.start_utc < today_start],
    )


def _last_of(held: dict[int, list[loop.Held]], booking: Booking) -> loop.Held | None:
    earlier = loop.before(held.get(booking.client_id, []), booking)
    return earlier[-1] if earlier else None


def _followups_by_client(client_ids: set[int], now: datetime) -> dict[int, list[EarlierFollowUp]]:
    """Every answer to "how were you after?" of these clients, the latest first: one query."""
    if not client_ids:
        return {}
    rows = db.session.execute(
        select(Booking.client_id, Booking.end_utc, Booking.followup_answer, Booking.followup_lasted)
        .where(
            Booking.client_id.in_(client_ids),
            Booking.end_utc <= now,
            Booking.followup_answer.is_not(None),
        )
        .order_by(Booking.client_id, Booking.end_utc.desc())
    )
    found: dict[int, list[EarlierFollowUp]] = defaultdict(list)
    for client_id, ended, answer, lasted in rows:
        found[client_id].append(EarlierFollowUp(ended, answer, lasted))
    return found
