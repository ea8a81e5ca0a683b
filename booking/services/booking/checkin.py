"""The day-before check-in acts: what the client answers changes the session, not just a note.

- "Postpone, no charge" cancels as a flare cancellation (never a no-show, never a fee) and
  frees the time; the client is shown times to book again that suit them and their pacing.
- "Shorter and gentler" switches to the next shorter session of the same kind when one fits
  (the calendars get the change with a higher SEQUENCE), and tells the therapist.
- "A phone call instead" flags the session so, and tells the therapist that morning.

The same actions follow an answer given on the phone to reception (phone_calls.record_call).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking.clock import local_date, practice_zone
from booking.domain import availability as domain
from booking.domain.messages import Change, checkin_alert_message
from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services.booking import availability
from booking.services.booking.changes import apply_cancel, shorter_services
from booking.services.booking.making import paced_for, place
from booking.services.messaging import notify, outbox, replies

POSTPONED = "postponed"  # the cancel reason: an illness reason (desk_rules.ILLNESS_REASONS)
ALERT_MORNING = time(8, 0)  # "that morning": a call-instead alert reaches the therapist by then
REBOOK_TIMES_SHOWN = 4


@dataclass
class Answered:
    """A check-in answer recorded and acted on."""

    reply: replies.Reply
    shortened: bool = False  # "gentler": the session is now a shorter one


def answer(token: str, now: datetime) -> Answered:
    """Record a check-in answer from its link and act on it, in one transaction (retried on a
    conflict by replies.record, acting again from the start)."""
    shortened = False

    def then(booking: Booking, answer: str, now: datetime) -> None:
        nonlocal shortened
        shortened = act(booking, answer, now)

    reply = replies.record("checkin", token, now, then=then)
    return Answered(reply, shortened)


def act(booking: Booking, answer: str, now: datetime) -> bool:
    """Do what the answer asks, inside the caller's transaction (the booking is locked).
    Returns whether the session was shortened."""
    shortened = False
    if answer == "postpone":
        apply_cancel(booking, POSTPONED, now)
    elif answer == "gentler" and not _asked_gentler_before(booking):
        shortened = _shorten_if_it_fits(booking, now)
        _alert_therapist(booking, "gentler", now, due=now)
    elif answer == "phone":
        _alert_therapist(booking, "phone", now, due=_that_morning(booking, now))
    return shortened


def _asked_gentler_before(booking: Booking) -> bool:
    """Whether "shorter and gentler" already acted for this session (then, say, "as planned",
    then "gentler" again): it shortens once and tells the therapist once."""
    return (
        db.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.booking_id == booking.id,
                OutboxMessage.kind == f"{outbox.CHECKIN_ALERT}gentler",
            )
        )
        is not None
    )


def _shorten_if_it_fits(booking: Booking, now: datetime) -> bool:
    """Switch to the next shorter session of the same kind at the same time, if it fits:
    checked first, then changed inside a savepoint (so a lost race undoes only itself)."""
    start = booking.start_utc
    for service in shorter_services(booking):
        free = availability.free_practitioners_at(
            service, [booking.practitioner], start, now, ignore_booking_id=booking.id, staff=True
        )
        if booking.practitioner_id not in free:
            continue  # its rest time would overlap another booking
        try:
            with db.session.begin_nested():
                place(booking, service, start)
                booking.ical_sequence += 1
                db.session.flush()
        except IntegrityError:  # taken meanwhile: back to the session as stored
            db.session.refresh(booking)
            continue
        notify.booking_changed(booking, Change.SHORTENED, now)
        return True
    return False


def _that_morning(booking: Booking, now: datetime) -> datetime:
    """The session day's morning (or an hour before an early session); now if that has passed."""
    morning = datetime.combine(
        local_date(booking.start_utc), ALERT_MORNING, tzinfo=practice_zone()
    ).astimezone(UTC)
    return max(min(morning, booking.start_utc - timedelta(hours=1)), now)


def _alert_therapist(booking: Booking, answer: str, now: datetime, due: datetime) -> None:
    facts = notify.session_facts(booking)
    message = checkin_alert_message(facts, answer, now)
    outbox.queue([message], now, booking=booking, due_at=due)


def times_to_book_again(booking: Booking, now: datetime) -> list[domain.Slot]:
    """A few free times for the same session and therapist that keep the client's pacing,
    those on their best days and times first, then the soonest."""
    window = availability.booking_window()
    slots = availability.find_slots(
        booking.service,
        [booking.practitioner],
        now,
        window.latest(now) + timedelta(seconds=1),
        now,
    )
    keeps_pacing = paced_for(booking.client)
    paced = [slot for slot in slots if keeps_pacing(slot.start)]
    best, zone = booking.client.best_times, practice_zone()
    suiting = [slot for slot in paced if best and best.suits(slot.start, zone)]
    return (suiting or paced)[:REBOOK_TIMES_SHOWN]
