"""The private manage link: view, cancel, move, shorten, calendar file; wrong links are 404s."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from booking.services import booking as bookings
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.pages import csrf_token, text_of


@pytest.fixture
def token(app, practice) -> str:
    """A first session booked for Monday 23 November at 10:15."""
    return book_as_client(app)


def test_the_page_shows_the_booking_and_gentle_choices(client, token):
    words = text_of(client.get(f"/manage/{token}"))
    assert "Monday 23 November at 10:15am" in words
    assert "First gentle session, 45 minutes" in words
    assert "never counts against you" in words
    for action in ["Make it shorter", "Move it to another time", "Cancel it"]:
        assert action in words


@pytest.mark.parametrize("path", ["", "/cancel", "/move", "/shorten", "/calendar.ics"])
def test_a_wrong_link_is_a_kind_404_that_reveals_nothing(client, token, path):
    wrong = token[:-4] + "abcd"
    response = client.get(f"/manage/{wrong}{path}")
    assert response.status_code == 404
    assert "Monday 23 November" not in response.get_data(as_text=True)
    assert "You have not done anything wrong" in response.get_data(as_text=True)


def test_cancelling_asks_first_then_is_free_and_never_a_no_show(app, client, token):
    page = client.get(f"/manage/{token}/cancel")
    assert "There is no charge" in text_of(page)
    assert booking_for(app, token).status == "confirmed"  # the GET changed nothing
    response = client.post(
        f"/manage/{token}/cancel", data={"csrf_token": csrf_token(page), "reason": "not_well"}
    )
    assert response.status_code == 303
    booking = booking_for(app, token)
    assert (booking.status, booking.cancel_reason, booking.ical_sequence) == (
        "cancelled",
        "not_well",
        1,
    )
    words = text_of(client.get(f"/manage/{token}"))
    assert "Cancelled" in words and "There is no charge" in words
    assert "Cancel it" not in words


def test_a_post_without_the_form_token_changes_nothing(app, client, token):
    assert client.post(f"/manage/{token}/cancel", data={"reason": "other"}).status_code == 400
    assert booking_for(app, token).status == "confirmed"


def test_moving_shows_free_times_then_confirms_then_moves(app, client, token):
    times = client.get(f"/manage/{token}/move?from=2026-11-30").get_data(as_text=True)
    link = re.search(r'href="(/manage/[^"]+/move/confirm\?start=2026-11-30T10:15[^"]*)"', times)
    assert link, "Monday 30 November 10:15 is offered"
    confirm_page = client.get(link[1].replace("&amp;", "&"))
    assert "To Monday 30 November at 10:15am" in text_of(confirm_page)
    assert booking_for(app, token).start_utc == MONDAY  # nothing moved yet
    response = client.post(
        f"/manage/{token}/move/confirm",
        data={"csrf_token": csrf_token(confirm_page), "start": "2026-11-30T10:15:00+00:00"},
    )
    assert response.status_code == 303
    booking = booking_for(app, token)
    assert booking.start_utc == datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
    assert booking.ical_sequence == 1


def test_moving_to_a_taken_time_offers_nearby_ones(app, client, token):
    with app.app_context():
        other = bookings.ClientDetails(name="Bob", email="bob@example.com")
        taken = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
        bookings.book("first-gentle-session", taken, 1, other, "t" * 43, DEFAULT_NOW)
    page = client.get(f"/manage/{token}")
    response = client.post(
        f"/manage/{token}/move/confirm",
        data={"csrf_token": csrf_token(client.get(f"/manage/{token}/cancel")), "start": taken},
    )
    assert page.status_code == 200
    assert response.status_code == 409
    assert "Free times nearby" in text_of(response)
    assert booking_for(app, token).start_utc == MONDAY


def test_shortening_keeps_the_start_and_ends_sooner(app, client, token):
    page = client.get(f"/manage/{token}/shorten")
    assert "Short session, 30 minutes" in text_of(page)
    response = client.post(
        f"/manage/{token}/shorten",
        data={"csrf_token": csrf_token(page), "service": "short-session"},
    )
    assert response.status_code == 303
    booking = booking_for(app, token)
    assert booking.start_utc == MONDAY
    assert (booking.end_utc - booking.start_utc).total_seconds() == 30 * 60


def test_the_calendar_file_has_the_booking_and_no_personal_details(client, token):
    response = client.get(f"/manage/{token}/calendar.ics")
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt == MONDAY
    assert event["UID"].endswith("@booking")
    assert int(event["SEQUENCE"]) == 0
    assert "Ann" not in response.data.decode()
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_past_session_cannot_be_changed(client, token, freeze):
    freeze(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    words = text_of(client.get(f"/manage/{token}"))
    assert "can no longer be changed online" in words
    assert client.get(f"/manage/{token}/move").status_code == 302
