"""The day-before check-in acts: postpone cancels for free and offers times to book again,
"shorter and gentler" shortens the session and tells the therapist, "a phone call instead"
tells the therapist that morning. By email link or by phone to reception, the same."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from booking.clock import practice_zone
from booking.domain.best_times import BestTimes
from booking.domain.desk_rules import cancelled_for_illness
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Client, OutboxMessage, Service
from booking.services.booking import checkin
from booking.services.messaging import outbox, phone_calls, replies
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.factories import make_service
from tests.support.pages import csrf_token, text_of

DAY_BEFORE = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # the reminder's moment
NEXT_MONDAY = MONDAY + timedelta(days=7)


def _link(app, token: str, answer: str) -> str:
    """The path of the check-in link for `answer`, as the reminder email carries it."""
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, token).id)
        url = replies.answer_links("checkin", booking)[answer]
    return "/" + url.split("/", 3)[3]


def _answer(app, client, token: str, answer: str):
    path = _link(app, token, answer)
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(page)})


def _rows(app, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


@pytest.fixture
def day_before(freeze):
    freeze(DAY_BEFORE)
    return DAY_BEFORE


# --- Postpone -------------------------------------------------------------------------------


def test_postponing_cancels_for_free_tells_both_and_offers_times(app, practice, client, day_before):
    token = book_as_client(app)
    asked = text_of(client.get(_link(app, token, "postpone")))
    assert "This cancels your session, at no charge." in asked
    done = _answer(app, client, token, "postpone")
    assert done.status_code == 200
    words = text_of(done)
    assert "Your session is cancelled. There is no charge" in words
    assert "We will be in touch" not in words

    booking = booking_for(app, token)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == checkin.POSTPONED
    assert cancelled_for_illness(booking.cancel_reason)  # never a no-show, never a fee
    assert _rows(app, "client_cancellation") and _rows(app, "therapist_cancellation")

    times = re.findall(r'href="(/manage/[^/"]+/again/confirm\?start=[^"]+)"', done.text)
    assert 1 <= len(times) <= checkin.REBOOK_TIMES_SHOWN
    # The freed time is free again: the first time offered can be the very same one.
    with app.app_context():
        again = checkin.times_to_book_again(db.session.get(Booking, booking.id), day_before)
    assert MONDAY in [slot.start for slot in again]

    # One press on a time, then one to confirm: booked for the same client, nothing retyped.
    confirm_page = client.get(times[0].replace("&amp;", "&"))
    assert "Book this time?" in text_of(confirm_page)
    booked = client.post(
        times[0].split("?")[0],
        data={
            "csrf_token": csrf_token(confirm_page),
            "booking_key": re.search(r'name="booking_key" value="([^"]+)"', confirm_page.text)[1],
            "start": re.search(r'name="start" value="([^"]+)"', confirm_page.text)[1],
        },
    )
    assert booked.status_code == 303 and "/book/booked/" in booked.location
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1
        live = db.session.scalars(
            select(Booking).where(Booking.status != BookingStatus.CANCELLED)
        ).all()
        assert [b.client_id for b in live] == [booking.client_id]

    # Pressing postpone again shows the thank-you page; nothing more happens.
    again_page = _answer(app, client, token, "postpone")
    assert again_page.status_code == 200
    assert len(_rows(app, "client_cancellation")) == 1


def test_times_to_book_again_keep_pacing_and_prefer_the_clients_best_times(
    app, practice, day_before
):
    token = book_as_client(app)  # the first session, Monday 23 November 10:15
    second = book_as_client(app, start=NEXT_MONDAY, slug="gentle-massage", now=DEFAULT_NOW)
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, second).id)
        booking.client.best_times = BestTimes.from_keys(["thu"], ["afternoon"])
        db.session.commit()
    client = app.test_client()
    _answer(app, client, second, "postpone")
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, second).id)
        offered = checkin.times_to_book_again(booking, day_before)
        first_start = booking_for(app, token).start_utc
        assert offered
        for slot in offered:
            local = slot.start.astimezone(practice_zone())
            assert local.weekday() == 3 and 12 <= local.hour < 17  # Thursday afternoons
            assert abs(slot.start - first_start) >= timedelta(days=5)  # first-month pacing


# --- Shorter and gentler --------------------------------------------------------------------


def test_gentler_switches_to_a_shorter_session_and_updates_the_therapists_invite(
    app, practice, client, day_before
):
    book_as_client(app)  # the first visit comes first
    token = book_as_client(app, slug="gentle-massage", start=NEXT_MONDAY)
    done = _answer(app, client, token, "gentler")
    assert "Your session is now shorter: 45 minutes" in text_of(done)  # the first session
    booking = booking_for(app, token)
    with app.app_context():
        assert db.session.get(Service, booking.service_id).minutes < 60
    assert booking.start_utc == NEXT_MONDAY and booking.ical_sequence == 1
    [update] = _rows(app, "therapist_update")
    event = Calendar.from_ical(update.calendar).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTEND") - event.decoded("DTSTART") < timedelta(minutes=60)
    [alert] = _rows(app, "therapist_checkin_gentler")
    assert "asked at the day-before check-in for a shorter, gentler session" in alert.text_body
    assert alert.due_at == day_before


def test_gentler_without_a_shorter_session_still_tells_the_therapist(
    app, practice, client, day_before
):
    book_as_client(app)
    token = book_as_client(app, slug="short-session", start=NEXT_MONDAY)  # the shortest there is
    done = _answer(app, client, token, "gentler")
    assert "now shorter" not in text_of(done)
    assert "knows, and will keep it gentle" in text_of(done)
    assert booking_for(app, token).ical_sequence == 0
    assert len(_rows(app, "therapist_checkin_gentler")) == 1


# --- A phone call instead -------------------------------------------------------------------


def test_a_call_instead_flags_the_session_and_tells_the_therapist_that_morning(
    app, practice, client, day_before
):
    token = book_as_client(app)
    done = _answer(app, client, token, "phone")
    assert "will phone you at the time of your session instead" in text_of(done)
    assert booking_for(app, token).checkin_answer == "phone"
    [alert] = _rows(app, "therapist_checkin_phone")
    assert alert.due_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # that morning, in London
    assert "Phone call instead" in alert.subject
    assert "phone them at the session time" in alert.text_body


def test_a_call_instead_alert_is_dropped_when_the_client_answers_otherwise(
    app, practice, client, day_before, inbox
):
    token = book_as_client(app)
    _answer(app, client, token, "phone")
    _answer(app, client, token, "as_planned")
    [alert] = _rows(app, "therapist_checkin_phone")
    with app.app_context():
        outbox.run_once(lambda: alert.due_at)
        assert db.session.get(OutboxMessage, alert.id).dropped_at is not None
    assert not any("Phone call instead" in m["Subject"] for m in inbox.messages)


# --- By phone to reception ------------------------------------------------------------------


def test_an_answer_taken_by_phone_acts_the_same(app, practice, day_before):
    token = book_as_client(app, email=None, phone="07700 900123")
    booking = booking_for(app, token)
    with app.app_context():
        phone_calls.record_call(
            booking.id, "checkin", "postpone", booking.ical_sequence, audit.SYSTEM_ACTOR, day_before
        )
    after = booking_for(app, token)
    assert after.status == BookingStatus.CANCELLED
    assert after.cancel_reason == checkin.POSTPONED


def test_gentler_skips_a_shorter_session_that_does_not_fit_and_acts_once(
    app, practice, client, day_before
):
    with app.app_context():
        make_service(
            name="Quiet fifty", slug="quiet-fifty", minutes=50, buffer_before_minutes=120
        )  # shorter, but its rest time before would start before opening
        db.session.commit()
    book_as_client(app)
    token = book_as_client(app, slug="gentle-massage", start=NEXT_MONDAY)
    done = _answer(app, client, token, "gentler")
    assert done.status_code == 200
    assert "Your session is now shorter: 45 minutes" in text_of(done)
    # "As planned", then "gentler" again: it shortened once and told the therapist once.
    _answer(app, client, token, "as_planned")
    _answer(app, client, token, "gentler")
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, token).id)
        assert booking.service.minutes == 45 and booking.ical_sequence == 1
    assert len(_rows(app, "therapist_checkin_gentler")) == 1
