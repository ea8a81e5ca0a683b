"""A session held for the therapist's review never gets a "see you tomorrow" reminder.

The client is told plainly that the therapist is still reading their answers and will be in
touch first; once the therapist releases the session, the ordinary reminder goes instead.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.domain.messages import (
    CHECKIN_ANSWERS,
    Change,
    reminder_call_script,
    reminder_message,
)
from booking.domain.statuses import BookingStatus, ReviewState, StaffRole
from booking.extensions import db
from booking.models import Booking, Intake
from booking.services.intake import review
from booking.services.messaging import notify, outbox
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client
from tests.support.messages import make_facts
from tests.support.staff import add_staff_member

LINKS = {answer: f"https://book.example/checkin/{answer}" for answer in CHECKIN_ANSWERS}
HELD_WORDS = (
    "Maya is still reading your answers before your session tomorrow.",
    "Maya will call or write to you before the session.",
    "You do not need to do anything. Your time is kept for you.",
)


def test_a_held_session_s_reminder_says_the_therapist_will_be_in_touch_first():
    held = reminder_message(make_facts(held=True), DEFAULT_NOW, LINKS)
    assert held.subject == "About tomorrow: Gentle first session with Maya"
    for line in HELD_WORDS:
        assert line in held.text
    assert "A reminder of your session tomorrow." not in held.text
    for words in CHECKIN_ANSWERS.values():  # no check-in before the therapist has decided
        assert words not in held.text
    assert "no charge" in held.text  # the way out on a bad day stays


def test_a_confirmed_session_s_reminder_is_the_ordinary_one():
    ordinary = reminder_message(make_facts(held=False), DEFAULT_NOW, LINKS)
    assert ordinary.subject.startswith("Tomorrow: ")
    assert "A reminder of your session tomorrow." in ordinary.text
    assert not any(line in ordinary.text for line in HELD_WORDS)


def test_the_phone_script_for_a_held_session_says_the_same():
    lines = reminder_call_script(make_facts(held=True, client_email=None), DEFAULT_NOW)
    for line in HELD_WORDS:
        assert line in lines
    assert not any("As planned" in line for line in lines)


def _send_at(app, moment):
    with app.app_context():
        outbox.run_once(lambda: moment)


def _hold(app) -> int:
    """The answers raised a flag: the session waits for the therapist. Returns the intake id."""
    book_as_client(app)
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        booking.status = BookingStatus.HELD_FOR_REVIEW
        booking.ical_sequence += 1
        notify.booking_changed(booking, Change.HELD, DEFAULT_NOW)
        intake = db.session.scalars(select(Intake)).one()
        intake.review_state = ReviewState.PENDING
        db.session.commit()
        return intake.id


def _subjects(inbox) -> list[str]:
    return [str(message["Subject"]) for message in inbox.messages]


DAY_BEFORE = MONDAY - timedelta(hours=24)


def test_still_held_the_day_before_the_client_gets_the_honest_reminder(app, practice, inbox):
    _hold(app)
    _send_at(app, DAY_BEFORE)
    assert "About tomorrow: First gentle session with Maya Okafor" in _subjects(inbox)
    assert not any(subject.startswith("Tomorrow:") for subject in _subjects(inbox))


def test_released_in_time_the_client_gets_the_ordinary_reminder(app, practice, inbox):
    intake_id = _hold(app)
    staff_id = add_staff_member(app, StaffRole.THERAPIST)
    with app.app_context():
        review.release(intake_id, staff_id, "", DAY_BEFORE - timedelta(days=1))
    _send_at(app, DAY_BEFORE)
    assert "Tomorrow: First gentle session with Maya Okafor" in _subjects(inbox)
    assert not any(subject.startswith("About tomorrow") for subject in _subjects(inbox))
